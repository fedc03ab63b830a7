// Generates hostile HTTP requests for one route from its schemas: a well-formed request (ids that
// exist, values the schema accepts), then one mutation of its body, query, path, encoding or
// credentials.
import fc from 'fast-check';
import { createSigner } from 'fast-jwt';
import type { CollectedRoute } from './routes.js';
import {
  BAD_INSTANTS,
  hostileTextArb,
  hostileValueArb,
  validArb,
  type IdPools,
  type JsonSchema,
} from './schema-values.js';

export type HostileCaller = 'anonymous' | 'owner' | 'managerHere' | 'admin';

export type Mutation =
  | { kind: 'none' }
  | { kind: 'bodyField'; selector: number; value: unknown }
  | { kind: 'bodyDrop'; selector: number }
  | { kind: 'bodyExtra'; key: string; value: unknown }
  | { kind: 'bodyRoot'; value: unknown }
  | { kind: 'queryField'; selector: number; value: string }
  | { kind: 'queryExtra'; key: string; value: string }
  /** The same query key twice (`from=a&from=b`): the second value is hostile. */
  | { kind: 'queryRepeat'; selector: number; value: string }
  /** A malformed instant in a top-level instant field of the body or query: must be INVALID_INSTANT. */
  | { kind: 'instant'; part: 'body' | 'querystring'; field: string; value: string }
  | { kind: 'pagination'; limit: string; offset: string }
  | { kind: 'param'; selector: number; value: string }
  | { kind: 'raw'; variant: (typeof RAW_VARIANTS)[number] }
  | { kind: 'auth'; variant: (typeof AUTH_VARIANTS)[number] };

export interface HostileSpec {
  route: string;
  caller: HostileCaller;
  params: Record<string, string>;
  query: Record<string, unknown> | undefined;
  body: unknown;
  mutation: Mutation;
}

export interface BuiltRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload: string | undefined;
  /** Which credentials to send: a caller's own token, or a forged one already in headers. */
  caller: HostileCaller | 'forged';
}

const RAW_VARIANTS = [
  'badJson',
  'truncatedJson',
  'textPlain',
  'formEncoded',
  'xml',
  'noContentType',
  'emptyJson',
  'protoJson',
  'constructorJson',
  'duplicateKeys',
  'huge',
  'charsetLatin1',
] as const;
const AUTH_VARIANTS = [
  'garbage',
  'wrongSecret',
  'algNone',
  'expired',
  'subInjection',
  'unknownUser',
  'basic',
  'emptyBearer',
  'twoTokens',
] as const;
const EXTRA_KEYS = [
  'extra',
  '__proto__',
  'constructor',
  'prototype',
  'role',
  'isAdmin',
  'userId',
  'status',
  'id',
  '$where',
  '',
];

/** Pools of existing ids for a path parameter, by the route it appears in. */
export interface ParamPools extends IdPools {
  bookings: string[];
  sessions: string[];
  notifications: string[];
  certifications: string[];
  maintenance: string[];
  victims: string[];
  closures: string[];
  plans: string[];
  series: string[];
  tokens: string[];
}

function paramPool(url: string, name: string, pools: ParamPools): string[] {
  if (name === 'labId') return pools.labs;
  if (name === 'machineId') return pools.machines;
  if (name === 'closureId') return pools.closures;
  if (name === 'planId') return pools.plans;
  if (name === 'seriesId') return pools.series;
  if (name === 'token') return pools.tokens.map((t) => `${t}.ics`);
  if (url.startsWith('/api/bookings/')) return pools.bookings;
  if (url.startsWith('/api/usage/')) return pools.sessions;
  if (url.startsWith('/api/notifications/')) return pools.notifications;
  if (url.startsWith('/api/certifications/')) return pools.certifications;
  if (url.startsWith('/api/maintenance/')) return pools.maintenance;
  if (url.startsWith('/api/users/')) return pools.victims;
  return pools.other;
}

function schemaOf(route: CollectedRoute, part: 'body' | 'querystring' | 'params'): JsonSchema | undefined {
  return (route.schema as Record<string, JsonSchema | undefined> | undefined)?.[part];
}

