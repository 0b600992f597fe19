import {
  AssertionError,
  CaptureTag,
  Context,
  ForTag,
  Liquid,
  LiquidError,
  TablerowTag,
  Tag,
  toValue,
  toValueSync,
  type Emitter,
  type Parser,
  type Scope,
  type TagToken,
  type Template,
  type TopLevelToken,
} from 'liquidjs';

/**
 * The Liquid sandbox every message template runs in. A template is tenant data, never a
 * path or code: it cannot read files, reach prototype properties, or run without bound.
 * Rendering is synchronous, so each limit also bounds how long the event loop is held.
 */

/** What one render of one template (a subject or a body) may use. */
export interface TemplateLimits {
  /** Characters of template text (liquidjs `parseLimit`; the body's own maximum). */
  templateLength: number;
  /** Iterations of every `for` and `tablerow` loop together. */
  loopIterations: number;
  /** Characters of output, and of any one `capture`. */
  outputLength: number;
  /** Milliseconds of rendering (liquidjs `renderLimit`, checked before every tag, loop iteration and property read). */
  renderMs: number;
  /** Characters and array items created by filters and ranges, all together (liquidjs `memoryLimit`). */
  memory: number;
}

/**
 * Message templates are small: a real one renders in well under a millisecond, allocates a
 * few thousand units and loops over a customer's holdings. Measured on a loaded 2-core
 * machine: 10,000 empty loop iterations took 5–140 ms in liquidjs alone, so the iteration
 * limit is 1,000 to be reached long before the time limit; the slowest single step the
 * memory limit still allows (sorting 50,000 strings from `data`, which liquidjs cannot
 * interrupt) took 44–68 ms. One render thus holds the event loop for at most about
 * `renderMs` plus that.
 */
export const TEMPLATE_LIMITS: TemplateLimits = {
  templateLength: 20_000,
  loopIterations: 1_000,
  outputLength: 100_000,
  renderMs: 100,
  memory: 50_000,
};

export type TemplateFailureReason = 'template_not_allowed' | 'template_limit';

/** A template broke a sandbox rule or went past a limit: the template's fault, whatever the data. */
export class TemplateFailure extends Error {
  constructor(
    readonly reason: TemplateFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'TemplateFailure';
  }
}

// Tags that load another template by name. liquidjs resolves those names against the file
// system (the working directory by default), which is how a template could read the
// embedded database's files. They are refused when the template is parsed, so a template
// using one can never be saved or rendered.
const FILE_TAGS = ['include', 'render', 'layout'] as const;

class RefusedFileTag extends Tag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    throw new TemplateFailure(
      'template_not_allowed',
      `{% ${token.name} %} is not allowed: a template cannot load files or other templates; write the text into the template`,
    );
  }
  render(): never {
    throw new TemplateFailure('template_not_allowed', `{% ${this.name} %} is not allowed`);
  }
}

/** The limits of the render in progress. Rendering is synchronous, so at most one is active. */
let active: { limits: TemplateLimits; iterations: number } | undefined;

/** A template put first in each loop body: rendering it counts one iteration against the limit. */
function iterationCounter(token: TagToken): Template {
  return {
    token,
    render() {
      if (!active) return;
      active.iterations += 1;
      if (active.iterations > active.limits.loopIterations) {
        throw new TemplateFailure('template_limit', `the template ran more than ${number(active.limits.loopIterations)} loop iterations`);
      }
    },
  };
}

class CountedFor extends ForTag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid, parser);
    this.templates.unshift(iterationCounter(token));
  }
}

class CountedTablerow extends TablerowTag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid, parser);
    this.templates.unshift(iterationCounter(token));
  }
}

// liquidjs checks its time limit between tags and loop iterations only. Filters such as
// `map`, `sort`, `where` and `sum` walk a whole array (and a dotted property path for each
// item) in one step, so the limit is also checked on every property read.
class TimedContext extends Context {
  override readProperty(obj: Scope, key: Parameters<Context['readProperty']>[1]): unknown {
    this.renderLimit.check(performance.now());
    return super.readProperty(obj, key);
  }
}

/** Output that stops at the output limit instead of growing without bound. */
class BoundedEmitter implements Emitter {
  buffer = '';
  constructor(private readonly limit: number) {}
  write(html: unknown): void {
    const text = stringify(html);
    if (this.buffer.length + text.length > this.limit) {
      throw new TemplateFailure('template_limit', `the template's output is longer than ${number(this.limit)} characters`);
    }
    this.buffer += text;
  }
}

// liquidjs's own emitter turns values into text this way (its `stringify` is not exported).
function stringify(value: unknown): string {
  const resolved: unknown = toValue(value);
  if (typeof resolved === 'string') return resolved;
  if (resolved === null || resolved === undefined) return '';
  if (Array.isArray(resolved)) return resolved.map(stringify).join('');
  return String(resolved);
}

// liquidjs captures into an unbounded buffer; this one is bounded like the output.
class BoundedCapture extends CaptureTag {
  override *render(ctx: Context): Generator<unknown, void, string> {
    const html = yield this.liquid.renderer.renderTemplates(this.templates, ctx, new BoundedEmitter(active?.limits.outputLength ?? 0));
    ctx.bottom()[this.variable] = html;
  }
}

