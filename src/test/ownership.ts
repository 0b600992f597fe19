import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

// Who owns which table, read from the code itself: each capability declares its tables in
// `src/<capability>/tables.ts` as `export interface <Name>Tables { table: Row; … }`, and
// `src/db/schema.ts` composes them. Used by the ownership test and by nothing at run time.

export interface TableOwner {
  table: string;
  capability: string;
}

export interface TableReference {
  file: string;
  capability: string;
  table: string;
  write: boolean;
  /** Named through Kysely's typed builder, or inside a raw sql`…` template. */
  via: 'kysely' | 'sql';
  line: number;
}

const TABLES_BLOCK = /export interface \w+Tables\s*\{([^}]*)\}/g;
const TABLE_ENTRY = /^\s*([a-z_][a-z0-9_]*)\s*:/gm;

/** Every table and the capability that declares it (schema_migrations belongs to `db`). */
export function tableOwners(srcDir: string): TableOwner[] {
  const owners: TableOwner[] = [];
  for (const capability of readdirSync(srcDir, { withFileTypes: true })) {
    if (!capability.isDirectory()) continue;
    let text: string;
    try {
      text = readFileSync(join(srcDir, capability.name, 'tables.ts'), 'utf8');
    } catch {
      continue;
    }
    for (const block of text.matchAll(TABLES_BLOCK)) {
      for (const entry of (block[1] ?? '').matchAll(TABLE_ENTRY)) {
        owners.push({ table: entry[1] ?? '', capability: capability.name });
      }
    }
  }
  const schema = readFileSync(join(srcDir, 'db', 'schema.ts'), 'utf8');
  const ownBlock = /export interface DB[^{]*\{([^}]*)\}/.exec(schema);
  for (const entry of (ownBlock?.[1] ?? '').matchAll(TABLE_ENTRY)) owners.push({ table: entry[1] ?? '', capability: 'db' });
  return owners;
}

/** Tables the migrations create. */
export function migrationTables(migrationsDir: string): string[] {
  const tables = new Set<string>();
  for (const file of readdirSync(migrationsDir).filter((f) => f.endsWith('.sql'))) {
    const text = readFileSync(join(migrationsDir, file), 'utf8');
    for (const m of text.matchAll(/create\s+table\s+(?:if\s+not\s+exists\s+)?([a-z_][a-z0-9_]*)/gi)) tables.add((m[1] ?? '').toLowerCase());
  }
  return [...tables].sort();
}

const KYSELY_READ =
  /\b(selectFrom|innerJoin|leftJoin|rightJoin|fullJoin|innerJoinLateral|leftJoinLateral)\(\s*\[?\s*['"`]([a-z_][a-z0-9_]*)/g;
const KYSELY_WRITE = /\b(insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(\s*['"`]([a-z_][a-z0-9_]*)/g;
const SQL_READ = /\b(from|join)\s+([a-z_][a-z0-9_]*)\b/gi;
const SQL_WRITE = /\b(insert\s+into|update|delete\s+from|truncate(?:\s+table)?|merge\s+into)\s+([a-z_][a-z0-9_]*)\b/gi;

function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`\\])\/\/[^\n]*/g, (c, p: string) => p + ' '.repeat(c.length - p.length));
}

/** The bodies of every sql`…` tagged template (the text between the backticks, `${…}` blanked). */
function sqlTemplates(text: string): { body: string; offset: number }[] {
  const out: { body: string; offset: number }[] = [];
  const tag = /\bsql(?:<[^`]*?>)?`/g;
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    let i = m.index + m[0].length;
    const start = i;
    let body = '';
    while (i < text.length && text[i] !== '`') {
      if (text[i] === '$' && text[i + 1] === '{') {
        let depth = 0;
        while (i < text.length) {
          if (text[i] === '{') depth++;
          if (text[i] === '}' && --depth === 0) break;
          body += text[i] === '\n' ? '\n' : ' ';
          i++;
        }
        body += ' ';
        i++;
        continue;
      }
      body += text[i];
      i++;
    }
    out.push({ body, offset: start });
    tag.lastIndex = i + 1;
  }
  return out;
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Every table a source file names in a query, with whether the query writes it. */
export function tableReferences(file: string, text: string, srcDir: string, known: Set<string>): TableReference[] {
  const rel = relative(srcDir, file).split(sep).join('/');
  const capability = rel.includes('/') ? (rel.split('/')[0] ?? '') : rel;
  const code = stripComments(text);
  const refs: TableReference[] = [];
  const add = (table: string, write: boolean, via: 'kysely' | 'sql', index: number) => {
    const name = table.toLowerCase();
    if (known.has(name)) refs.push({ file: rel, capability, table: name, write, via, line: lineOf(code, index) });
  };
  for (const m of code.matchAll(KYSELY_READ)) add(m[2] ?? '', false, 'kysely', m.index);
  for (const m of code.matchAll(KYSELY_WRITE)) add(m[2] ?? '', true, 'kysely', m.index);
  for (const t of sqlTemplates(code)) {
    for (const m of t.body.matchAll(SQL_WRITE)) add(m[2] ?? '', true, 'sql', t.offset + m.index);
    for (const m of t.body.matchAll(SQL_READ)) add(m[2] ?? '', false, 'sql', t.offset + m.index);
  }
  return refs;
}

/** Production source files: everything under src/ but tests, test helpers and test scaffolding. */
export function productionSources(srcDir: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === 'test' || entry.name === 'e2e') continue;
        walk(path);
      } else if (entry.name.endsWith('.ts') && !/\.test(-helpers)?\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        files.push(path);
      }
    }
  };
  walk(srcDir);
  return files.sort();
}
