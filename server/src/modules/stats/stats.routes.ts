import { ErrorResponse, MonthlyStats, Type, MonthlyStatsQuery, StatsTrend, StatsTrendQuery } from '@fablab/shared';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { XLSX_TYPE } from '../../plugins/openapi.js';
import { exportFileName, statsToCsv, statsToXlsx } from './stats.export.js';
import type { StatsScope } from './stats.service.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/** The lab slug a download's file name carries: one lab's slug, `all-labs`, or a manager's labs. */
function scopeSlug(scope: StatsScope): string {
  if (scope.allLabs) return 'all-labs';
  return scope.labs
    .map((l) => l.slug)
    .sort()
    .join('_');
}

// Routes of the stats module (see ../shared/API.md "Statistics").
const statsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = app.stats;
  // Sign-in and role come before query validation: no token is 401 and a member 403, whatever the query.
  const guard = app.requireAllowed('stats.read');

  app.get(
    '/stats/monthly',
    {
      onRequest: guard,
      schema: { summary: 'Monthly statistics (JSON, CSV or XLSX)', operationId: 'getMonthlyStats',
        tags: ['stats'],
        security: [{ bearerAuth: [] }],
        querystring: MonthlyStatsQuery,
        response: {
          200: {
            description: 'The month’s statistics; with `format=csv` or `format=xlsx` a download of them',
            content: {
              'application/json': { schema: MonthlyStats },
              'text/csv': { schema: Type.String() },
              [XLSX_TYPE]: { schema: Type.String({ format: 'binary' }) },
            },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { month, labId, format = 'json' } = request.query;
      const scope = await service.resolveScope(request.actor, labId);
      const stats = await service.monthly(scope, month);
      if (format === 'json') return stats;
      const ctx = { lang: request.query.lang ?? request.actor.locale, scopeSlug: scopeSlug(scope), typeNames: await app.machineTypes.names() };
      const body = format === 'csv' ? statsToCsv(stats, ctx) : await statsToXlsx(stats, ctx);
      // A download is bytes, not the JSON the 200 schema describes (Fastify does not serialize a Buffer).
      const raw = reply as unknown as FastifyReply;
      return raw
        .header(
          'content-type',
          format === 'csv'
            ? 'text/csv; charset=utf-8'
            : XLSX_TYPE,
        )
        .header('content-disposition', `attachment; filename="${exportFileName(month, ctx.scopeSlug, format)}"`)
        .header('cache-control', 'no-store')
        .send(body);
    },
  );

  app.get(
    '/stats/trend',
    {
      onRequest: guard,
      schema: { summary: 'Monthly totals over a range of months', operationId: 'getStatsTrend',
        tags: ['stats'],
        security: [{ bearerAuth: [] }],
        querystring: StatsTrendQuery,
        response: { 200: StatsTrend, ...errors },
      },
    },
    async (request) => {
      const { from, to, labId } = request.query;
      const scope = await service.resolveScope(request.actor, labId);
      return service.trend(scope, from, to);
    },
  );
};

export default statsRoutes;
