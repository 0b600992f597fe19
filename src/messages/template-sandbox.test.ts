import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { newId } from '../ids.js';
import { createTenant, useTestApp, type TestTenant } from '../test/app.js';
import { insertMessageCustomer } from '../test/messages.js';
import { renderTemplateText, TEMPLATE_LIMITS, TemplateFailure } from './template-engine.js';

const ctx = useTestApp();

// Nearly a thousand iterations of a long condition: seconds of work without the time limit.
const SLOW_LOOP = `{% for i in (1..999) %}{% if ${Array.from({ length: 500 }, () => '1 > 2').join(' or ')} %}x{% endif %}{% endfor %}`;
const db = () => ctx.database.db;

async function call(tenant: TestTenant, method: 'GET' | 'POST', url: string, payload?: object) {
  const response = await tenant.api({ method, url: `/api/v1${url}`, ...(payload ? { payload } : {}) });
  return { status: response.statusCode, text: response.body, body: response.json() };
}

/** A template written straight into the table, as one saved before these rules (or by hand) would be. */
async function insertStoredTemplate(workspaceId: string, key: string, body: string, subject = 'Hello'): Promise<string> {
  const id = newId('tpl');
  await db()
    .insertInto('message_templates')
    .values({ workspace_id: workspaceId, id, key, purpose: 'service', language: 'en', subject, body })
    .execute();
  return id;
}

describe('templates cannot read files', () => {
  const secret = `SECRET-${randomBytes(8).toString('hex')}`;
  let dir = '';
  let previousCwd = '';

  // The server's working directory holds the embedded database (`./.rapport` by default):
  // the secret sits there and beside it, and the process runs from that directory.
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rapport-tpl-'));
    mkdirSync(join(dir, '.rapport'));
    writeFileSync(join(dir, '.rapport', 'secret.txt'), secret);
    writeFileSync(join(dir, 'secret.txt'), secret);
    previousCwd = process.cwd();
    process.chdir(dir);
  });
  afterAll(() => {
    process.chdir(previousCwd);
    rmSync(dir, { recursive: true, force: true });
  });

  const paths = () => [
    'secret.txt',
    '.rapport/secret.txt',
    './.rapport/secret.txt',
    join(dir, 'secret.txt'),
    `../${basename(dir)}/secret.txt`,
  ];
  const uses = (tag: string, path: string) => (tag === 'layout' ? `{% layout '${path}' %}Hi` : `Hi {% ${tag} '${path}' %}`);

  it('refuses include, render and layout by relative, absolute and ../ path, at preview and at save, naming the tag', async () => {
    const tenant = await createTenant(ctx.app);
    const customer = await insertMessageCustomer(db(), tenant.workspace.id);
    for (const tag of ['include', 'render', 'layout']) {
      for (const path of paths()) {
        const body = uses(tag, path);
        const preview = await call(tenant, 'POST', '/message-templates/preview', { customerId: customer, subject: 'Hi', body });
        expect(preview.text, `${tag} ${path}`).not.toContain(secret);
        expect(preview.status, `${tag} ${path}`).toBe(400);
        expect(preview.body.error.issues).toEqual([{ path: '/body', message: expect.stringContaining(`{% ${tag} %} is not allowed`) }]);

        const saved = await call(tenant, 'POST', '/message-templates', {
          key: 'leak',
          purpose: 'service',
          language: 'en',
          subject: 'Hi',
          body,
        });
        expect(saved.status, `${tag} ${path}`).toBe(400);
        expect(saved.body.error.issues[0]).toMatchObject({
          path: '/body',
          message: expect.stringContaining(`{% ${tag} %} is not allowed`),
        });
      }
    }
    // Inside `{% liquid %}` and in the subject too.
    const inLiquid = await call(tenant, 'POST', '/message-templates/preview', {
      customerId: customer,
      subject: "{% include 'secret.txt' %}",
      body: "{% liquid\n render 'secret.txt'\n %}",
    });
    expect(inLiquid.text).not.toContain(secret);
    expect(inLiquid.status).toBe(400);
    expect(inLiquid.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['/body', '/subject']);
    expect((await call(tenant, 'GET', '/message-templates')).body.data).toEqual([]);
  });

  it('a stored template that includes a file is refused at preview and ends failed at send, without the file', async () => {
    const tenant = await createTenant(ctx.app);
    const customer = await insertMessageCustomer(db(), tenant.workspace.id, { email: 'ada@example.com' });
    await insertStoredTemplate(tenant.workspace.id, 'leak', "Hi {% include '.rapport/secret.txt' %}");

    const preview = await call(tenant, 'POST', '/message-templates/preview', { customerId: customer, templateKey: 'leak' });
    expect(preview.text).not.toContain(secret);
    expect(preview.status).toBe(400);
    expect(preview.body.error.issues[0]).toMatchObject({ path: '/body', message: expect.stringContaining('{% include %} is not allowed') });

    const sent = await call(tenant, 'POST', '/messages', { customerId: customer, purpose: 'service', templateKey: 'leak' });
    expect(sent.text).not.toContain(secret);
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ status: 'failed', reason: 'template_not_allowed', body: null, channel: null });
    expect(sent.body.lastError).toContain('{% include %} is not allowed');
    const detail = await call(tenant, 'GET', `/messages/${sent.body.id}`);
    expect(detail.body.events).toEqual([expect.objectContaining({ kind: 'failed' })]);
  });
});

