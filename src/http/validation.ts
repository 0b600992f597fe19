import { Ajv, type Options, type SchemaValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { freeJsonProblem, JSON_LIMITS_KEYWORD } from './input-guard.js';

// Query strings and path parameters arrive as text, so their validator coerces
// ("20" → 20). JSON bodies arrive typed and are validated as sent: coercion there
// would silently turn a null into 0 or "" inside nullable fields.
const common: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({ ...common, ...options });
  addFormats.default(ajv);
  const checkJsonLimits: SchemaValidateFunction = (limits: { depth: number; bytes: number }, data: unknown) => {
    const problem = freeJsonProblem(data, limits);
    checkJsonLimits.errors = problem ? [{ keyword: JSON_LIMITS_KEYWORD, message: problem, params: limits }] : [];
    return !problem;
  };
  ajv.addKeyword({ keyword: JSON_LIMITS_KEYWORD, schemaType: 'object', errors: true, validate: checkJsonLimits });
  return ajv;
}

export function registerValidation(app: FastifyInstance): void {
  const coercing = makeAjv({ coerceTypes: 'array' });
  const exact = makeAjv({ coerceTypes: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? exact : coercing).compile(schema));
}
