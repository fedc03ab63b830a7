import type { ErrorCode } from '@fablab/shared';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

export function statusText(statusCode: number): string {
  return STATUS_TEXT[statusCode] ?? (statusCode >= 500 ? 'Internal Server Error' : 'Error');
}

/** A refusal the API answers on purpose, with a machine-readable code. */
export class DomainError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode | (string & {}),
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** A throttle's refusal: the answer tells when to try again (Retry-After). */
export class TooManyRequests extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    what: string,
  ) {
    super(429, 'TOO_MANY_REQUESTS', `${what}; try again in ${retryAfterSeconds} seconds`);
  }
}

export const badRequest = (code: ErrorCode, message: string) => new DomainError(400, code, message);
export const unauthorized = (message = 'Sign in first') => new DomainError(401, 'UNAUTHORIZED', message);
export const forbidden = (message = 'You may not do this', code: ErrorCode = 'FORBIDDEN') =>
  new DomainError(403, code, message);
export const notFound = (what = 'Resource') => new DomainError(404, 'NOT_FOUND', `${what} not found`);
export const conflict = (code: ErrorCode, message: string) => new DomainError(409, code, message);
export const unprocessable = (code: ErrorCode, message: string) => new DomainError(422, code, message);

/** The SQLSTATE of a database error, whether drizzle wrapped it or not. */
export function sqlState(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The constraint a database error names, if any. */
export function constraintName(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const c = (e as { constraint?: unknown }).constraint;
    if (typeof c === 'string') return c;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/** True when the database cannot be reached (down, restarting, connection lost). */
export function isDbUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (CONNECTION_ERRORS.has(code)) return true;
      // admin_shutdown, crash_shutdown, cannot_connect_now, connection exceptions (class 08)
      // and a statement cancelled by a timeout (57014): the database is too slow to count on now.
      if (code === '57P01' || code === '57P02' || code === '57P03' || code === '57014' || code.startsWith('08')) return true;
    }
    const message = (e as { message?: unknown }).message;
    if (
      typeof message === 'string' &&
      /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED|Query read timeout/i.test(
        message,
      )
    )
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** True when the database refused a write because its disk is full (disk_full, or out of space for WAL). */
export function isStorageFull(err: unknown): boolean {
  const state = sqlState(err);
  if (state === '53100') return true;
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /No space left on device/i.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
