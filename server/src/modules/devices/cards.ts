// Members' cards: assigned by a lab's manager or an administrator, removed by them or by the
// member (a lost card).
import { normalizeUid, type Card, type CardBody } from '@fablab/shared';
import { conflict, forbidden, notFound } from '../../lib/errors.js';
import { can, type Actor } from '../../plugins/policy.js';
import { uniqueRefusal, type DevicesCore } from './devices-core.js';
import { toApiCard } from './device-view.js';

export function createCards(core: DevicesCore) {
  const { db, audit, repo } = core;

  return {
    async addCard(actor: Actor, userId: string, body: CardBody): Promise<Card> {
      if (actor.role !== 'manager' && actor.role !== 'admin')
        throw forbidden('Only managers and administrators assign cards');
      const user = await repo.findUser(userId);
      if (!user || user.deletedAt) throw notFound('User');
      const uid = normalizeUid(body.uid);
      const row = await db
        .transaction(async (tx) => {
          const created = await repo.insertCard({ userId, uid, createdBy: actor.id }, tx);
          await audit.write(tx, {
            actorId: actor.id,
            action: 'card.assign',
            entityType: 'account',
            entityId: userId,
            details: { cardId: created.id },
          });
          return created;
        })
        .catch((err: unknown) =>
          uniqueRefusal(err, {}, conflict('CARD_TAKEN', 'This card belongs to an account already')),
        );
      return toApiCard(row);
    },

    async cardsOf(actor: Actor, userId: string): Promise<Card[]> {
      if (!can(actor, 'card.read', { userId }))
        throw forbidden('Only managers and administrators see others’ cards');
      const rows = await repo.cardsOfUser(userId);
      return rows.map(toApiCard);
    },

    /** Managers and administrators, and the member themselves (a lost card). */
    async removeCard(actor: Actor, id: string): Promise<void> {
      const row = await repo.findCard(id);
      const mayRemove = row && (row.userId === actor.id || actor.role === 'manager' || actor.role === 'admin');
      if (!row || !mayRemove) throw notFound('Card');
      await db.transaction(async (tx) => {
        await repo.deleteCard(id, tx);
        await audit.write(tx, {
          actorId: actor.id,
          action: 'card.remove',
          entityType: 'account',
          entityId: row.userId,
          details: { cardId: id },
        });
      });
    },
  };
}
