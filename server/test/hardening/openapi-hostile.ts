// Hostile requests made from the OpenAPI document alone, the description partner systems generate
// their clients from: every operation, and in it every path and query parameter and every body
// property (nested ones too) the document names, each given values its schema refuses (wrong
// types, out of bounds numbers and lengths, broken formats, values outside an enum), plus
// requests malformed as a whole (unknown fields, empty, oversized and non-JSON bodies, wrong
// content types, repeated query keys). A request differs from a well-formed one in one place
// only, so what the server refuses is that place.
//
// Each request says whether the document itself calls it malformed (checked with Ajv in the
// server's own modes, not assumed by its maker), so a suite can require a refusal for those.
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { BAD_INSTANTS, BAD_UUIDS, INJECTIONS } from './schema-values.js';

export type Schema = Record<string, unknown>;
type Key = string | number;
type Part = 'path' | 'query' | 'body';

export interface Param {
  name: string;
  required: boolean;
  schema: Schema;
}

export interface Operation {
  /** `POST /api/bookings/{id}/cancel`, as the document names it. */
  key: string;
  method: string;
  /** The document's path template, `{name}` for a parameter. */
  path: string;
  /** The document says it needs a bearer token. */
  secured: boolean;
  /** It answers a never-ending event stream (text/event-stream). */
  streams: boolean;
  pathParams: Param[];
  queryParams: Param[];
  body: { required: boolean; schema: Schema } | undefined;
}

export interface HostileRequest {
  op: string;
  /** What was done: `body.type`, `query.repeat`, `contentType`, … */
  kind: string;
  /** The field it was done to (`body.guardian.name`, `query.limit`, `path.id`), or '' for the whole request. */
  field: string;
  /** A short rendering of the hostile value. */
  value: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload: string | Buffer | undefined;
  /** By the document, this request is malformed: a server must refuse it (4xx). */
  malformed: boolean;
  /** The answer the API contract (API.md) names for this refusal, where it names one. */
  expect?: { status: number; code?: string };
}

export interface GeneratorContext {
  /** An existing id (or other real value) for a parameter or uuid field of this name, if the world has one. */
  known(op: Operation, part: Part, name: string): string | undefined;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const JSON_TYPE = 'application/json';

// ---------- reading the document ----------

/** The document with every local `$ref` replaced by a copy of what it names (recursion stops at `{}`). */
export function dereference<T>(doc: T): T {
  const root = doc as unknown;
  const lookup = (ref: string): unknown => {
    if (!ref.startsWith('#/')) throw new Error(`Only local $refs are resolved, not ${ref}`);
    const target = ref
      .slice(2)
      .split('/')
      .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], root);
    if (target === undefined) throw new Error(`Dangling $ref ${ref}`);
    return target;
  };
  const walk = (node: unknown, stack: string[]): unknown => {
    if (Array.isArray(node)) return node.map((n) => walk(n, stack));
    if (node === null || typeof node !== 'object') return node;
    const obj = node as Record<string, unknown>;
    if (typeof obj.$ref === 'string') {
      const ref = obj.$ref;
      if (stack.includes(ref)) return {};
      const { $ref: _ref, ...siblings } = obj;
      return walk({ ...(lookup(ref) as object), ...siblings }, [...stack, ref]);
    }
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, walk(v, stack)]));
  };
  return walk(root, []) as T;
}

interface DocOperation {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  security?: Array<Record<string, unknown>>;
  responses?: Record<string, { content?: Record<string, unknown> }>;
}
export interface OpenApiDocument {
  security?: Array<Record<string, unknown>>;
  paths: Record<string, Record<string, unknown> & { parameters?: DocOperation['parameters'] }>;
}

/** Every operation of a (dereferenced) document. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method] as DocOperation | undefined;
      if (!op) continue;
      // Operation parameters override the path item's of the same name and place.
      const params = new Map<string, NonNullable<DocOperation['parameters']>[number]>();
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) params.set(`${p.in}:${p.name}`, p);
      const list = [...params.values()];
      const toParam = (p: (typeof list)[number]): Param => ({
        name: p.name,
        required: p.in === 'path' || Boolean(p.required),
        schema: p.schema ?? {},
      });
      const content = op.requestBody?.content ?? {};
      const jsonBody = content[JSON_TYPE]?.schema;
      const security = op.security ?? doc.security ?? [];
      out.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        secured: security.length > 0 && security.every((s) => Object.keys(s).length > 0),
        streams: Object.values(op.responses ?? {}).some((r) => r.content && 'text/event-stream' in r.content),
        pathParams: list.filter((p) => p.in === 'path').map(toParam),
        queryParams: list.filter((p) => p.in === 'query').map(toParam),
        body: jsonBody ? { required: Boolean(op.requestBody?.required), schema: jsonBody } : undefined,
      });
    }
  }
  return out;
}

// ---------- the document's own verdict ----------

/** Strings are trimmed before validation, passwords excepted (API.md "Bodies"; plugins/validation.ts). */
function trimmed(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return /password/i.test(key) ? value : value.trim();
  if (Array.isArray(value)) return value.map((v) => trimmed(v, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, trimmed(v, k)]));
  }
  return value;
}

