// The one error handler: every refusal leaves with { statusCode, code, error, message };
// 5xx messages are masked and logged with the request id, so no stack trace reaches a client.
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** When a write last failed for a full disk: health reports it until space is free again. */
    storageHealth: { fullSince: number | undefined };
  }
}
import { DomainError, constraintName, isDbUnavailable, isStorageFull, sqlState, statusText } from '../lib/errors.js';

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

export default fp(
  async function errors(app: FastifyInstance) {
    app.decorate('storageHealth', { fullSince: undefined as number | undefined });
    app.setErrorHandler((err: FastifyError | DomainError | Error, request, res) => {
      if (err instanceof DomainError) {
        return res.status(err.statusCode).send(reply(err.statusCode, err.code, err.message));
      }
      const fe = err as FastifyError;
      if (fe.validation) {
        return res.status(400).send(reply(400, 'FST_ERR_VALIDATION', fe.message));
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
