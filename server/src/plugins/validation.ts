// How requests are read before a route sees them. Bodies are validated strictly: what a client
// sends is what the route gets, so an unknown field is refused (not silently dropped) and "3" is
// not 3. Queries, params and headers arrive as text, so their types are still coerced there.
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { badRequest } from '../lib/errors.js';

type Compile = ReturnType<AjvCompiler.BuildCompilerFromPool>;

const compilers = AjvCompiler();

/** For Fastify's schemaController: one Ajv for bodies, the default one for the other parts. */
export const buildValidator: AjvCompiler.BuildCompilerFromPool = (externalSchemas, ajvOptions) => {
  const options = { ...ajvOptions, mode: undefined, customOptions: ajvOptions?.customOptions ?? {} };
  const lenient = compilers(externalSchemas, options);
  const strict = compilers(externalSchemas, {
    ...options,
    customOptions: { ...options.customOptions, coerceTypes: false, removeAdditional: false },
  });
  const compile: Compile = (route) => (route.httpPart === 'body' ? strict(route) : lenient(route));
  return compile;
};

/** Passwords are secrets taken exactly as typed; every other text is trimmed. */
const UNTRIMMED = /password/i;
/**
 * No body of the API nests deeper than a few levels (opening hours: 3). A deeper one is refused
 * here, before the walk below, which would otherwise overflow the stack (a 500) on JSON nested
 * some ten thousand levels deep: still well under the 1 MB limit.
 */
const MAX_DEPTH = 32;

function trimmed(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.trim();
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) throw badRequest('FST_ERR_VALIDATION', `The body nests deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((v) => trimmed(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = UNTRIMMED.test(key) ? v : trimmed(v, depth + 1);
  return out;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export default fp(
  async function validation(app: FastifyInstance) {
    // Before validation, so that a required name of spaces meets its minLength of 1 as ''.
    app.addHook('preValidation', async (request: FastifyRequest) => {
      if (request.body === undefined || request.body === null) return;
      request.body = trimmed(request.body);
      // A PATCH that names no field would write nothing; refuse it rather than answer a no-op.
      if (request.method === 'PATCH' && isObject(request.body) && Object.keys(request.body).length === 0) {
        throw badRequest('EMPTY_PATCH', 'The request names no field to change');
      }
    });
  },
  { name: 'validation' },
);
