import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** Where the server looks for the built app (src/http/web-app.ts). */
export const WEB_OUT_DIR = fileURLToPath(new URL('./dist/web', import.meta.url));

// The browser app: `npm run build` writes it to dist/web, which the Fastify server serves.
// `npm run dev:web` serves it with hot reload on :5173 and passes API calls to the server on :3000.
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  plugins: [react()],
  logLevel: 'warn',
  build: { outDir: WEB_OUT_DIR, emptyOutDir: true, sourcemap: true },
  server: {
    // The Host header is passed on as the browser sent it, so the server sees the page's own origin in Origin
    // (it refuses a signed-in change from any other origin).
    proxy: Object.fromEntries(
      ['/api', '/docs', '/openapi.json'].map((path) => [path, { target: 'http://127.0.0.1:3000', changeOrigin: false }]),
    ),
  },
});
