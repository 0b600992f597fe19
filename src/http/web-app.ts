import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Where `vite build` puts the browser app. This file sits two folders below the project
 * root both as source (src/http) and compiled (dist/http), so one relative path serves both.
 */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../dist/web', import.meta.url));

/** Paths the server owns: they never fall back to the app's index.html. */
const SERVER_PATHS = /^\/(api|docs|assets)(\/|$)|^\/(openapi\.json|healthz|readyz)$/;
/** A file name with an extension, anywhere in the path. */
const FILE_NAME = /\/[^/]*\.[^/]*$/;
/** A file at the top of the build, such as /favicon.svg. */
const TOP_LEVEL_FILE = /^\/[\w-]+\.[\w.]+$/;

/** The one stylesheet of the page below, allowed by its hash in the Content-Security-Policy (src/http/security.ts). */
export const NOT_BUILT_STYLE = 'body{font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5}';

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rapport</title><style>${NOT_BUILT_STYLE}</style></head>
<body>
<h1>The browser app has not been built</h1>
<p>Run <code>npm run build</code> (or <code>npm run demo</code>), then reload. The API is running: see <a href="/docs">/docs</a>.</p>
</body></html>`;

/**
 * Serves the built browser app from `webDir`: the hashed bundles under /assets cached for a
 * year, the few files at the top (favicon…) as they are, and every other GET path that the
 * server does not own answers with index.html, so the app's router handles deep links such as
 * /customers/cus_…. Files are read at request time, so a rebuild needs no restart.
 */
export async function registerWebApp(app: FastifyInstance, webDir: string = DEFAULT_WEB_DIR): Promise<void> {
  if (!existsSync(join(webDir, 'index.html'))) {
    app.log.warn({ webDir }, 'the browser app is not built (npm run build); / explains how');
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.status(503).type('text/html').send(NOT_BUILT));
    return;
  }
  await app.register(fastifyStatic, {
    root: join(webDir, 'assets'),
    prefix: '/assets/',
    schemaHide: true,
    index: false,
    // Vite names every file under assets/ by its content hash, so a name never changes meaning.
    maxAge: '365d',
    immutable: true,
  });
  const serveApp = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (SERVER_PATHS.test(path)) return reply.callNotFound();
    // A file at the top of the build (favicon.svg); any other path with a dot is a missing file.
    if (TOP_LEVEL_FILE.test(path) && existsSync(join(webDir, path))) return reply.sendFile(path.slice(1), webDir);
    if (FILE_NAME.test(path)) return reply.callNotFound();
    // The index names the hashed bundles of the current build, so it must never be cached.
    return reply.header('cache-control', 'no-cache').sendFile('index.html', webDir, { cacheControl: false });
  };
  app.get('/', { schema: { hide: true } }, serveApp);
  app.get('/*', { schema: { hide: true } }, serveApp);
}