/** The top-level properties of an object schema (or of its object branch) that are instants. */
export function instantFields(schema: JsonSchema | undefined): string[] {
  if (!schema) return [];
  const object =
    schema.type === 'object' ? schema : ((schema.anyOf as JsonSchema[] | undefined) ?? []).find((b) => b.type === 'object');
  const isInstant = (s: JsonSchema): boolean =>
    s.format === 'date-time' || ((s.anyOf as JsonSchema[] | undefined) ?? []).some(isInstant);
  return Object.entries((object?.properties as Record<string, JsonSchema> | undefined) ?? {})
    .filter(([, s]) => isInstant(s))
    .map(([name]) => name);
}

const hasBody = (route: CollectedRoute) =>
  route.method !== 'GET' && route.method !== 'DELETE' ? true : Boolean(schemaOf(route, 'body'));

export function hostileSpecArb(
  route: CollectedRoute,
  pools: ParamPools,
  opts: { neverFindParams?: boolean } = {},
): fc.Arbitrary<HostileSpec> {
  const paramNames = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
  const paramArbs: Record<string, fc.Arbitrary<string>> = {};
  for (const name of paramNames) {
    const pool = opts.neverFindParams ? [] : paramPool(route.url, name, pools);
    paramArbs[name] = pool.length
      ? fc.oneof({ arbitrary: fc.constantFrom(...pool), weight: 4 }, { arbitrary: fc.uuid(), weight: 1 })
      : fc.uuid();
  }
  const querySchema = schemaOf(route, 'querystring');
  const bodySchema = schemaOf(route, 'body');
  const queryProps = Object.keys((querySchema?.properties as Record<string, unknown>) ?? {});
  const paginated = queryProps.includes('limit');

  const mutations: Array<{ arbitrary: fc.Arbitrary<Mutation>; weight: number }> = [
    { arbitrary: fc.constant({ kind: 'none' as const }), weight: 2 },
    { arbitrary: fc.constantFrom(...AUTH_VARIANTS).map((variant) => ({ kind: 'auth' as const, variant })), weight: 2 },
    {
      arbitrary: fc
        .record({ key: fc.constantFrom(...EXTRA_KEYS), value: hostileTextArb })
        .map((m) => ({ kind: 'queryExtra' as const, ...m })),
      weight: 1,
    },
  ];
  if (paramNames.length) {
    mutations.push({
      arbitrary: fc
        .record({ selector: fc.nat(), value: hostileTextArb })
        .map((m) => ({ kind: 'param' as const, ...m })),
      weight: 5,
    });
  }
  if (queryProps.length) {
    mutations.push({
      arbitrary: fc
        .record({ selector: fc.nat(), value: hostileTextArb })
        .map((m) => ({ kind: 'queryField' as const, ...m })),
      weight: 6,
    });
  }
  if (queryProps.length) {
    mutations.push({
      arbitrary: fc
        .record({ selector: fc.nat(), value: hostileTextArb })
        .map((m) => ({ kind: 'queryRepeat' as const, ...m })),
      weight: 2,
    });
  }
  const instants = (['body', 'querystring'] as const).flatMap((part) =>
    instantFields(schemaOf(route, part)).map((field) => ({ part, field })),
  );
  if (instants.length) {
    mutations.push({
      arbitrary: fc
        .record({ target: fc.constantFrom(...instants), value: fc.constantFrom(...BAD_INSTANTS) })
        .map(({ target, value }) => ({ kind: 'instant' as const, ...target, value })),
      weight: 4,
    });
  }
  if (paginated) {
    const bad = fc.constantFrom('0', '-1', '501', '1e3', '2.5', 'abc', '', '99999999999999999999', '1', '500', '[]');
    mutations.push({
      arbitrary: fc
        .record({ limit: bad, offset: fc.constantFrom('-1', '0', '1.5', 'x', '1000000001', '99999999999999999999') })
        .map((m) => ({ kind: 'pagination' as const, ...m })),
      weight: 3,
    });
  }
  if (hasBody(route)) {
    mutations.push(
      {
        arbitrary: fc
          .record({ selector: fc.nat(), value: hostileValueArb })
          .map((m) => ({ kind: 'bodyField' as const, ...m })),
        weight: 10,
      },
      { arbitrary: fc.nat().map((selector) => ({ kind: 'bodyDrop' as const, selector })), weight: 3 },
      {
        arbitrary: fc
          .record({ key: fc.constantFrom(...EXTRA_KEYS), value: hostileValueArb })
          .map((m) => ({ kind: 'bodyExtra' as const, ...m })),
        weight: 3,
      },
      { arbitrary: hostileValueArb.map((value) => ({ kind: 'bodyRoot' as const, value })), weight: 2 },
      { arbitrary: fc.constantFrom(...RAW_VARIANTS).map((variant) => ({ kind: 'raw' as const, variant })), weight: 3 },
    );
  }

  return fc.record({
    route: fc.constant(`${route.method} ${route.url}`),
    caller: fc.constantFrom<HostileCaller>(
      'anonymous',
      'owner',
      'owner',
      'managerHere',
      'managerHere',
      'admin',
      'admin',
      'admin',
    ),
    params: fc.record(paramArbs),
    query: querySchema
      ? (validArb(querySchema, pools) as fc.Arbitrary<Record<string, unknown>>)
      : fc.constant(undefined),
    body: bodySchema ? validArb(bodySchema, pools) : fc.constant(undefined),
    mutation: fc.oneof(...mutations),
  });
}