/** The formats Fastify's own Ajv knows (@fastify/ajv-compiler adds ajv-formats). */
function withFormats(ajv: Ajv): Ajv {
  addFormats.default(ajv as never);
  return ajv;
}

/**
 * Validators in the modes the server documents: bodies strictly (no coercion, nothing removed),
 * parameters as text coerced to their types, as every Fastify server reads them.
 */
export class DocumentVerdict {
  private readonly strict = withFormats(
    new Ajv({ strict: false, allErrors: false, coerceTypes: false, useDefaults: true }),
  );
  private readonly lenient = withFormats(
    new Ajv({ strict: false, allErrors: false, coerceTypes: 'array', useDefaults: true, removeAdditional: true }),
  );
  private readonly cache = new Map<string, ValidateFunction>();

  private compile(key: string, ajv: Ajv, schema: Schema): ValidateFunction {
    let fn = this.cache.get(key);
    if (!fn) {
      fn = ajv.compile(schema);
      this.cache.set(key, fn);
    }
    return fn;
  }

  /** Whether the document accepts this body (`undefined`: no body at all). */
  body(op: Operation, value: unknown): boolean {
    if (!op.body) return true;
    // @fastify/swagger marks every body required; the server lets actions whose body requires
    // nothing be posted without one, or with null (modules/usage/empty-body.ts, nullable unions).
    if (value === undefined || value === null) {
      const obj = branch(op.body.schema, 'object');
      const requiresNothing = !obj || ((obj.required as string[] | undefined) ?? []).length === 0;
      if (requiresNothing && op.method !== 'PATCH') return true;
      if (value === undefined) return !op.body.required;
    }
    const body = trimmed(value);
    // An empty PATCH names nothing to change: refused (API.md "Bodies").
    if (
      op.method === 'PATCH' &&
      body !== null &&
      typeof body === 'object' &&
      !Array.isArray(body) &&
      Object.keys(body).length === 0
    )
      return false;
    return this.compile(`body ${op.key}`, this.strict, op.body.schema)(body) === true;
  }

  private params(op: Operation, part: 'path' | 'query', values: Record<string, unknown>): boolean {
    const list = part === 'path' ? op.pathParams : op.queryParams;
    const schema = {
      type: 'object',
      properties: Object.fromEntries(list.map((p) => [p.name, p.schema])),
      required: list.filter((p) => p.required).map((p) => p.name),
    };
    return this.compile(`${part} ${op.key}`, this.lenient, schema)(structuredClone(values)) === true;
  }

  /** Whether the document accepts this query string (`a=1&a=2` reads as `a: ['1', '2']`). */
  query(op: Operation, query: string): boolean {
    const values = new Map<string, string | string[]>();
    for (const [k, v] of new URLSearchParams(query)) {
      const prev = values.get(k);
      values.set(k, prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v]);
    }
    // Own properties only, `__proto__` included, as a query parser makes them.
    return this.params(op, 'query', Object.fromEntries(values));
  }

  /** Whether the document accepts these path segments (as sent, percent-encoded). */
  path(op: Operation, segments: Record<string, string>): boolean {
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(segments)) {
      if (v === '') return false;
      try {
        values[k] = decodeURIComponent(v);
      } catch {
        return false;
      }
      // An encoded slash or dot-segment does not name the resource the template does.
      if (values[k]!.includes('/') || values[k] === '.' || values[k] === '..') return false;
    }
    return this.params(op, 'path', values);
  }
}

// ---------- well-formed values ----------

const types = (schema: Schema): Set<string> => {
  const out = new Set<string>();
  if (typeof schema.type === 'string') out.add(schema.type);
  if (Array.isArray(schema.type)) for (const t of schema.type as string[]) out.add(t);
  for (const v of [...((schema.enum as unknown[]) ?? []), ...('const' in schema ? [schema.const] : [])]) {
    out.add(v === null ? 'null' : typeof v === 'number' ? 'number' : typeof v);
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    for (const s of (schema[key] as Schema[] | undefined) ?? []) for (const t of types(s)) out.add(t);
  }
  for (const s of (schema.allOf as Schema[] | undefined) ?? []) for (const t of types(s)) out.add(t);
  return out;
};

/** The branch of a union that is an object (or array) shape, where values are nested. */
function branch(schema: Schema, kind: 'object' | 'array'): Schema | undefined {
  if (schema.type === kind || (kind === 'object' && schema.properties) || (kind === 'array' && schema.items))
    return schema;
  for (const key of ['anyOf', 'oneOf'] as const) {
    for (const s of (schema[key] as Schema[] | undefined) ?? []) {
      const found = branch(s, kind);
      if (found) return found;
    }
  }
  return undefined;
}

const patternExamples = new Map<string, string | undefined>();
function matching(pattern: string, minLength: number, maxLength: number): string | undefined {
  const key = `${pattern}|${minLength}|${maxLength}`;
  if (!patternExamples.has(key)) {
    const re = new RegExp(pattern, 'u');
    const found = fc
      .sample(fc.stringMatching(re), { seed: 7, numRuns: 200 })
      .find((s) => s.length >= minLength && s.length <= maxLength && s === s.trim() && re.test(s));
    patternExamples.set(key, found);
  }
  return patternExamples.get(key);
}

