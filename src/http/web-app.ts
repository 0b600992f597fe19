import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Where `vite build` puts the browser app. This file sits two folders below the project
 * root both as source (src/http) and compiled (dist/http), so one relative path serves both.
 */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../dist/web', import.meta.url));

/** Paths the server owns: they never fall back to the app's index.html. */
const SERVER_PATHS = /^\/(api|docs|assets)(\/|$)|^\/(openapi\.json|healthz|readyz)$/;

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rapport</title></head>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>The browser app has not been built</h1>
<p>Run <code>npm run build</code> (or <code>npm run demo</code>), then reload. The API is running: see <a href="/docs">/docs</a>.</p>
</body></html>`;

function sendIndex(reply: FastifyReply): FastifyReply {
  // The index names the hashed bundles of the current build, so it must never be cached.
  return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
}

/**
 * Serves the built browser app from `webDir`: hashed assets cached for a year, and every
 * other GET path that the server does not own answers with index.html, so the app's own
 * router handles deep links such as /customers/cus_….
 */
export async function registerWebApp(app: FastifyInstance, webDir: string = DEFAULT_WEB_DIR): Promise<void> {
  if (!existsSync(join(webDir, 'index.html'))) {
    app.log.warn({ webDir }, 'the browser app is not built (npm run build); / explains how');
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.status(503).type('text/html').send(NOT_BUILT));
    return;
  }
  await app.register(fastifyStatic, {
    root: webDir,
    // One route per file found at start; the catch-all below is ours, for the app's deep links.
    wildcard: false,
    index: false,
    schemaHide: true,
    // Vite names every file under assets/ by its content hash, so a name never changes meaning.
    setHeaders(reply, path) {
      if (path.startsWith(join(webDir, 'assets'))) reply.header('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  app.get('/', { schema: { hide: true } }, async (_request, reply) => sendIndex(reply));
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    // A missing file (a dot in the last segment) or a server path is a real 404, not the app.
    const lastSegment = path.slice(path.lastIndexOf('/') + 1);
    if (SERVER_PATHS.test(path) || lastSegment.includes('.')) return reply.callNotFound();
    return sendIndex(reply);
  });
}
