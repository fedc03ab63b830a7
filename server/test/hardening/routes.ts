// The server's own route table, collected while buildApp registers the routes: every test in this
// folder derives its cases from it, so a route added later cannot slip past them.
import type { FastifySchema, RouteOptions } from 'fastify';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

export interface CollectedRoute {
  method: string;
  url: string;
  schema: FastifySchema | undefined;
}

/** Routes that are not the API's: the OpenAPI UI and its assets. */
export function isDocsRoute(url: string): boolean {
  return url === '/api/docs' || url.startsWith('/api/docs/');
}

/**
 * Starts listening for Fastify instances being created; the returned `routes` fills up as the
 * next buildApp registers them. Fastify publishes every new instance on the
 * `fastify.initialization` channel before any plugin runs, which is the one moment an onRoute hook
 * still sees every route, without touching buildApp.
 */
export function collectRoutes(): { routes: CollectedRoute[]; stop(): void } {
  const routes: CollectedRoute[] = [];
  const seen = new Set<string>();
  const onInit = (message: unknown) => {
    const { fastify } = message as { fastify: { addHook(name: 'onRoute', fn: (opts: RouteOptions) => void): void } };
    fastify.addHook('onRoute', (opts) => {
      const methods = Array.isArray(opts.method) ? opts.method : [opts.method];
      for (const method of methods) {
        // HEAD twins of GET routes answer what GET answers; OPTIONS only exists with CORS on.
        if (method === 'HEAD' || method === 'OPTIONS') continue;
        const key = `${method} ${opts.url}`;
        if (seen.has(key) || isDocsRoute(opts.url)) continue;
        seen.add(key);
        routes.push({ method, url: opts.url, schema: opts.schema });
      }
    });
  };
  subscribe('fastify.initialization', onInit);
  return { routes, stop: () => unsubscribe('fastify.initialization', onInit) };
}

export const routeKey = (r: { method: string; url: string }) => `${r.method} ${r.url}`;