/** Labs' local Tuesday 2 June 2026, 09:00 and 10:00 (+07:00): inside opening hours, a week ahead. */
const START = '2026-06-02T02:00:00Z';
const END = '2026-06-02T03:00:00Z';

class Examples {
  constructor(
    private readonly op: Operation,
    private readonly ctx: GeneratorContext,
  ) {}

  /** A value the schema accepts, with only the required properties of objects. */
  of(schema: Schema, name: string): unknown {
    if ('const' in schema) return schema.const;
    if (Array.isArray(schema.enum)) return schema.enum[0];
    if ('default' in schema && schema.type !== 'object') return schema.default;
    for (const key of ['anyOf', 'oneOf'] as const) {
      const branches = schema[key] as Schema[] | undefined;
      if (branches?.length) return this.of(branches.find((b) => b.type !== 'null') ?? branches[0]!, name);
    }
    if (Array.isArray(schema.allOf)) {
      return Object.assign({}, ...(schema.allOf as Schema[]).map((s) => this.of(s, name) as object));
    }
    const type = Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== 'null') : schema.type;
    switch (type) {
      case 'string':
        return this.string(schema, name);
      case 'integer':
      case 'number': {
        const min = (schema.minimum as number | undefined) ?? (schema.exclusiveMinimum as number | undefined);
        const max = (schema.maximum as number | undefined) ?? Number.MAX_SAFE_INTEGER;
        const value = Math.min(Math.max(1, min === undefined ? 1 : min), max);
        return schema.exclusiveMinimum === value ? value + 1 : value;
      }
      case 'boolean':
        return false;
      case 'null':
        return null;
      case 'array': {
        const items = (schema.items as Schema | undefined) ?? {};
        const n = Math.max((schema.minItems as number | undefined) ?? 0, schema.maxItems === 0 ? 0 : 1);
        const item = this.of(items, singular(name));
        return Array.from({ length: n }, () => structuredClone(item));
      }
      case 'object':
      default: {
        const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
        const required = (schema.required as string[] | undefined) ?? [];
        return Object.fromEntries(required.filter((k) => props[k]).map((k) => [k, this.of(props[k]!, k)]));
      }
    }
  }

  private string(schema: Schema, name: string): string {
    const minLength = (schema.minLength as number | undefined) ?? 0;
    const maxLength = (schema.maxLength as number | undefined) ?? 200;
    switch (schema.format) {
      case 'uuid':
        return this.ctx.known(this.op, 'body', name) ?? '5f0f8e4e-1111-4222-8333-944444444444';
      case 'date-time':
        return /end|to$|until/i.test(name) ? END : START;
      case 'date':
        return /end|to$|until/i.test(name) ? '2027-12-31' : '2027-12-30';
      case 'email':
        return 'hostile.caller@example.test';
    }
    const known = this.ctx.known(this.op, 'body', name);
    if (known !== undefined) return known;
    if (typeof schema.pattern === 'string') {
      const found = matching(schema.pattern, minLength, maxLength);
      if (found !== undefined) return found;
    }
    const text = 'Hostile probe text';
    return text.length >= minLength
      ? text.slice(0, Math.max(minLength, Math.min(text.length, maxLength)))
      : 'x'.repeat(minLength);
  }
}

const singular = (name: string) => (name.endsWith('Ids') ? name.slice(0, -1) : name);

// ---------- hostile values ----------

interface Candidate {
  kind: string;
  value: unknown;
}

const BAD_DATES = [
  '2026-02-30',
  '2026-13-01',
  '2026-6-1',
  '20260601',
  '2026-06-01T00:00:00Z',
  '0000-00-00',
  '2026-W23-1',
  '31/12/2026',
];
const BAD_EMAILS = [
  'not-an-email',
  'a@',
  '@example.test',
  'a b@example.test',
  'a@b@c.test',
  'maker@example.test\r\nBcc: x@y.z',
  `${'a'.repeat(250)}@x.vn`,
];
const CONTROL = ['\u0000', 'a\u0000b', '\uD800', '\u202Egnp.exe', '\u200B', '   '];
/** SQL, LIKE and parameter look-alikes: text that must stay text. */
const INJECTED = [0, 1, 3, 5, 7].map((i) => INJECTIONS[i]!);
const WRONG_TYPES: Candidate[] = [null, true, false, 0, -1, 1.5, 'text', '', [], [null], {}, { a: 1 }].map((value) => ({
  kind: 'type',
  value,
}));

