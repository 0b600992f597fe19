import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { pendingMigrations } from '../db/migrate.js';

const Health = Type.Object({
  status: Type.String(),
  database: Type.Optional(Type.String()),
  pendingMigrations: Type.Optional(Type.Array(Type.Integer())),
});

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'The process is up', response: { 200: Health } } }, async () => ({
    status: 'ok',
  }));

  app.get(
    '/readyz',
    {
      schema: { tags: ['health'], summary: 'The database is reachable and migrations are applied', response: { 200: Health, 503: Health } },
    },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(app.database.db);
        const pending = await pendingMigrations(app.database);
        if (pending.length > 0)
          return reply.status(503).send({ status: 'migrations pending', database: app.database.kind, pendingMigrations: pending });
        return { status: 'ready', database: app.database.kind };
      } catch {
        return reply.status(503).send({ status: 'database unreachable', database: app.database.kind });
      }
    },
  );
};
