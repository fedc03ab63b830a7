// The one error handler: every refusal leaves with { statusCode, code, error, message };
// 5xx messages are masked and logged with the request id, so no stack trace reaches a client.
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { INSTANT_PATTERN } from '@fablab/shared';
import { DomainError, TooManyRequests, constraintName, isDbUnavailable, isStorageFull, sqlState, statusText } from '../lib/errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** When a write last failed for a full disk: health reports it until space is free again. */
    storageHealth: { fullSince: number | undefined };
  }
}

function reply(statusCode: number, code: string, message: string) {
  return { statusCode, code, error: statusText(statusCode), message };
}

/** Database refusals that reached here unhandled: the input broke a rule, not the server. */
function fromSqlState(state: string, err: unknown): { status: number; code: string; message: string } | undefined {
  const constraint = constraintName(err);
  if (state === '23P01')
    return constraint?.startsWith('usage')
      ? { status: 409, code: 'USAGE_CONFLICT', message: 'Overlaps another usage session on this machine' }
      : { status: 409, code: 'BOOKING_CONFLICT', message: 'Overlaps another booking on this machine' };
  if (state === '23505') return { status: 409, code: 'CONFLICT', message: 'Already exists' };
  if (state === '23503') return { status: 422, code: 'REFERENCE_NOT_FOUND', message: 'Refers to something that does not exist' };
  if (state === '23514' || state === '23502')
    return { status: 422, code: 'VALIDATION_ERROR', message: 'Breaks a rule of the data' };
  if (state.startsWith('22')) return { status: 400, code: 'VALIDATION_ERROR', message: 'Invalid value' };
  return undefined;
}

type ValidationIssue = NonNullable<FastifyError['validation']>[number];

/** `start`, `guardian.name`: where in the body or query the fault is, as a client names it. */
function fieldOf(issue: ValidationIssue, extra?: string): string {
  const path = issue.instancePath.split('/').filter(Boolean);
  if (extra) path.push(extra);
  return path.join('.');
}

/**
 * The code of a schema refusal: instants and unknown fields have their own, so that a client can
 * tell which field to fix without parsing the message; anything else is FST_ERR_VALIDATION.
 */
function validationRefusal(issues: ValidationIssue[], context: string | undefined): { code: string; message?: string } {
  const where = context ?? 'request';
  const instant = issues.find(
    (i) =>
      (i.keyword === 'pattern' && i.params.pattern === INSTANT_PATTERN) ||
      (i.keyword === 'format' && i.params.format === 'date-time'),
  );
  if (instant) {
    const field = fieldOf(instant);
    return {
      code: 'INVALID_INSTANT',
      message: `${where}.${field} must be an ISO 8601 instant with seconds and an offset, such as 2026-12-01T08:00:00+07:00 or 2026-12-01T01:00:00Z`,
    };
  }
  const unknown = issues.find((i) => i.keyword === 'additionalProperties');
  if (unknown) {
    const field = fieldOf(unknown, String(unknown.params.additionalProperty));
    return { code: 'UNKNOWN_FIELD', message: `${where}.${field} is not a field of this request` };
  }
  return { code: 'FST_ERR_VALIDATION' };
}

export default fp(
  async function errors(app: FastifyInstance) {
    app.decorate('storageHealth', { fullSince: undefined as number | undefined });
    app.setErrorHandler((err: FastifyError | DomainError | Error, request, res) => {
      if (err instanceof DomainError) {
        if (err instanceof TooManyRequests) res.header('Retry-After', String(err.retryAfterSeconds));
        return res.status(err.statusCode).send(reply(err.statusCode, err.code, err.message));
      }
      const fe = err as FastifyError;
      if (fe.validation) {
        const refusal = validationRefusal(fe.validation, fe.validationContext);
        return res.status(400).send(reply(400, refusal.code, refusal.message ?? fe.message));
      }
      if (isStorageFull(err)) {
        app.storageHealth.fullSince = Date.now();
        request.log.error({ err }, 'database storage full');
        return res.status(503).send(reply(503, 'STORAGE_FULL', 'The database disk is full; nothing was saved. Tell the lab administrator.'));
      }
      if (isDbUnavailable(err)) {
        request.log.warn({ err }, 'database unavailable');
        return res.status(503).send(reply(503, 'DB_UNAVAILABLE', 'The database cannot be reached; try again shortly'));
      }
      const state = sqlState(err);
      if (state && !fe.statusCode) {
        const mapped = fromSqlState(state, err);
        if (mapped) {
          request.log.info({ err }, 'database refused input');
          return res.status(mapped.status).send(reply(mapped.status, mapped.code, mapped.message));
        }
      }
      const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 600 ? fe.statusCode : 500;
      if (status < 500) {
        const code = status === 429 ? 'TOO_MANY_REQUESTS' : fe.code || 'BAD_REQUEST';
        return res.status(status).send(reply(status, code, fe.message));
      }
      request.log.error({ err, reqId: request.id }, 'unhandled error');
      return res
        .status(500)
        .send(reply(500, 'INTERNAL_SERVER_ERROR', `Something went wrong (request ${request.id})`));
    });
  },
  { name: 'errors' },
);