/** Values of a body field that break its schema (and some that only look dangerous). */
function bodyCandidates(schema: Schema, example: unknown): Candidate[] {
  const t = types(schema);
  const out: Candidate[] = [...WRONG_TYPES];
  const strings = branch(schema, 'object') ? undefined : stringBranch(schema);
  if (strings) {
    const min = strings.minLength as number | undefined;
    const max = strings.maxLength as number | undefined;
    if (min && min > 1) out.push({ kind: 'minLength', value: 'x'.repeat(min - 1) });
    if (max !== undefined) out.push({ kind: 'maxLength', value: 'x'.repeat(max + 1) });
    out.push({ kind: 'maxLength', value: 'x'.repeat(Math.max(64_000, (max ?? 0) * 4)) });
    for (const v of CONTROL) out.push({ kind: 'control', value: v });
    for (const v of INJECTED) out.push({ kind: 'injection', value: v });
    out.push({ kind: 'injection', value: '=HYPERLINK("http://x.test","y")' });
    switch (strings.format) {
      case 'uuid':
        for (const v of BAD_UUIDS) out.push({ kind: 'format', value: v });
        break;
      case 'date-time':
        for (const v of BAD_INSTANTS) out.push({ kind: 'format', value: v });
        out.push({ kind: 'format', value: '2026-06-02' }, { kind: 'format', value: String(Date.parse(START)) });
        break;
      case 'date':
        for (const v of BAD_DATES) out.push({ kind: 'format', value: v });
        break;
      case 'email':
        for (const v of BAD_EMAILS) out.push({ kind: 'format', value: v });
        break;
    }
    if (typeof strings.pattern === 'string') {
      out.push({ kind: 'pattern', value: 'Not Matching! ✗' });
      if (typeof example === 'string')
        out.push({ kind: 'pattern', value: `${example}\n` }, { kind: 'pattern', value: `-${example}` });
    }
  }
  const enumValues = enumOf(schema);
  if (enumValues.length) {
    const first = String(enumValues.find((v) => typeof v === 'string') ?? 'x');
    out.push(
      { kind: 'enum', value: 'not_in_enum' },
      { kind: 'enum', value: first.toUpperCase() },
      { kind: 'enum', value: `${first}_` },
      { kind: 'enum', value: [first] },
    );
  }
  const numbers = numberBranch(schema);
  if (numbers) {
    const min = numbers.minimum as number | undefined;
    const max = numbers.maximum as number | undefined;
    if (min !== undefined) out.push({ kind: 'minimum', value: min - 1 }, { kind: 'minimum', value: min - 0.001 });
    if (max !== undefined) out.push({ kind: 'maximum', value: max + 1 }, { kind: 'maximum', value: max + 0.5 });
    out.push(
      { kind: 'bounds', value: 2 ** 31 },
      { kind: 'bounds', value: -(2 ** 31) - 1 },
      { kind: 'bounds', value: 2 ** 53 + 2 },
      { kind: 'bounds', value: 1e308 },
      { kind: 'bounds', value: -1e308 },
      { kind: 'bounds', value: 5e-324 },
      { kind: 'type', value: String((min ?? 0) + 1) },
    );
    if (t.has('integer') && !t.has('number')) out.push({ kind: 'integer', value: (min ?? 0) + 0.5 });
  }
  if (t.has('boolean')) out.push({ kind: 'type', value: 'true' }, { kind: 'type', value: 1 });
  const arrays = branch(schema, 'array');
  if (arrays) {
    const item = Array.isArray(example) && example.length ? example[0] : undefined;
    const minItems = arrays.minItems as number | undefined;
    const maxItems = arrays.maxItems as number | undefined;
    if (minItems) out.push({ kind: 'minItems', value: [] });
    const many = Math.min((maxItems ?? 2_000) + 1, 2_001);
    out.push({ kind: 'maxItems', value: Array.from({ length: many }, () => item ?? 'x') });
    if (arrays.uniqueItems && item !== undefined) out.push({ kind: 'uniqueItems', value: [item, item] });
    out.push({ kind: 'type', value: item ?? 'x' });
  }
  return out;
}

function stringBranch(schema: Schema): Schema | undefined {
  if (schema.type === 'string') return schema;
  for (const key of ['anyOf', 'oneOf'] as const) {
    for (const s of (schema[key] as Schema[] | undefined) ?? []) {
      const found = stringBranch(s);
      if (found) return found;
    }
  }
  return undefined;
}
function numberBranch(schema: Schema): Schema | undefined {
  if (schema.type === 'integer' || schema.type === 'number') return schema;
  for (const key of ['anyOf', 'oneOf'] as const) {
    for (const s of (schema[key] as Schema[] | undefined) ?? []) {
      const found = numberBranch(s);
      if (found) return found;
    }
  }
  return undefined;
}
function enumOf(schema: Schema): unknown[] {
  const own = [...((schema.enum as unknown[]) ?? []), ...('const' in schema ? [schema.const] : [])];
  for (const key of ['anyOf', 'oneOf'] as const)
    for (const s of (schema[key] as Schema[] | undefined) ?? []) own.push(...enumOf(s));
  return own;
}