// Strict: an unknown filter fails on save and a missing variable fails at render, so a
// customer never reads "Dear ," — `{% if %}` and `default` still test for absent values.
// ownPropertyOnly keeps `constructor`, `__proto__` and inherited methods out of reach.
// `templates: {}` puts an empty in-memory file system in place of the disk, so even a
// lookup that got past the refused tags would find nothing.
const engine = new Liquid({
  strictFilters: true,
  strictVariables: true,
  lenientIf: true,
  ownPropertyOnly: true,
  templates: {},
  parseLimit: TEMPLATE_LIMITS.templateLength,
});
for (const name of FILE_TAGS) engine.registerTag(name, RefusedFileTag);
engine.registerTag('for', CountedFor);
engine.registerTag('tablerow', CountedTablerow);
engine.registerTag('capture', BoundedCapture);
// These evaluate a whole Liquid expression for every item of an array inside one filter
// call, where no limit can interrupt them; `where`, `reject`, `group_by`, `find`,
// `find_index` and `has` with a property and value do the same jobs within the limits.
const EXPRESSION_FILTERS = ['where_exp', 'reject_exp', 'group_by_exp', 'find_exp', 'find_index_exp', 'has_exp'];
for (const name of EXPRESSION_FILTERS) engine.unregisterFilter(name);

engine.registerFilter('money', (amountMinor: unknown, currency: unknown = 'GBP', language: unknown = 'en-GB') => {
  const amount = Number(amountMinor);
  if (!Number.isFinite(amount)) return '';
  return new Intl.NumberFormat(String(language), { style: 'currency', currency: String(currency) }).format(amount / 100);
});

function number(value: number): string {
  return value.toLocaleString('en-GB');
}

function limitMessage(limits: TemplateLimits): Record<string, string> {
  // The messages of liquidjs's own limits (its Limiter says `${resource} limit exceeded`).
  return {
    'template render limit exceeded': `the template ran longer than ${number(limits.renderMs)} ms`,
    'memory alloc limit exceeded': `the template built more than ${number(limits.memory)} characters or list items (memory limit)`,
    'parse length limit exceeded': `the template is longer than ${number(limits.templateLength)} characters`,
  };
}

/**
 * The sandbox failure behind an error, if it is one: ours (refused tag, loop or output
 * limit) or one of liquidjs's limits, which it raises as an AssertionError. The position
 * liquidjs knows is kept so a person can find the place in the template.
 */
function failureOf(error: unknown, limits: TemplateLimits): TemplateFailure | undefined {
  let cause: unknown = error;
  let where = '';
  while (cause instanceof Error) {
    if (LiquidError.is(cause) && !where) {
      const position = (cause as LiquidError).token?.getPosition();
      if (position) where = ` (line ${position[0]}, column ${position[1]})`;
    }
    if (cause instanceof TemplateFailure) return new TemplateFailure(cause.reason, cause.message + where);
    if (cause instanceof AssertionError) {
      const message = limitMessage(limits)[cause.message];
      if (message) return new TemplateFailure('template_limit', message + where);
    }
    cause = (cause as { originalError?: unknown }).originalError;
  }
  return undefined;
}

/** What liquidjs says went wrong, on one line: its messages end with an excerpt of the template. */
export function describeTemplateError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

/** Parses a template; a refused tag or the length limit throws a TemplateFailure, bad syntax a LiquidError. */
export function parseTemplateText(text: string): Template[] {
  try {
    return engine.parse(text);
  } catch (error) {
    throw failureOf(error, TEMPLATE_LIMITS) ?? error;
  }
}

/** The top-level names a parsed template reads (`customer.first_name` gives `customer`). */
export function templateVariables(templates: Template[]): string[] {
  return engine.globalVariablesSync(templates);
}

/** The paths a parsed template reads from its top-level names, segment by segment (`data.items[0].name` gives data, items, 0, name). */
export function templateVariablePaths(templates: Template[]): Array<Array<string | number>> {
  // A nested segment (an index that is itself a variable) is left out: it names no place to put a value.
  return engine
    .globalVariableSegmentsSync(templates)
    .map((segments) => segments.filter((segment): segment is string | number => !Array.isArray(segment)));
}

/**
 * Renders one template within the limits. A sandbox rule or limit throws a TemplateFailure;
 * anything else (a missing variable, a filter's complaint) throws liquidjs's error.
 */
export function renderTemplateText(
  text: string | Template[],
  scope: object,
  limits: TemplateLimits = TEMPLATE_LIMITS,
  options: { strictVariables?: boolean } = {},
): string {
  const templates = typeof text === 'string' ? parseTemplateText(text) : text;
  const ctx = new TimedContext(
    scope,
    engine.options,
    { sync: true, renderLimit: limits.renderMs, memoryLimit: limits.memory, ...options },
    { liquid: engine },
  );
  active = { limits, iterations: 0 };
  try {
    return toValueSync(engine.renderer.renderTemplates(templates, ctx, new BoundedEmitter(limits.outputLength))) as string;
  } catch (error) {
    throw failureOf(error, limits) ?? error;
  } finally {
    active = undefined;
  }
}

const WARM_UP = [
  '{% capture c %}{{ customer.name | upcase }}{% endcapture %}',
  '{% for h in holdings %}{% cycle "a", "b" %}{{ h.price_minor | money: h.currency }}{% if forloop.last %}{{ c | size }}{% endif %}{% endfor %}',
  '{% tablerow h in holdings %}{{ h.product | default: "x" }}{% endtablerow %}',
  '{% assign t = holdings | map: "price_minor" | sum %}{{ t | money }}{% case t %}{% when 1 %}one{% else %}{{ "now" | date: "%Y" }}{% endcase %}',
].join('');
let warm = false;

/**
 * Renders one template with every common tag and filter once, without a time limit. The
 * first render in a process pays for compiling liquidjs and loading locale data (30 ms and
 * more on a busy machine), which must not count against the first real template's limit.
 */
export function warmUpTemplateEngine(): void {
  if (warm) return;
  const holdings = [{ product: 'Broadband', price_minor: 3500, currency: 'GBP' }];
  renderTemplateText(WARM_UP, { customer: { name: 'Ada' }, holdings }, { ...TEMPLATE_LIMITS, renderMs: 60_000 });
  warm = true;
}