describe('templates cannot reach prototype properties', () => {
  it('answers a 400 for constructor, __proto__ and inherited methods, never their text', async () => {
    const tenant = await createTenant(ctx.app);
    const customer = await insertMessageCustomer(db(), tenant.workspace.id);
    const probes = [
      '{{ customer.constructor }}',
      '{{ customer.name.constructor }}',
      '{{ "x".constructor }}',
      '{{ holdings.constructor }}',
      "{{ customer['__proto__'] }}",
      '{{ data.toString }}',
      '{{ data.list | where: "constructor" | size }}',
    ];
    for (const body of probes) {
      const preview = await call(tenant, 'POST', '/message-templates/preview', {
        customerId: customer,
        subject: 'Hi',
        body,
        data: { list: [{ a: 1 }] },
      });
      expect(preview.status, body).toBe(400);
      expect(preview.text, body).not.toMatch(/native code|function|\[object/);
    }
    // Filters that read properties see only own properties too.
    const mapped = await call(tenant, 'POST', '/message-templates/preview', {
      customerId: customer,
      subject: 'Hi',
      body: '[{{ data.list | map: "constructor" | join: "," }}][{{ data.list | map: "__proto__" | size }}]{{ data.list | sort: "constructor" | first | json }}',
      data: { list: [{ a: 1 }] },
    });
    expect(mapped.body.body).toBe('[][1]{"a":1}');
  });
});

describe('template limits', () => {
  const long = 'x'.repeat(1000);
  const cases: Array<{ name: string; body: string; limit: RegExp }> = [
    // The range alone is past the memory limit before the loop starts.
    { name: 'a loop over a million', body: '{% for i in (1..1000000) %}x{% endfor %}', limit: /memory limit/ },
    // On a badly overloaded machine the time limit may come first; the unit test below pins the loop limit.
    {
      name: 'nested loops',
      body: '{% for i in (1..50) %}{% for j in (1..50) %}{% endfor %}{% endfor %}',
      limit: /more than 1,000 loop iterations \(line 1, column 23\)|longer than 100 ms/,
    },
    {
      name: 'a loop whose every iteration is slow',
      body: SLOW_LOOP,
      limit: /ran longer than 100 ms/,
    },
    {
      name: 'output past the size limit',
      body: `{% assign s = "${long}" %}{% for i in (1..200) %}{{ s }}{% endfor %}`,
      limit: /longer than 100,000 characters/,
    },
    {
      name: 'a string doubled until it is huge',
      body: '{% assign s = "x" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}',
      limit: /memory/,
    },
    { name: 'a range of a billion', body: '{% for i in (1..1000000000) %}{% endfor %}', limit: /memory/ },
    {
      name: 'a capture doubled until it is huge',
      body: '{% capture s %}x{% endcapture %}{% for i in (1..40) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}',
      limit: /longer than 100,000 characters/,
    },
  ];

  for (const { name, body, limit } of cases) {
    it(`refuses ${name} at save and at preview with a 400`, async () => {
      const tenant = await createTenant(ctx.app);
      const customer = await insertMessageCustomer(db(), tenant.workspace.id);
      const saved = await call(tenant, 'POST', '/message-templates', {
        key: 'heavy',
        purpose: 'service',
        language: 'en',
        subject: 'Hi',
        body,
      });
      expect(saved.status).toBe(400);
      expect(saved.body.error.issues[0]).toMatchObject({ path: '/body', message: expect.stringMatching(limit) });
      const preview = await call(tenant, 'POST', '/message-templates/preview', { customerId: customer, subject: 'Hi', body });
      expect(preview.status).toBe(400);
      expect(preview.body.error.issues[0]).toMatchObject({ path: '/body', message: expect.stringMatching(limit) });
    });
  }

  it('refuses the filters that evaluate an expression per item, naming them', async () => {
    const tenant = await createTenant(ctx.app);
    for (const filter of ['where_exp', 'reject_exp', 'group_by_exp', 'find_exp', 'find_index_exp', 'has_exp']) {
      const body = `{{ holdings | ${filter}: "h", "h.price_minor > 0" | size }}`;
      const saved = await call(tenant, 'POST', '/message-templates', {
        key: 'exp',
        purpose: 'service',
        language: 'en',
        subject: 'Hi',
        body,
      });
      expect(saved.status, filter).toBe(400);
      expect(saved.body.error.issues[0].message).toContain(filter);
    }
    const plain = await call(tenant, 'POST', '/message-templates', {
      key: 'plain',
      purpose: 'service',
      language: 'en',
      subject: 'Hi',
      body: '{{ holdings | where: "currency", "GBP" | map: "product" | join: ", " }}',
    });
    expect(plain.status).toBe(201);
  });

  it('keeps loops, captures and the other everyday tags working within the limits', async () => {
    const tenant = await createTenant(ctx.app);
    const customer = await insertMessageCustomer(db(), tenant.workspace.id, { displayName: 'Ada Lovelace' });
    const body = [
      '{% capture greeting %}Dear {{ customer.first_name }}{% endcapture %}{{ greeting }},',
      '{% for item in data.items %}{% cycle "-", "*" %} {{ item.name | upcase }} {{ item.price | money }}{% unless forloop.last %};{% endunless %}{% endfor %}',
      '{% assign total = data.items | map: "price" | sum %}Total {{ total | money }}{% increment n %}',
    ].join('\n');
    const saved = await call(tenant, 'POST', '/message-templates', {
      key: 'everyday',
      purpose: 'service',
      language: 'en',
      subject: 'Hi',
      body,
    });
    expect(saved.status, saved.text).toBe(201);
    const preview = await call(tenant, 'POST', '/message-templates/preview', {
      customerId: customer,
      templateKey: 'everyday',
      data: {
        items: [
          { name: 'Router', price: 4999 },
          { name: 'Cable', price: 500 },
        ],
      },
    });
    expect(preview.body.body).toBe('Dear Ada,\n- ROUTER £49.99;* CABLE £5.00\nTotal £54.990');
  });

  it('a limit that depends on the data is refused at preview and ends the message failed at send', async () => {
    const tenant = await createTenant(ctx.app);
    const customer = await insertMessageCustomer(db(), tenant.workspace.id, { email: 'ada@example.com' });
    const saved = await call(tenant, 'POST', '/message-templates', {
      key: 'counted',
      purpose: 'service',
      language: 'en',
      subject: 'Hi',
      body: '{% for i in (1..data.n) %}.{% endfor %}',
    });
    expect(saved.status).toBe(201);
    const small = await call(tenant, 'POST', '/message-templates/preview', {
      customerId: customer,
      templateKey: 'counted',
      data: { n: 3 },
    });
    expect(small.body.body).toBe('...');
    const big = await call(tenant, 'POST', '/message-templates/preview', {
      customerId: customer,
      templateKey: 'counted',
      data: { n: 5000 },
    });
    expect(big.status).toBe(400);
    expect(big.body.error.issues[0].message).toMatch(/loop iterations|longer than 100 ms/);
    const sent = await call(tenant, 'POST', '/messages', {
      customerId: customer,
      purpose: 'service',
      templateKey: 'counted',
      data: { n: 5000 },
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ status: 'failed', reason: 'template_limit', body: null });
    expect(sent.body.lastError).toMatch(/loop iterations|longer than 100 ms/);
  });

  it('stops a render at the time limit even when no other limit is reached', () => {
    const started = performance.now();
    let failure: unknown;
    try {
      renderTemplateText(
        '{% for i in (1..300000) %}{% if i > 0 %}{% endif %}{% endfor %}',
        {},
        {
          ...TEMPLATE_LIMITS,
          loopIterations: Number.MAX_SAFE_INTEGER,
          memory: Number.MAX_SAFE_INTEGER,
          renderMs: 30,
        },
      );
    } catch (error) {
      failure = error;
    }
    const elapsed = performance.now() - started;
    expect(failure).toBeInstanceOf(TemplateFailure);
    expect((failure as TemplateFailure).message).toMatch(/longer than 30 ms/);
    expect(elapsed).toBeLessThan(1000);
  });

  it('stops a filter that walks a long list inside one step at the time limit', () => {
    // 20,000 items × a 3,000-segment property path: seconds of reads inside one `map` call.
    const list = Array.from({ length: 20_000 }, (_, i) => ({ a: i }));
    const path = Array.from({ length: 3000 }, () => 'a').join('.');
    for (const filter of ['map', 'sum', 'sort']) {
      const started = performance.now();
      expect(() => renderTemplateText(`{{ data.list | ${filter}: "${path}" | size }}`, { data: { list } }), filter).toThrow(
        /longer than 100 ms/,
      );
      expect(performance.now() - started, filter).toBeLessThan(1000);
    }
  });

  it('stops loops at 1,000 iterations in all, wherever they are', () => {
    const generous = { ...TEMPLATE_LIMITS, renderMs: 60_000 };
    expect(() => renderTemplateText('{% for i in (1..50) %}{% for j in (1..50) %}{% endfor %}{% endfor %}', {}, generous)).toThrow(
      /^the template ran more than 1,000 loop iterations \(line 1, column 23\)$/,
    );
    expect(() => renderTemplateText('{% for i in data.list %}{% endfor %}', { data: { list: Array(1001).fill(0) } }, generous)).toThrow(
      /more than 1,000 loop iterations/,
    );
    expect(renderTemplateText('{% for i in (1..1000) %}{% endfor %}{{ "done" }}', {}, generous)).toBe('done');
  });

  it('counts tablerow iterations with for loops', () => {
    expect(() => renderTemplateText('{% for i in (1..600) %}{% endfor %}{% tablerow i in (1..600) %}{% endtablerow %}', {})).toThrow(
      /more than 1,000 loop iterations/,
    );
    expect(renderTemplateText('{% tablerow i in (1..2) %}{{ i }}{% endtablerow %}', {})).toBe(
      '<tr class="row1"><td class="col1">1</td><td class="col2">2</td></tr>',
    );
  });
});

describe('a heavy template does not stall other requests', () => {
  it('answers /healthz promptly while heavy previews run', async () => {
    const app = ctx.app;
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const tenant = await createTenant(app);
    const customer = await insertMessageCustomer(db(), tenant.workspace.id);
    const heavy = () =>
      fetch(`${base}/api/v1/message-templates/preview`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tenant.secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: customer, subject: 'Hi', body: SLOW_LOOP }),
      });
    const previews = [heavy(), heavy()];
    await new Promise((resolve) => setTimeout(resolve, 5));
    const started = performance.now();
    const health = await fetch(`${base}/healthz`);
    const healthMs = performance.now() - started;
    expect(health.status).toBe(200);
    const answers = await Promise.all(previews);
    expect(answers.map((a) => a.status)).toEqual([400, 400]);
    for (const answer of answers)
      expect(((await answer.json()) as { error: { message: string } }).error.message).toMatch(/longer than 100 ms/);
    // Without the limits each preview holds the event loop for seconds.
    expect(healthMs).toBeLessThan(1000);
  });
});

