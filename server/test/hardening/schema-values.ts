// fast-check arbitraries made from a route's JSON schema (TypeBox emits plain JSON Schema): values
// the schema accepts, and hostile values that a server must refuse (or survive) without a 5xx.
import fc from 'fast-check';

export type JsonSchema = Record<string, unknown>;

/** Ids that exist, by what they name, so that well-formed requests reach the services' rules. */
export interface IdPools {
  labs: string[];
  machines: string[];
  users: string[];
  /** Everything else (bookings, sessions, plans, closures, notifications, …). */
  other: string[];
}

const NOW_MS = Date.parse('2026-06-01T01:00:00Z');
const HALF_HOUR = 30 * 60_000;

function poolFor(name: string, pools: IdPools): string[] {
  if (/^labIds?$/.test(name)) return pools.labs;
  if (/^machineIds?$/.test(name)) return pools.machines;
  if (/^(userId|managedLabIds)$/.test(name)) return name === 'managedLabIds' ? pools.labs : pools.users;
  return pools.other;
}

function uuidArb(name: string, pools: IdPools): fc.Arbitrary<string> {
  const pool = poolFor(name, pools);
  return pool.length
    ? fc.oneof({ arbitrary: fc.constantFrom(...pool), weight: 3 }, { arbitrary: fc.uuid(), weight: 1 })
    : fc.uuid();
}

/** An instant near "now", on a half-hour grid, as the labs' calendars would send it. */
const instantArb = fc
  .integer({ min: -24 * 14, max: 24 * 30 })
  .map((k) => new Date(NOW_MS + k * HALF_HOUR).toISOString());
const dateArb = fc
  .integer({ min: -30, max: 400 })
  .map((d) => new Date(NOW_MS + d * 86_400_000).toISOString().slice(0, 10));

const KNOWN_PATTERNS: Array<[RegExp, fc.Arbitrary<string>]> = [
  [
    /-\(0\[1-9\]\|1\[0-2\]\)\$$/,
    fc
      .integer({ min: 2025, max: 2027 })
      .chain((y) => fc.integer({ min: 1, max: 12 }).map((m) => `${y}-${String(m).padStart(2, '0')}`)),
  ],
  [
    /\[01\]\[0-9\]\|2\[0-3\]/,
    fc.integer({ min: 0, max: 47 }).map((h) => `${String(Math.floor(h / 2)).padStart(2, '0')}:${h % 2 ? '30' : '00'}`),
  ],
  [/^\^\[a-z0-9\]/, fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/)],
];

function stringArb(schema: JsonSchema, name: string, pools: IdPools): fc.Arbitrary<string> {
  if (typeof schema.const === 'string') return fc.constant(schema.const);
  switch (schema.format) {
    case 'uuid':
      return uuidArb(name, pools);
    case 'date-time':
      return instantArb;
    case 'date':
      return dateArb;
    case 'email':
      return fc.integer({ min: 1, max: 1_000_000 }).map((n) => `maker${n}@example.test`);
  }
  if (typeof schema.pattern === 'string') {
    const known = KNOWN_PATTERNS.find(([re]) => re.test(schema.pattern as string));
    if (known) return known[1];
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter((s) => s.length <= ((schema.maxLength as number) ?? 200));
  }
  const minLength = (schema.minLength as number) ?? 0;
  const maxLength = Math.min((schema.maxLength as number) ?? 40, Math.max(minLength, 40));
  return fc.string({ minLength, maxLength, unit: 'grapheme' });
}

