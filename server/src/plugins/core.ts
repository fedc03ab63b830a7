// What every module is built on, decorated once per app: the audit trail and the notifier, both
// stamped by the app's clock (a test's fixed time is the rows' time too), and the policy.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../db/client.js';
import { createAuditLog, type AuditLog } from '../lib/audit.js';
import type { Clock } from '../lib/clock.js';
import type { LabEvents } from '../lib/events.js';
import { createNotifier, type Notifier } from '../lib/notify.js';
import policyPlugin from './policy.js';

/** What a module's service is built from, besides the other services it names. */
export interface Core {
  db: Db;
  clock: Clock;
  labEvents: LabEvents;
  audit: AuditLog;
  notifier: Notifier;
}

export function coreOf(app: FastifyInstance): Core {
  return { db: app.db, clock: app.clock, labEvents: app.labEvents, audit: app.audit, notifier: app.notifier };
}

declare module 'fastify' {
  interface FastifyInstance {
    audit: AuditLog;
    notifier: Notifier;
  }
}

export default fp(
  async function core(app: FastifyInstance) {
    app.decorate('audit', createAuditLog(app.clock));
    app.decorate('notifier', createNotifier(app.clock));
    await app.register(policyPlugin);
  },
  { name: 'core' },
);
