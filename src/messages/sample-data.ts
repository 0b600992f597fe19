import type { JsonObject, JsonValue } from '../db/columns.js';
import { parseTemplateText, templateVariablePaths } from './template-engine.js';

// A template's preview reads data.* (a link, an amount, the new plan): values the caller gives
// at send time. Each template declares example values for them, so its preview works as soon
// as it is opened. Where it declares none for a name its text reads (a template stored before
// sample data existed, or one a capability adds in code), a placeholder stands in, shaped by
// the name, so the preview still renders and shows the person what to fill in.

const SAMPLE_DATE = '31 March';

/** An example value for a data name, by what the name says it is. */
function placeholderFor(name: string): JsonValue {
  if (/currency$/.test(name)) return 'GBP';
  if (/_minor$|^(amount|value|price|saving)/.test(name)) return 1250;
  if (/(^|_)(months|days|weeks|years|points|count)$/.test(name)) return 3;
  if (/(link|url|href)$/.test(name)) return 'https://example.com/sample-link';
  if (/(_on|_at|_date|^date)$/.test(name)) return SAMPLE_DATE;
  return `[${name.replace(/_/g, ' ')}]`;
}

/** Puts a placeholder at a path under data; a value already there, declared or filled, stays. */
function fill(target: JsonObject | JsonValue[], path: Array<string | number>): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  const container = target as Record<string | number, JsonValue>;
  if (rest.length === 0) {
    container[head] ??= typeof head === 'string' ? placeholderFor(head) : `[item ${head + 1}]`;
    return;
  }
  container[head] ??= typeof rest[0] === 'number' ? [] : {};
  const next = container[head];
  if (next !== null && typeof next === 'object') fill(next, rest);
}

/**
 * A template's sample data: the values it declares, and a placeholder for each data.* path its
 * subject or body reads that they lack. A text that does not parse adds nothing (saving it fails on its own).
 */
export function completeSampleData(declared: JsonObject, texts: string[]): JsonObject {
  const data = structuredClone(declared);
  for (const text of texts) {
    let paths: Array<Array<string | number>>;
    try {
      paths = templateVariablePaths(parseTemplateText(text));
    } catch {
      continue;
    }
    for (const [root, ...path] of paths) if (root === 'data' && path.length > 0) fill(data, path);
  }
  return data;
}