describe('templates that break the rules are reported at start', () => {
  it('logs a warning naming each stored template that breaks a rule, and none for good ones', async () => {
    const tenant = await createTenant(ctx.app);
    const leak = await insertStoredTemplate(tenant.workspace.id, 'leak_at_start', "{% render 'secret.txt' %}");
    const loop = await insertStoredTemplate(tenant.workspace.id, 'loop_at_start', 'Hi', '{% for i in (1..1000000) %}x{% endfor %}');
    const good = await insertStoredTemplate(tenant.workspace.id, 'good_at_start', 'Hi {{ customer.first_name }}');
    const lines: string[] = [];
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'warn' }, { databaseUrl: undefined }), {
      database: ctx.database,
      logStream: { write: (line: string) => void lines.push(line) },
    });
    await app.close();
    const warnings = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((l) => l.msg === 'stored template breaks the template rules');
    const leakWarning = warnings.find((w) => w.templateId === leak);
    expect(leakWarning).toMatchObject({
      workspaceId: tenant.workspace.id,
      key: 'leak_at_start',
      language: 'en',
      field: '/body',
      reason: 'template_not_allowed',
    });
    expect(String(leakWarning?.problem)).toContain('{% render %} is not allowed');
    expect(warnings.find((w) => w.templateId === loop)).toMatchObject({
      key: 'loop_at_start',
      field: '/subject',
      reason: 'template_limit',
    });
    expect(warnings.find((w) => w.templateId === good)).toBeUndefined();
  });
});