// ---------- turning a spec into a request ----------

type Path = Array<string | number>;

/** Every place in a JSON value a mutation may hit (the root excluded). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([...prefix, i]);
      out.push(...pathsOf(v, [...prefix, i]));
    });
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push([...prefix, k]);
      out.push(...pathsOf(v, [...prefix, k]));
    }
  }
  return out;
}

function setAt(root: unknown, path: Path, value: unknown, drop = false): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (drop) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else {
    node[last] = value;
  }
}

function toQueryString(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v))
      for (const item of v) params.append(k, typeof item === 'object' ? JSON.stringify(item) : String(item));
    else params.append(k, v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export interface Forgery {
  secret: string;
  adminId: string;
}

function forgedAuthorization(variant: (typeof AUTH_VARIANTS)[number], token: string, forgery: Forgery): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  switch (variant) {
    case 'garbage':
      return 'Bearer abc.def.ghi';
    case 'wrongSecret':
      return `Bearer ${createSigner({ key: 'an-entirely-different-secret-0123456789' })({ sub: forgery.adminId, ver: 'x' })}`;
    case 'algNone':
      return `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: forgery.adminId, ver: 'x' })}.`;
    case 'expired':
      return `Bearer ${createSigner({ key: forgery.secret, expiresIn: 1000, clockTimestamp: Date.now() - 3_600_000 })({ sub: forgery.adminId, ver: 'x' })}`;
    case 'subInjection':
      return `Bearer ${createSigner({ key: forgery.secret })({ sub: "' OR '1'='1", ver: "' OR '1'='1" })}`;
    case 'unknownUser':
      return `Bearer ${createSigner({ key: forgery.secret })({ sub: '5f0f8e4e-1111-4222-8333-944444444444', ver: 'x' })}`;
    case 'basic':
      return `Basic ${Buffer.from('admin@fablab.local:fablab-demo').toString('base64')}`;
    case 'emptyBearer':
      return 'Bearer ';
    case 'twoTokens':
      return `Bearer ${token} ${token}`;
  }
}

export function buildRequest(
  spec: HostileSpec,
  tokens: Record<Exclude<HostileCaller, 'anonymous'>, string>,
  forgery: Forgery,
): BuiltRequest {
  const [method, pattern] = spec.route.split(' ') as [string, string];
  const params = { ...spec.params };
  const query = spec.query ? structuredClone(spec.query) : undefined;
  let body: unknown = spec.body === undefined ? undefined : structuredClone(spec.body);
  let rawPayload: string | undefined;
  let contentType: string | undefined;
  const headers: Record<string, string> = {};
  const m = spec.mutation;
  let queryString = query ? toQueryString(query) : '';
  let caller: BuiltRequest['caller'] = spec.caller;

  switch (m.kind) {
    case 'bodyField':
    case 'bodyDrop': {
      const paths = pathsOf(body);
      if (paths.length === 0) body = m.kind === 'bodyField' ? m.value : undefined;
      else
        setAt(
          body,
          paths[m.selector % paths.length]!,
          m.kind === 'bodyField' ? m.value : undefined,
          m.kind === 'bodyDrop',
        );
      break;
    }
    case 'bodyExtra': {
      if (body && typeof body === 'object' && !Array.isArray(body)) {
        // A computed key makes __proto__ an own property, so JSON.stringify sends it as such.
        body = { ...(body as object), [m.key]: m.value };
      } else {
        body = { [m.key]: m.value };
      }
      break;
    }
    case 'bodyRoot':
      body = m.value;
      break;
    case 'queryField': {
      const q = { ...(query ?? {}) };
      const keys = Object.keys(q).length ? Object.keys(q) : ['limit'];
      q[keys[m.selector % keys.length]!] = m.value;
      queryString = toQueryString(q);
      break;
    }
    case 'queryExtra':
      queryString = toQueryString({ ...(query ?? {}), [m.key]: m.value });
      break;
    case 'pagination':
      queryString = toQueryString({ ...(query ?? {}), limit: m.limit, offset: m.offset });
      break;
    case 'queryRepeat': {
      const q = { ...(query ?? {}) };
      const keys = Object.keys(q).length ? Object.keys(q) : ['limit'];
      const key = keys[m.selector % keys.length]!;
      const first = toQueryString({ [key]: q[key] ?? '1' }).slice(1);
      queryString = `${queryString || '?'}${queryString ? '&' : ''}${first}&${new URLSearchParams({ [key]: m.value }).toString()}`;
      break;
    }
    case 'instant':
      if (m.part === 'querystring') queryString = toQueryString({ ...(query ?? {}), [m.field]: m.value });
      else body = { ...((body as object | null) ?? {}), [m.field]: m.value };
      break;
    case 'param': {
      const names = Object.keys(params);
      if (names.length) params[names[m.selector % names.length]!] = m.value;
      break;
    }
    case 'raw':
      switch (m.variant) {
        case 'badJson':
          rawPayload = '{"a":';
          break;
        case 'truncatedJson':
          rawPayload = JSON.stringify(body ?? {}).slice(0, -1);
          break;
        case 'textPlain':
          rawPayload = JSON.stringify(body ?? {});
          contentType = 'text/plain';
          break;
        case 'formEncoded':
          rawPayload = 'email=a%40b.vn&password=x';
          contentType = 'application/x-www-form-urlencoded';
          break;
        case 'xml':
          rawPayload = '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>';
          contentType = 'application/xml';
          break;
        case 'noContentType':
          rawPayload = JSON.stringify(body ?? {});
          contentType = '';
          break;
        case 'emptyJson':
          rawPayload = '';
          break;
        case 'protoJson':
          rawPayload = `{"__proto__":{"role":"admin"},"a":1}`;
          break;
        case 'constructorJson':
          rawPayload = `{"constructor":{"prototype":{"role":"admin"}},"a":1}`;
          break;
        case 'duplicateKeys': {
          const s = JSON.stringify(body ?? {});
          rawPayload = s === '{}' ? '{"a":1,"a":2}' : `${s.slice(0, -1)},"userId":"x","userId":"y"}`;
          break;
        }
        case 'huge':
          rawPayload = JSON.stringify({ note: 'C'.repeat(1024 * 1024 + 10) });
          break;
        case 'charsetLatin1':
          rawPayload = JSON.stringify(body ?? {});
          contentType = 'application/json; charset=latin1';
          break;
      }
      break;
    case 'auth':
      headers.authorization = forgedAuthorization(
        m.variant,
        spec.caller === 'anonymous' ? 'x' : tokens[spec.caller],
        forgery,
      );
      caller = 'forged';
      break;
    case 'none':
      break;
  }

  if (caller !== 'forged' && spec.caller !== 'anonymous') headers.authorization = `Bearer ${tokens[spec.caller]}`;
  const url =
    pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? '')) + queryString;
  let payload: string | undefined = rawPayload;
  if (payload === undefined && body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) {
    if (contentType === undefined) contentType = 'application/json';
    if (contentType) headers['content-type'] = contentType;
  }
  return { method, url, headers, payload, caller };
}
