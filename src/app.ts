import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { authRoutes } from './auth/routes.js';
import { catalogRoutes } from './catalog/routes.js';
import type { Config } from './config.js';
import { customerRoutes } from './customers/routes.js';
import { openConfiguredDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { givingRoutes } from './giving/routes.js';
import { holdingRoutes } from './holdings/routes.js';
import { importRoutes } from './ingest/import/routes.js';
import { ingestRoutes } from './ingest/routes.js';
import { loyaltyRoutes } from './loyalty/routes.js';
import { messageRoutes } from './messages/routes.js';
import { findTemplateRuleBreaks } from './messages/template-check.js';
import { unsubscribeRoutes } from './messages/unsubscribe-routes.js';
import { authenticateFirst } from './http/authenticate.js';
import { registerErrorHandling, registerShutdownAnswer } from './http/error-handler.js';
import { registerInputGuard } from './http/input-guard.js';
import { healthRoutes } from './http/health.js';
import { LOG_REDACT_PATHS, logSerializers } from './http/logging.js';
import { allowDocsStyles, docsUiConfig, registerSecurityHeaders } from './http/security.js';
import { feedbackRoutes } from './feedback/routes.js';
import { surveyPageRoutes } from './feedback/page-routes.js';
import { registerValidation } from './http/validation.js';
import { serviceRoutes } from './service/routes.js';
import { feedbackMetricsRoutes } from './feedback/metrics/routes.js';
import { ErrorBody } from './http/schemas.js';
import { registerWebApp } from './http/web-app.js';
import { workspaceRoutes } from './workspaces/routes.js';
import { registerWorkers } from './workers.js';

declare module 'fastify' {
  interface FastifyInstance {
    database: Database;
    config: Config;
  }
}

export interface BuildOptions {
  /** An already open database (tests share one per file); otherwise one is opened from config and closed with the app. */
  database?: Database;
  /** The built browser app (`vite build` output); dist/web by default. */
  webDir?: string;
  /** Where log lines go; stdout by default (tests capture them). */
  logStream?: DestinationStream;
  /** Run the workers that reach customers too (src/workers.ts); `rapport serve` does, tests and benches do not. */
  outreach?: boolean;
}

const API_DESCRIPTION = `Rapport's HTTP API. Authenticate with a secret key (\`Authorization: Bearer rk_secret_…\`)
or the session cookie set by \`POST /api/v1/auth/sign-in\`. Errors are \`{ "error": { "code", "message", "issues"? } }\`.`;

/** Builds the Fastify app: plugins, then the capability routes. Applies migrations first. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const database = options.database ?? (await openConfiguredDatabase(config));
  try {
    await migrate(database);
  } catch (error) {
    // A refused start (a changed migration) leaves the database as it found it, lock released.
    if (!options.database) await database.close();
    throw error;
  }

  const app = Fastify({
    trustProxy: config.trustProxy,
    // Fastify's own answer has its own body; registerShutdownAnswer gives the documented one.
    return503OnClosing: false,
    // No personal data in logs (src/http/logging.ts): erasure cannot reach them.
    logger: { level: config.logLevel, serializers: logSerializers, redact: LOG_REDACT_PATHS, stream: options.logStream },
  });
  app.decorate('database', database);
  app.decorate('config', config);
  if (!options.database) app.addHook('onClose', () => database.close());
  for (const broken of await findTemplateRuleBreaks(database.db)) {
    app.log.warn(broken, 'stored template breaks the template rules');
  }

  registerErrorHandling(app);
  registerShutdownAnswer(app);
  const workers = registerWorkers(app, { outreach: options.outreach ?? false });
  registerValidation(app);
  authenticateFirst(app);
  registerInputGuard(app);
  app.addSchema(ErrorBody);
  await app.register(cookie);
  await registerSecurityHeaders(app);
  // Limits are set per route (sign-in now; ingestion later); checked after the body is parsed so a limit can key on it.
  await app.register(rateLimit, { global: false, hook: 'preHandler' });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Rapport API', version: '1', description: API_DESCRIPTION },
      components: {
        securitySchemes: {
          secretKey: { type: 'http', scheme: 'bearer', description: 'A secret API key' },
          session: { type: 'apiKey', in: 'cookie', name: 'rapport_session' },
        },
      },
      security: [{ secretKey: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: docsUiConfig, transformStaticCSP: allowDocsStyles });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await registerWebApp(app, options.webDir);

  await app.register(healthRoutes);
  await app.register(authRoutes, { prefix: '/api/v1' });
  await app.register(workspaceRoutes, { prefix: '/api/v1' });
  await app.register(customerRoutes, { prefix: '/api/v1' });
  await app.register(catalogRoutes, { prefix: '/api/v1' });
  await app.register(holdingRoutes, { prefix: '/api/v1' });
  await app.register(serviceRoutes, { prefix: '/api/v1' });
  await app.register(ingestRoutes, { onStored: workers.wakeIngest });
  await app.register(importRoutes, { prefix: '/api/v1' });
  await app.register(messageRoutes, { prefix: '/api/v1' });
  await app.register(unsubscribeRoutes);
  await app.register(feedbackRoutes, { prefix: '/api/v1' });
  await app.register(surveyPageRoutes);
  await app.register(feedbackMetricsRoutes, { prefix: '/api/v1' });
  await app.register(loyaltyRoutes, { prefix: '/api/v1' });
  await app.register(givingRoutes, { prefix: '/api/v1' });
  return app;
}
