import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, fromDatabaseError, STATUS_BY_CODE, type ErrorCode, type FieldIssue } from '../errors.js';
import { loggableUrl } from './logging.js';

interface ValidationIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** Ajv's findings → one issue per bad field, named by its JSON path. */
function toIssues(validation: ValidationIssue[], context: string | undefined): Array<FieldIssue & { in?: string }> {
  return validation.map((issue) => {
    let path = issue.instancePath || '/';
    let message = issue.message ?? 'is invalid';
    if (issue.keyword === 'required' && typeof issue.params.missingProperty === 'string') {
      path = `${issue.instancePath}/${issue.params.missingProperty}`;
      message = 'is required';
    } else if (issue.keyword === 'additionalProperties' && typeof issue.params.additionalProperty === 'string') {
      path = `${issue.instancePath}/${issue.params.additionalProperty}`;
      message = 'is not a known field';
    } else if (issue.keyword === 'enum' && Array.isArray(issue.params.allowedValues)) {
      message = `must be one of ${issue.params.allowedValues.join(', ')}`;
    }
    return context ? { path, in: context, message } : { path, message };
  });
}

const CODE_BY_STATUS: Record<number, ErrorCode> = Object.fromEntries(
  Object.entries(STATUS_BY_CODE).map(([code, status]) => [status, code as ErrorCode]),
);

/** One error handler: closed codes, field paths for bad input, no 5xx details to clients. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      const [path = '', query] = request.url.split('?');
      if (error.redirect && path.includes(`/${error.redirect.from}`)) {
        const location = path.replace(`/${error.redirect.from}`, `/${error.redirect.to}`) + (query ? `?${query}` : '');
        return reply
          .status(308)
          .header('location', location)
          .send({ error: { code: 'moved', message: error.message, location, ...error.details } });
      }
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      return reply.status(error.status).send({ error: { code: error.code, message: error.message, ...error.details } });
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      const issues = toIssues(fastifyError.validation as ValidationIssue[], fastifyError.validationContext);
      const summary = issues.map((issue) => `${issue.in ? `${issue.in} ` : ''}${issue.path} ${issue.message}`).join('; ');
      return reply.status(400).send({ error: { code: 'validation_failed', message: `Invalid request: ${summary}`, issues } });
    }
    const mapped = fromDatabaseError(error);
    if (mapped) {
      // The constraint names the table and column: logged for us, not sent to the client.
      request.log.warn({ err: error }, mapped.code === 'unavailable' ? 'database unavailable' : 'database rejected a change');
      return reply.status(mapped.status).send({ error: { code: mapped.code, message: mapped.message, ...mapped.details } });
    }
    const status = fastifyError.statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: CODE_BY_STATUS[status] ?? 'validation_failed', message: error.message } });
    }
    request.log.error({ err: error, url: loggableUrl(request), method: request.method }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: 'Something went wrong on our side; it has been logged' } });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `There is no route ${request.method} ${request.url.split('?')[0]}` } }),
  );
}

/**
 * Answers requests that arrive while the server shuts down (the workers finishing their
 * rounds, in-flight requests draining) with a 503 in the documented error body, instead of
 * Fastify's own (`return503OnClosing`, which the app turns off), and closes the connection so
 * the client goes to another node. /readyz keeps its own shape so a load balancer reads it.
 */
export function registerShutdownAnswer(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!closing) return;
    const body =
      request.url.split('?')[0] === '/readyz'
        ? { status: 'shutting down' }
        : { error: { code: 'unavailable', message: 'The server is shutting down; send the request again' } };
    // Sent as text: the route's response schema for 503, if any, is not this body's.
    return reply.status(503).header('connection', 'close').type('application/json; charset=utf-8').send(JSON.stringify(body));
  });
}
