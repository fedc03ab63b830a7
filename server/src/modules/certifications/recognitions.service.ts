// A lab's recognition of other labs' certifications, per machine type: its managers decide which
// labs train well enough on which machines. The certification check (certification-rules.ts)
// counts a certification from a recognised lab as one of the lab's own.
import type { Recognition, RecognitionBody } from '@fablab/shared';
import type { FastifyInstance } from 'fastify';
import { badRequest, conflict, notFound } from '../../lib/errors.js';
import type { Core } from '../../plugins/core.js';
import { requireLabManager, type Actor } from '../../plugins/policy.js';
import { createCertificationRepository, type RecognitionRow } from './certifications.repository.js';

export interface RecognitionServiceDeps extends Core {
  machineTypes: FastifyInstance['machineTypes'];
}

function toApiRecognition(row: RecognitionRow): Recognition {
  return {
    labId: row.labId,
    recognizedLabId: row.recognizedLabId,
    machineType: row.machineType,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

export function createRecognitionService(deps: RecognitionServiceDeps) {
  const { db, clock, audit } = deps;
  const repo = createCertificationRepository(db);

  /** 404 for an unknown lab, 403 unless the actor manages it. */
  async function managedLab(actor: Actor, labId: string): Promise<void> {
    if ((await repo.labName(labId)) === undefined) throw notFound('Lab');
    requireLabManager(actor, labId);
  }

  return {
    async list(actor: Actor, labId: string): Promise<{ items: Recognition[]; total: number }> {
      await managedLab(actor, labId);
      const items = (await repo.listRecognitions(labId)).map(toApiRecognition);
      return { items, total: items.length };
    },

    async add(actor: Actor, labId: string, body: RecognitionBody): Promise<Recognition> {
      await managedLab(actor, labId);
      if (body.recognizedLabId === labId)
        throw badRequest('VALIDATION_ERROR', 'A lab’s own certifications count in it already');
      if ((await repo.labName(body.recognizedLabId)) === undefined) throw notFound('Lab');
      await deps.machineTypes.requireKnown(body.machineType);
      return db.transaction(async (tx) => {
        const row = await repo.insertRecognition({ labId, ...body, createdBy: actor.id, createdAt: clock.now() }, tx);
        if (!row)
          throw conflict('CONFLICT', 'This lab already recognises that lab’s certifications for this machine type');
        await audit.write(tx, {
          actorId: actor.id,
          action: 'recognition.create',
          entityType: 'lab',
          entityId: labId,
          labId,
          details: { ...body },
        });
        return toApiRecognition(row);
      });
    },

    async remove(actor: Actor, labId: string, body: RecognitionBody): Promise<void> {
      await managedLab(actor, labId);
      await db.transaction(async (tx) => {
        if (!(await repo.deleteRecognition({ labId, ...body }, tx))) throw notFound('Recognition');
        await audit.write(tx, {
          actorId: actor.id,
          action: 'recognition.delete',
          entityType: 'lab',
          entityId: labId,
          labId,
          details: { ...body },
        });
      });
    },
  };
}

export type RecognitionService = ReturnType<typeof createRecognitionService>;
