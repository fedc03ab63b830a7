import type { FastifyRequest } from 'fastify';

/** Actions whose body is all optional may be posted with no body at all. */
export async function emptyBodyAsObject(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}