/** Values of a query or path parameter (text in a URL, already percent-encoded where they say so). */
function textCandidates(schema: Schema): Array<{ kind: string; text: string }> {
  const enc = (kind: string, value: string) => ({ kind, text: encodeURIComponent(value) });
  const out = ['abc', '', ' ', 'null', 'undefined', '[]', '{}', '{"$gt":""}'].map((v) => enc('type', v));
  const numbers = numberBranch(schema);
  if (numbers) {
    const min = numbers.minimum as number | undefined;
    const max = numbers.maximum as number | undefined;
    if (min !== undefined) out.push(enc('minimum', String(min - 1)));
    if (max !== undefined) out.push(enc('maximum', String(max + 1)), enc('maximum', `${max}.5`));
    for (const v of ['1.5', '1e3', '-0', '0x10', '99999999999999999999', 'NaN', 'Infinity', ' 5', '5 ', '+1', '1,2'])
      out.push(enc('number', v));
  }
  if (types(schema).has('boolean')) for (const v of ['yes', '2', 'TRUE ', 'on', '-1']) out.push(enc('boolean', v));
  const strings = stringBranch(schema);
  if (strings) {
    const max = strings.maxLength as number | undefined;
    if (max !== undefined) out.push(enc('maxLength', 'x'.repeat(max + 1)));
    out.push(enc('maxLength', 'x'.repeat(20_000)));
    const min = strings.minLength as number | undefined;
    if (min && min > 1) out.push(enc('minLength', 'x'.repeat(min - 1)));
    switch (strings.format) {
      case 'uuid':
        for (const v of BAD_UUIDS) out.push(enc('format', v));
        break;
      case 'date-time':
        for (const v of BAD_INSTANTS) out.push(enc('format', v));
        break;
      case 'date':
        for (const v of BAD_DATES) out.push(enc('format', v));
        break;
    }
    if (typeof strings.pattern === 'string') out.push(enc('pattern', 'Not Matching! ✗'));
  }
  if (enumOf(schema).length) out.push(enc('enum', 'not_in_enum'), enc('enum', String(enumOf(schema)[0]).toUpperCase()));
  for (const v of INJECTIONS.slice(0, 5)) out.push(enc('injection', v));
  out.push(enc('control', '\u0000'), { kind: 'encoding', text: '%ZZ' }, { kind: 'encoding', text: '%C0%AF' });
  return out;
}

// ---------- building requests ----------

interface Field {
  path: Key[];
  /** The schema at each prefix of the path: chain[0] is the body's, chain[path.length] the field's. */
  chain: Schema[];
  required: boolean;
}

/** Every property the body schema names, at any depth (array items as index 0). */
function bodyFields(schema: Schema, path: Key[] = [], chain: Schema[] = [schema], depth = 0): Field[] {
  if (depth > 5) return [];
  const out: Field[] = [];
  const obj = branch(schema, 'object');
  if (obj) {
    const required = new Set((obj.required as string[] | undefined) ?? []);
    for (const [k, sub] of Object.entries((obj.properties as Record<string, Schema> | undefined) ?? {})) {
      out.push({ path: [...path, k], chain: [...chain, sub], required: required.has(k) });
      out.push(...bodyFields(sub, [...path, k], [...chain, sub], depth + 1));
    }
  }
  const arr = branch(schema, 'array');
  if (arr && arr.items && !Array.isArray(arr.items)) {
    const items = arr.items as Schema;
    if (branch(items, 'object') || branch(items, 'array') || depth > 0) {
      out.push({ path: [...path, 0], chain: [...chain, items], required: true });
      out.push(...bodyFields(items, [...path, 0], [...chain, items], depth + 1));
    }
  }
  return out;
}

/** Every object shape in the body, with its path: where unknown fields go. */
function objectShapes(
  schema: Schema,
  path: Key[] = [],
  depth = 0,
): Array<{ path: Key[]; closed: boolean; chain: Schema[] }> {
  const out: Array<{ path: Key[]; closed: boolean; chain: Schema[] }> = [];
  const walk = (s: Schema, p: Key[], chain: Schema[], d: number) => {
    if (d > 5) return;
    const obj = branch(s, 'object');
    if (obj) {
      out.push({ path: p, closed: obj.additionalProperties === false, chain });
      for (const [k, sub] of Object.entries((obj.properties as Record<string, Schema> | undefined) ?? {}))
        walk(sub, [...p, k], [...chain, sub], d + 1);
    }
    const arr = branch(s, 'array');
    if (arr?.items && !Array.isArray(arr.items))
      walk(arr.items as Schema, [...p, 0], [...chain, arr.items as Schema], d + 1);
  };
  walk(schema, path, [schema], depth);
  return out;
}

const DROP = Symbol('drop');

/** A copy of `base` with the value at `path` set (or dropped), its missing containers made from the chain. */
function withValue(
  examples: Examples,
  base: unknown,
  field: { path: Key[]; chain: Schema[] },
  value: unknown,
): unknown {
  const root = { v: structuredClone(base) } as Record<Key, unknown>;
  let node: Record<Key, unknown> = root;
  const keys: Key[] = ['v', ...field.path];
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i]!;
    const nextKey = keys[i + 1]!;
    let child = node[key];
    const schema = field.chain[i]!;
    if (typeof nextKey === 'number') {
      if (!Array.isArray(child))
        child = examples.of(branch(schema, 'array') ?? schema, String(field.path[i - 1] ?? ''));
      if (!Array.isArray(child)) child = [];
      const arr = child as unknown[];
      const items = (branch(schema, 'array')?.items as Schema | undefined) ?? {};
      while (arr.length <= nextKey) arr.push(examples.of(items, singular(String(key))));
    } else if (child === null || typeof child !== 'object' || Array.isArray(child)) {
      child = examples.of(branch(schema, 'object') ?? schema, String(key));
      if (child === null || typeof child !== 'object') child = {};
    }
    node[key] = child;
    node = child as Record<Key, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (value === DROP) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else {
    node[last] = value;
  }
  return root.v;
}

