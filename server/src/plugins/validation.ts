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

function trimmed(value: unknown): unknown {
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value)) return value.map(trimmed);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = UNTRIMMED.test(key) ? v : trimmed(v);
    return out;
  }
  return value;
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
