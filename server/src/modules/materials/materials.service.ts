// A lab's materials catalogue, built once as app.materials. Its managers add and rename entries
// (here, or by naming a new material when they record use); usage sessions record quantities of
// entries, so that the statistics add up one material under one name.
import {
  isCatalogueUse,
  type Material,
  type MaterialBody,
  type MaterialPatchBody,
  type MaterialUse,
  type RecordedMaterial,
} from '@fablab/shared';
import type { FastifyInstance } from 'fastify';
import type { Tx } from '../../db/client.js';
import { conflict, DomainError, sqlState, unprocessable } from '../../lib/errors.js';
import type { Core } from '../../plugins/core.js';
import { can, requireCan, type Actor } from '../../plugins/policy.js';
import { createMaterialRepository, type MaterialRow } from './materials.repository.js';

export interface MaterialServiceDeps extends Core {
  labs: FastifyInstance['labs'];
}

/** A material as a session records it: an entry of the catalogue, by its name now. */
export type ResolvedMaterial = RecordedMaterial & { materialId: string };

export function toApiMaterial(row: MaterialRow): Material {
  const material: Material = { id: row.id, labId: row.labId, name: row.name, unit: row.unit };
  if (row.priceVnd !== null) material.priceVnd = row.priceVnd;
  return material;
}

/** Text as one spelling: the body is trimmed already; accents typed precomposed or combining become one. */
const text = (value: string) => value.trim().normalize('NFC');

const materialNotFound = () => new DomainError(404, 'MATERIAL_NOT_FOUND', 'Material not found in this lab’s catalogue');
const exists = (name: string, unit: string) =>
  conflict('MATERIAL_EXISTS', `The lab’s catalogue has “${name}” in ${unit} already`);

export function createMaterialService(deps: MaterialServiceDeps) {
  const { db, audit } = deps;
  const repo = createMaterialRepository(db);

  function requireManager(actor: Actor, labId: string) {
    requireCan(actor, 'material.manage', { labId }, 'Only this lab’s managers may change its materials catalogue');
  }

  return {
    async list(labId: string): Promise<Material[]> {
      await deps.labs.find(labId);
      return (await repo.listOfLab(labId)).map(toApiMaterial);
    },

    async create(actor: Actor, labId: string, body: MaterialBody): Promise<Material> {
      await deps.labs.find(labId);
      requireManager(actor, labId);
      const values = { labId, name: text(body.name), unit: text(body.unit), priceVnd: body.priceVnd ?? null };
      return db.transaction(async (tx) => {
        const row = await repo.insert(values, tx);
        if (!row) throw exists(values.name, values.unit);
        await audit.write(tx, {
          actorId: actor.id,
          action: 'material.create',
          entityType: 'material',
          entityId: row.id,
          labId,
          details: { name: row.name, unit: row.unit, priceVnd: row.priceVnd },
        });
        return toApiMaterial(row);
      });
    },

    async update(actor: Actor, labId: string, materialId: string, body: MaterialPatchBody): Promise<Material> {
      await deps.labs.find(labId);
      requireManager(actor, labId);
      const values = {
        ...(body.name !== undefined ? { name: text(body.name) } : {}),
        ...(body.unit !== undefined ? { unit: text(body.unit) } : {}),
        ...(body.priceVnd !== undefined ? { priceVnd: body.priceVnd } : {}),
      };
      return db.transaction(async (tx) => {
        let row: MaterialRow | undefined;
        try {
          row = await repo.update(labId, materialId, values, tx);
        } catch (err) {
          if (sqlState(err) === '23505') throw exists(values.name ?? '', values.unit ?? '');
          throw err;
        }
        if (!row) throw materialNotFound();
        await audit.write(tx, {
          actorId: actor.id,
          action: 'material.update',
          entityType: 'material',
          entityId: row.id,
          labId,
          details: { ...values },
        });
        return toApiMaterial(row);
      });
    },

    /**
     * The catalogue entries of the materials a session records in lab `labId`, in the caller's
     * transaction. An id must be an entry of that lab (404 MATERIAL_NOT_FOUND). Free text is the
     * lab's entry of that name and unit whatever the case; one the catalogue lacks is added when
     * the caller manages the lab, and refused otherwise (422 UNKNOWN_MATERIAL): a member checking
     * out picks from the catalogue, so one typo of theirs cannot become a row of the statistics.
     */
    async resolveUses(
      tx: Tx,
      actor: Actor,
      labId: string,
      uses: MaterialUse[] | undefined,
    ): Promise<ResolvedMaterial[]> {
      if (!uses || uses.length === 0) return [];
      const byId = new Map(
        (
          await repo.manyInLab(
            labId,
            uses.filter(isCatalogueUse).map((u) => u.materialId),
            tx,
          )
        ).map((r) => [r.id, r]),
      );
      const resolved: ResolvedMaterial[] = [];
      for (const use of uses) {
        let row: MaterialRow | undefined;
        if (isCatalogueUse(use)) {
          row = byId.get(use.materialId);
          if (!row) throw materialNotFound();
        } else {
          const name = text(use.material);
          const unit = text(use.unit);
          row = await repo.findByName(labId, name, unit, tx);
          if (!row) {
            if (!can(actor, 'material.manage', { labId })) {
              throw unprocessable(
                'UNKNOWN_MATERIAL',
                `“${name}” (${unit}) is not in the lab’s materials catalogue: pick one of its entries, or ask a manager to add it`,
              );
            }
            // Another manager adding the same material at this moment: theirs is the entry.
            row = (await repo.insert({ labId, name, unit }, tx)) ?? (await repo.findByName(labId, name, unit, tx));
            if (!row) throw exists(name, unit);
            await audit.write(tx, {
              actorId: actor.id,
              action: 'material.create',
              entityType: 'material',
              entityId: row.id,
              labId,
              details: { name: row.name, unit: row.unit, priceVnd: null, recordedWithUse: true },
            });
            byId.set(row.id, row);
          }
        }
        resolved.push({ materialId: row.id, material: row.name, unit: row.unit, quantity: use.quantity });
      }
      return resolved;
    },
  };
}

export type MaterialService = ReturnType<typeof createMaterialService>;