/** A value the schema accepts (within reason: formats and patterns the API uses). */
export function validArb(schema: JsonSchema, pools: IdPools, name = ''): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if (Array.isArray(schema.anyOf))
    return fc.oneof(...(schema.anyOf as JsonSchema[]).map((s) => validArb(s, pools, name)));
  if (Array.isArray(schema.allOf)) {
    // Intersections of objects (TypeBox Intersect): merge what each part makes.
    return fc
      .tuple(...(schema.allOf as JsonSchema[]).map((s) => validArb(s, pools, name)))
      .map((parts) => Object.assign({}, ...parts));
  }
  switch (schema.type) {
    case 'string':
      return stringArb(schema, name, pools);
    case 'integer':
      return fc.integer({
        min: (schema.minimum as number) ?? -1000,
        max: Math.min((schema.maximum as number) ?? 1000, 1_000_000),
      });
    case 'number':
      return fc.double({
        min: (schema.minimum as number) ?? -1000,
        max: Math.min((schema.maximum as number) ?? 1000, 1_000_000),
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (Array.isArray(schema.items))
        return fc.tuple(...(schema.items as JsonSchema[]).map((s) => validArb(s, pools, name)));
      const item = validArb((schema.items as JsonSchema) ?? {}, pools, name);
      const minLength = (schema.minItems as number) ?? 0;
      const maxLength = Math.min((schema.maxItems as number) ?? 3, Math.max(minLength, 3));
      return schema.uniqueItems
        ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
        : fc.array(item, { minLength, maxLength });
    }
    case 'object': {
      const properties = (schema.properties as Record<string, JsonSchema>) ?? {};
      const required = new Set((schema.required as string[]) ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, sub] of Object.entries(properties)) record[key] = validArb(sub, pools, key);
      return fc.record(record, { requiredKeys: [...required] });
    }
  }
  return fc.constant('x');
}

// ---------- hostile values ----------

const HUGE = 'A'.repeat(300_000);
const deepArray = (depth: number): unknown => {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};
const deepObject = (depth: number): unknown => {
  let v: unknown = {};
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
};

export const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  "Robert'); DROP TABLE bookings;--",
  '1; SELECT pg_sleep(5)',
  "' UNION SELECT password_hash FROM users --",
  '$1',
  '\\',
  '%',
  '_',
  '{{7*7}}',
  '${7*7}',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '../../../../etc/passwd',
  '__proto__',
  'constructor',
  'prototype',
  '{"$gt":""}',
  'null',
  'undefined',
  'NaN',
  'true',
  '0x7fffffff',
  '%00',
  '\r\nSet-Cookie: a=b',
];

export const UNICODE = [
  'Nguyễn Thị Ánh Tuyết',
  'Phòng thí nghiệm chế tạo cơ điện Bình Dương',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🧪🔬🤖',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF\uD800',
  '\u202Egnp.exe',
  '\u200B\u200C\u200D\uFEFF',
  'e\u0301\u0301\u0301\u0301',
  '\t\n\r\v\f',
  ' ',
  '',
  '👨‍👩‍👧‍👦'.repeat(50),
];

export const BAD_UUIDS = [
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '123e4567-e89b-12d3-a456-42661417400',
  '123e4567-e89b-12d3-a456-4266141740000',
  '123E4567-E89B-12D3-A456-426614174000',
  'urn:uuid:123e4567-e89b-12d3-a456-426614174000',
  '{123e4567-e89b-12d3-a456-426614174000}',
  '123e4567e89b12d3a456426614174000',
  '123e4567-e89b-12d3-a456-42661417400g',
  "123e4567-e89b-12d3-a456-426614174000' OR '1'='1",
];

/** Strings that look like instants but are not ISO 8601 with seconds and an explicit offset. */
export const BAD_INSTANTS = [
  '2026-06-01T08:00:00',
  '2026-06-01T08:00:00+07',
  '2026-06-01T08:00:00+0700',
  '2026-06-01 08:00:00+07:00',
  '2026-06-01t08:00:00z',
  '2026-06-01T08:00Z',
  '2026-06-30T23:59:60Z',
  '2026-02-29T08:00:00Z',
  '2026-06-01T24:00:00Z',
  '2026-06-01T08:00:00+24:00',
  '1969-12-31T23:59:59Z',
  '3000-01-01T00:00:00Z',
  '+002026-06-01T08:00:00Z',
  '2026-06-01T08:00:00.Z',
  '2026-06-01T08:00:00.1234567890Z',
];

