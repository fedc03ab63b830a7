// Machine types are data: administrators add them (a new lab's 3D scanner) and rename them. Their
// slug is what machines, certifications, recognitions and statistics key on, so it never changes.
import type { MachineType, MachineTypeBody, MachineTypePatchBody } from '@fablab/shared';
import type { DbOrTx } from '../../db/client.js';
import { badRequest, conflict, notFound } from '../../lib/errors.js';
import type { Core } from '../../plugins/core.js';
import type { Actor } from '../../plugins/policy.js';
import { createMachineTypeRepository, type MachineTypeRow } from './machine-types.repository.js';

export function toApiMachineType(row: MachineTypeRow): MachineType {
  return { slug: row.slug, name: row.name, nameVi: row.nameVi };
}

export function createMachineTypeService(deps: Core) {
  const { db, audit } = deps;
  const repo = createMachineTypeRepository(db);

  return {
    async list(): Promise<MachineType[]> {
      return (await repo.list()).map(toApiMachineType);
    },

    /** Each type's names by slug (for the statistics exports). */
    async names(): Promise<Map<string, { name: string; nameVi: string }>> {
      return new Map((await repo.list()).map((r) => [r.slug, { name: r.name, nameVi: r.nameVi }]));
    },

    /** 400 UNKNOWN_MACHINE_TYPE unless the table has the type. */
    async requireKnown(slug: string, tx: DbOrTx = db): Promise<void> {
      if (!(await repo.find(slug, tx))) {
        throw badRequest('UNKNOWN_MACHINE_TYPE', `Unknown machine type "${slug}": an administrator adds it first`);
      }
    },

    /** Who may call it is the route's guard (policy 'machine_type.manage'). */
    async create(actor: Actor, body: MachineTypeBody): Promise<MachineType> {
      return db.transaction(async (tx) => {
        const row = await repo.insert(body, tx);
        if (!row) throw conflict('SLUG_TAKEN', `The machine type "${body.slug}" exists already`);
        await audit.write(tx, {
          actorId: actor.id,
          action: 'machine_type.create',
          entityType: 'machine_type',
          details: { ...body },
        });
        return toApiMachineType(row);
      });
    },

    async update(actor: Actor, slug: string, body: MachineTypePatchBody): Promise<MachineType> {
      return db.transaction(async (tx) => {
        const row = await repo.update(slug, body, tx);
        if (!row) throw notFound('Machine type');
        await audit.write(tx, {
          actorId: actor.id,
          action: 'machine_type.update',
          entityType: 'machine_type',
          details: { slug, ...body },
        });
        return toApiMachineType(row);
      });
    },
  };
}

export type MachineTypeService = ReturnType<typeof createMachineTypeService>;
