import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { buildTestApp } from '../test/app.js';
import { openTestDatabase } from '../test/database.js';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database?.close());

describe('while the server shuts down', () => {
  it('answers new requests 503 with the documented error body, and /readyz 503, until it has closed', async () => {
    const app = await buildTestApp(database);
    // Holds the shutdown where the workers would be finishing their rounds.
    let finishShutdown = () => undefined as void;
    const held = new Promise<void>((resolve) => (finishShutdown = resolve));
    app.addHook('preClose', () => held);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const closed = app.close();
    try {
      const api = await fetch(`${base}/api/v1/customers`);
      expect(api.status).toBe(503);
      expect(api.headers.get('content-type')).toMatch(/^application\/json/);
      expect(api.headers.get('connection')).toBe('close');
      expect(await api.json()).toEqual({ error: { code: 'unavailable', message: expect.stringMatching(/shutting down/) } });

      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'shutting down' });
    } finally {
      finishShutdown();
      await closed;
    }
  });
});