export const BAD_DATES = [
  '2026-02-30T10:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-06-01T25:00:00Z',
  '2026-06-01T23:59:60Z',
  '2026-06-01',
  '2026-06-01T08:00:00',
  'yesterday',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '2026-06-01T08:00:00+14:00',
  '2026-06-01T08:00:00-12:59',
  '2026-06-01T08:00:00.123456789Z',
  '2026-06-01T08:00:00+99:99',
  '2026-W23-1',
  '1780272000000',
  '2026-00-00',
  '2026-02-29',
  '24:00',
  '99:99',
  '2026-1',
  '2026-00',
  ...BAD_INSTANTS,
];

export const BAD_NUMBERS: unknown[] = [
  -1,
  0,
  -0.5,
  1.5,
  -2_147_483_649,
  2_147_483_648,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER - 2,
  1e21,
  1e308,
  -1e308,
  5e-324,
  '1e309',
  '12abc',
  '0x10',
  ' 5 ',
];

export const WRONG_TYPES: unknown[] = [null, true, false, 0, 1, 'text', [], [1, 'a', null], {}, { a: 1 }, [[[]]]];

/** One hostile value: wrong types, huge strings, unicode, injections, bad ids and dates, numbers, nesting. */
export const hostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...WRONG_TYPES),
  fc.constantFrom(...INJECTIONS),
  fc.constantFrom(...UNICODE),
  fc.constantFrom(...BAD_UUIDS),
  fc.constantFrom(...BAD_DATES),
  fc.constantFrom(...BAD_NUMBERS),
  fc.integer({ min: 201, max: 300_000 }).map((n) => HUGE.slice(0, n)),
  fc.constantFrom(deepArray(200), deepObject(200), deepArray(2000)),
  fc.string({ maxLength: 30, unit: 'binary' }),
);

/** A hostile value that can travel in a URL (query string or path segment). */
export const hostileTextArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.constantFrom(...UNICODE.filter((u) => !/[\uD800-\uDFFF]/.test(u))),
  fc.constantFrom(...BAD_UUIDS),
  fc.constantFrom(...BAD_DATES),
  fc.constantFrom(...BAD_NUMBERS.map(String)),
  fc.integer({ min: 60, max: 20_000 }).map((n) => 'B'.repeat(n)),
  fc.constantFrom('', '-1', '0', '501', '1000000000000', '[]', '{}', 'a=b&c=d', '%', '%ZZ', '..', '.', '/'),
);

/** A string longer than the schema allows, when the schema caps it. */
export function tooLong(schema: JsonSchema): string | undefined {
  const max = schema.maxLength;
  return typeof max === 'number' ? 'x'.repeat(max + 1) : undefined;
}

/** Every string schema inside a schema, with the path to it (for the length-limit check). */
export function stringSchemas(schema: JsonSchema, path = ''): Array<{ path: string; schema: JsonSchema }> {
  const out: Array<{ path: string; schema: JsonSchema }> = [];
  const visit = (s: JsonSchema, p: string) => {
    if (s.type === 'string') out.push({ path: p, schema: s });
    for (const key of ['anyOf', 'allOf', 'oneOf'] as const) {
      if (Array.isArray(s[key])) (s[key] as JsonSchema[]).forEach((x) => visit(x, p));
    }
    if (s.properties)
      for (const [k, v] of Object.entries(s.properties as Record<string, JsonSchema>)) visit(v, p ? `${p}.${k}` : k);
    if (Array.isArray(s.items)) (s.items as JsonSchema[]).forEach((x, i) => visit(x, `${p}[${i}]`));
    else if (s.items) visit(s.items as JsonSchema, `${p}[]`);
  };
  visit(schema, path);
  return out;
}
