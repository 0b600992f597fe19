import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import { canEditCustomers, canEditHoldings, type Permission } from '../../auth/permissions.js';
import { AppError } from '../../errors.js';
import { actorOf, authenticate } from '../../http/authenticate.js';
import { errorResponses } from '../../http/schemas.js';
import { IMPORT_TYPES, type ImportType } from './entities.js';
import { importStream, type RejectedRow } from './run-import.js';

const MAX_REPORTED = 1000;

const PERMISSION: Record<ImportType, Permission> = {
  customers: canEditCustomers,
  identities: canEditCustomers,
  holdings: canEditHoldings,
  usage: canEditHoldings,
  transactions: canEditHoldings,
};

const ImportResult = Type.Object({
  type: Type.String(),
  rows: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer({ description: 'Rows already imported as they are: a re-import changes nothing' }),
  rejected: Type.Integer(),
  rejectedRows: Type.Array(Type.Object({ row: Type.Integer({ description: 'Line in the file' }), reason: Type.String() }), {
    description: `The first ${MAX_REPORTED} refused rows`,
  }),
});

/** `POST /imports/{type}`: the file is the body (text/csv or application/x-ndjson), streamed. */
export const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The body is handed over as a stream, so a file of any size is read in batches.
  for (const type of ['text/csv', 'application/x-ndjson', 'application/ndjson']) {
    app.addContentTypeParser(type, (_request, payload, done) => done(null, payload));
  }

  app.post(
    '/imports/:type',
    {
      // Who is asking is settled first, whatever the path and body; what they may import is known once the type is.
      onRequest: async (request) => {
        await authenticate(request);
      },
      schema: {
        tags: ['ingest'],
        summary:
          'Bulk-import a CSV (text/csv) or NDJSON (application/x-ndjson) file of customers, identities, holdings, usage or transactions',
        description:
          'Good rows load while refused ones are reported with their line and reason; importing the same file again changes nothing.',
        params: Type.Object({ type: Type.Union(IMPORT_TYPES.map((t) => Type.Literal(t))) }),
        response: { 200: ImportResult, ...errorResponses },
      },
    },
    async (request) => {
      const type = request.params.type as ImportType;
      const actor = actorOf(request);
      const permission = PERMISSION[type];
      if (!permission(actor)) throw new AppError('forbidden', `This account cannot ${permission.description}`);
      const contentType = String(request.headers['content-type'] ?? '');
      const format = contentType.startsWith('text/csv') ? 'csv' : contentType.includes('ndjson') ? 'ndjson' : undefined;
      if (!format) throw new AppError('validation_failed', 'Send the file as text/csv or application/x-ndjson');
      const rejectedRows: RejectedRow[] = [];
      const summary = await importStream(app.database.db, actorOf(request), request.body as Readable, {
        type,
        format,
        onRejected: (row) => {
          if (rejectedRows.length < MAX_REPORTED) rejectedRows.push(row);
        },
        onBatchFailed: (error, rows) => request.log.error({ err: error, rows }, 'an import batch failed and was rolled back'),
      });
      return { ...summary, rejectedRows };
    },
  );
};