const show = (value: unknown): string => {
  const s = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return s.length > 60 ? `${s.slice(0, 40)}…(${s.length} chars)` : s;
};

/** A 1 MB + a little JSON body: over the documented limit. */
const OVERSIZE = 'A'.repeat(1024 * 1024 + 64);

/** Every hostile request the document suggests for one operation. */
export function hostileRequests(op: Operation, ctx: GeneratorContext, verdict: DocumentVerdict): HostileRequest[] {
  const examples = new Examples(op, ctx);
  const out: HostileRequest[] = [];

  const segments: Record<string, string> = {};
  for (const p of op.pathParams) {
    const known = ctx.known(op, 'path', p.name);
    segments[p.name] = encodeURIComponent(known ?? String(examples.of(p.schema, p.name)));
  }
  const query: Array<[string, string]> = op.queryParams
    .filter((p) => p.required)
    .map((p) => [p.name, ctx.known(op, 'query', p.name) ?? String(examples.of(p.schema, p.name))]);
  let body: unknown;
  if (op.body) {
    body = examples.of(op.body.schema, '');
    // A PATCH must name something: the first property it documents.
    const obj = branch(op.body.schema, 'object');
    if (
      op.method === 'PATCH' &&
      body &&
      typeof body === 'object' &&
      Object.keys(body).length === 0 &&
      obj?.properties
    ) {
      const [k, s] = Object.entries(obj.properties as Record<string, Schema>)[0]!;
      body = { [k]: examples.of(s, k) };
    }
  }
  const baseValid =
    verdict.body(op, body) && verdict.query(op, new URLSearchParams(query).toString()) && verdict.path(op, segments);
  if (!baseValid) throw new Error(`The well-formed request made for ${op.key} is not valid by its own document`);

  const url = (segs: Record<string, string>, q: string) =>
    op.path.replace(/\{([^}]+)\}/g, (_, name: string) => segs[name] ?? '') + (q ? `?${q}` : '');
  const baseQuery = new URLSearchParams(query).toString();
  const jsonHeaders = (): Record<string, string> => (body === undefined ? {} : { 'content-type': JSON_TYPE });

  // Different mutations can make the same request (an empty string is a wrong type and too short): once is enough.
  const seen = new Set<string>();
  const add = (r: Omit<HostileRequest, 'op' | 'method'> & { malformed?: boolean }) => {
    const key = `${r.url}\n${JSON.stringify(r.headers)}\n${Buffer.isBuffer(r.payload) ? r.payload.toString('hex') : r.payload}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ op: op.key, method: op.method, ...r, malformed: r.malformed ?? false });
  };
  const addBody = (
    kind: string,
    field: string,
    value: unknown,
    shown: unknown = value,
    expect?: HostileRequest['expect'],
  ) => {
    const malformed = !verdict.body(op, value);
    add({
      kind,
      field,
      value: show(shown),
      url: url(segments, baseQuery),
      headers: value === undefined ? {} : { 'content-type': JSON_TYPE },
      payload: value === undefined ? undefined : JSON.stringify(value),
      malformed,
      ...(malformed && expect ? { expect } : {}),
    });
  };
  const addRaw = (
    kind: string,
    payload: string | Buffer | undefined,
    headers: Record<string, string>,
    malformed: boolean,
    expect?: HostileRequest['expect'],
  ) => {
    add({
      kind,
      field: '',
      value: show(Buffer.isBuffer(payload) ? `${payload.length} bytes` : (payload ?? '(none)')),
      url: url(segments, baseQuery),
      headers,
      payload,
      malformed,
      ...(expect ? { expect } : {}),
    });
  };
  const addQuery = (kind: string, field: string, q: string, shown: string, expect?: HostileRequest['expect']) => {
    const malformed = !verdict.query(op, q);
    add({
      kind,
      field,
      value: shown.length > 60 ? `${shown.slice(0, 40)}…(${shown.length} chars)` : shown,
      url: url(segments, q),
      headers: jsonHeaders(),
      payload: body === undefined ? undefined : JSON.stringify(body),
      malformed,
      ...(malformed && expect ? { expect } : {}),
    });
  };

  // ---- path parameters ----
  for (const p of op.pathParams) {
    const real = segments[p.name]!;
    const candidates = [
      ...textCandidates(p.schema),
      { kind: 'empty', text: '' },
      { kind: 'encoding', text: '%2F' },
      { kind: 'encoding', text: '..' },
      { kind: 'encoding', text: '%2E%2E' },
      { kind: 'encoding', text: `${real}%2F..` },
      { kind: 'maxLength', text: 'x'.repeat(101) },
      { kind: 'case', text: real.toUpperCase() },
      { kind: 'suffix', text: `${real}.json` },
      { kind: 'suffix', text: `${real}%20` },
    ];
    for (const c of candidates) {
      const segs = { ...segments, [p.name]: c.text };
      const malformed = !verdict.path(op, segs);
      add({
        kind: `path.${c.kind}`,
        field: `path.${p.name}`,
        value: c.text.length > 60 ? `${c.text.slice(0, 40)}…(${c.text.length} chars)` : c.text,
        url: url(segs, baseQuery),
        headers: jsonHeaders(),
        payload: body === undefined ? undefined : JSON.stringify(body),
        malformed,
      });
    }
  }

  // ---- query parameters ----
  const withParam = (name: string, text: string | undefined) => {
    const rest = new URLSearchParams(query.filter(([k]) => k !== name)).toString();
    const own = text === undefined ? '' : `${encodeURIComponent(name)}=${text}`;
    return [rest, own].filter(Boolean).join('&');
  };
  for (const p of op.queryParams) {
    const example = encodeURIComponent(ctx.known(op, 'query', p.name) ?? String(examples.of(p.schema, p.name)));
    const instant = stringBranch(p.schema)?.format === 'date-time';
    for (const c of textCandidates(p.schema)) {
      addQuery(
        `query.${c.kind}`,
        `query.${p.name}`,
        withParam(p.name, c.text),
        decodeSafe(c.text),
        instant && c.kind === 'format' ? { status: 400, code: 'INVALID_INSTANT' } : undefined,
      );
    }
    const bad = textCandidates(p.schema).find((c) => c.kind !== 'type')?.text ?? 'x';
    const n = encodeURIComponent(p.name);
    const repeats: Array<[string, string]> = [
      ['same', `${n}=${example}&${n}=${example}`],
      ['thenBad', `${n}=${example}&${n}=${bad}`],
      ['badFirst', `${n}=${bad}&${n}=${example}`],
      ['many', Array.from({ length: 50 }, () => `${n}=${example}`).join('&')],
      ['brackets', `${n}[]=${example}`],
      ['index', `${n}[0]=${example}&${n}[1]=${example}`],
      ['object', `${n}[$gt]=`],
      ['noValue', n],
      ['twoEquals', `${n}=${example}=${example}`],
    ];
    for (const [kind, own] of repeats) {
      const rest = new URLSearchParams(query.filter(([k]) => k !== p.name)).toString();
      addQuery(`query.repeat.${kind}`, `query.${p.name}`, [rest, own].filter(Boolean).join('&'), own);
    }
    if (p.required) addQuery('query.missing', `query.${p.name}`, withParam(p.name, undefined), '(absent)');
  }
  const unknownQueries: Array<[string, string]> = [
    ['unknown', 'extra=1'],
    ['unknown', '__proto__[role]=admin'],
    ['unknown', 'constructor[prototype][role]=admin'],
    ['unknown', 'toString=x&=x&&'],
    ['unknown', '%ZZ=1'],
    ['long', `pad=${'q'.repeat(50_000)}`],
    ['manyKeys', Array.from({ length: 2_000 }, (_, i) => `k${i}=${i}`).join('&')],
  ];
  for (const [kind, extra] of unknownQueries)
    addQuery(`query.${kind}`, 'query', [baseQuery, extra].filter(Boolean).join('&'), extra);

  // ---- body fields ----
  if (op.body) {
    const closedObjects = objectShapes(op.body.schema);
    for (const field of bodyFields(op.body.schema)) {
      const name = `body.${field.path.join('.')}`;
      const schema = field.chain[field.chain.length - 1]!;
      const example = examples.of(schema, String(field.path[field.path.length - 1]));
      const instant = stringBranch(schema)?.format === 'date-time';
      for (const c of bodyCandidates(schema, example)) {
        const value = withValue(examples, body, field, c.value);
        addBody(
          `body.${c.kind}`,
          name,
          value,
          c.value,
          instant && c.kind === 'format' ? { status: 400, code: 'INVALID_INSTANT' } : undefined,
        );
      }
      if (field.required) addBody('body.missing', name, withValue(examples, body, field, DROP), '(absent)');
    }
    for (const shape of closedObjects) {
      for (const key of [
        'extra',
        'isAdmin',
        'role',
        'id',
        'createdAt',
        'status',
        'userId',
        '__proto__',
        'constructor',
        'prototype',
        '',
      ]) {
        const props =
          (branch(shape.chain[shape.chain.length - 1]!, 'object')?.properties as Record<string, unknown> | undefined) ??
          {};
        if (key in props) continue;
        const target = { path: [...shape.path, key], chain: [...shape.chain, {}] };
        const value = withValue(
          examples,
          body,
          target,
          key === '__proto__' || key === 'constructor' ? { role: 'admin' } : 1,
        );
        const plain = /^[a-zA-Z]+$/.test(key) && key !== 'constructor' && key !== 'prototype';
        addBody(
          'body.unknownField',
          `body.${[...shape.path, key].join('.')}`,
          value,
          key,
          shape.closed && plain ? { status: 400, code: 'UNKNOWN_FIELD' } : undefined,
        );
      }
    }
    // The whole body.
    const base = JSON.stringify(body);
    addBody('body.empty', 'body', undefined, '(none)');
    for (const root of [null, [], 'text', 42, true, [body], {}]) addBody('body.root', 'body', root);
    const json = { 'content-type': JSON_TYPE };
    if (op.method === 'PATCH') addBody('body.emptyPatch', 'body', {}, {}, { status: 400, code: 'EMPTY_PATCH' });
    addRaw('body.emptyJson', '', json, true, { status: 400 });
    addRaw('body.whitespace', '   \n ', json, true, { status: 400 });
    addRaw('body.badJson', '{"a":', json, true, { status: 400 });
    addRaw('body.truncated', base.slice(0, -1), json, true, { status: 400 });
    addRaw('body.trailingGarbage', `${base}x`, json, true, { status: 400 });
    addRaw('body.twoDocuments', `${base}${base}`, json, true, { status: 400 });
    addRaw(
      'body.singleQuotes',
      base.replace(/"/g, "'"),
      json,
      base.includes('"'),
      base.includes('"') ? { status: 400 } : undefined,
    );
    addRaw('body.comment', `/* x */${base}`, json, true, { status: 400 });
    addRaw('body.nan', base === '{}' ? '{"a":NaN}' : base.replace(/}$/, ',"a":NaN}'), json, true, { status: 400 });
    addRaw('body.bom', `\uFEFF${base}`, json, false);
    addRaw(
      'body.protoPoisoning',
      base === '{}' ? '{"__proto__":{"role":"admin"}}' : base.replace(/}$/, ',"__proto__":{"role":"admin"}}'),
      json,
      true,
      { status: 400 },
    );
    addRaw('body.constructorPoisoning', '{"constructor":{"prototype":{"role":"admin"}}}', json, true, { status: 400 });
    if (body && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length) {
      // JSON.parse keeps the last of two equal keys: the document judges what the server will read.
      const [k] = Object.keys(body);
      const twice = base.replace(/}$/, `,${JSON.stringify(k)}:{"$gt":""}}`);
      addRaw('body.duplicateKey', twice, json, !verdict.body(op, JSON.parse(twice)));
    }
    addRaw('body.deepArray', `${'['.repeat(50_000)}${']'.repeat(50_000)}`, json, true, { status: 400 });
    addRaw('body.deepObject', `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`, json, true, { status: 400 });
    addRaw('body.oversized', JSON.stringify({ ...((body as object) ?? {}), pad: OVERSIZE }), json, true, {
      status: 413,
    });
    addRaw('body.oversizedText', OVERSIZE, { 'content-type': 'text/plain' }, true);
    addRaw('body.oversizedNoType', OVERSIZE, {}, true);
    // Bytes that are not UTF-8 where a text field's value goes: read as replacement characters at worst.
    const text = Object.entries((body as Record<string, unknown> | null) ?? {}).find(([, v]) => typeof v === 'string');
    if (text) {
      const [before, after] = [
        base.slice(0, base.indexOf(JSON.stringify(text[1])) + 1),
        base.slice(base.indexOf(JSON.stringify(text[1])) + JSON.stringify(text[1]).length - 1),
      ];
      addRaw(
        'body.invalidUtf8',
        Buffer.concat([
          Buffer.from(before),
          Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]),
          Buffer.from(after),
        ]),
        json,
        false,
      );
    }
    // Content types other than JSON are refused whatever the body says.
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'text/xml',
      'application/octet-stream',
      'application/jsonx',
      'application/vnd.api+json',
      'text/json',
      'text/html, application/json',
      'application/json; charset=utf-16le',
      'application/json; charset=latin1',
      'APPLICATION/JSON',
      'application/json;charset=UTF-8',
      '',
    ]) {
      const json = /^application\/json\s*(;|$)/i.test(type);
      // 415 for what no parser reads; Fastify reads text/plain itself, and the schema refuses the string (400).
      const expect = !json && type && type !== 'text/plain' ? { status: 415 } : undefined;
      add({
        kind: 'contentType',
        field: 'content-type',
        value: type || '(none)',
        url: url(segments, baseQuery),
        headers: type ? { 'content-type': type } : {},
        payload: base,
        malformed: !json,
        ...(expect ? { expect } : {}),
      });
    }
    addRaw('contentType', 'email=a%40b.vn&password=x', { 'content-type': 'application/x-www-form-urlencoded' }, true, {
      status: 415,
    });
    addRaw(
      'contentType',
      '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
      { 'content-type': 'application/xml' },
      true,
      { status: 415 },
    );
  } else {
    // No body is documented: one sent anyway is at most ignored, never a 5xx.
    addRaw('body.undocumented', '{"extra":1,"role":"admin"}', { 'content-type': JSON_TYPE }, false);
    addRaw('body.undocumentedBad', '{"a":', { 'content-type': JSON_TYPE }, false);
    addRaw('body.undocumentedText', 'hello', { 'content-type': 'text/plain' }, false);
    addRaw('body.undocumentedOversized', OVERSIZE, { 'content-type': JSON_TYPE }, false);
  }
  return out;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
