// Cards as a list, each with its removal (a manager's at the desk, or the member's lost card).
import type { Card } from '@fablab/shared';
import { FormError } from '../../../components/ui/states';
import { useDeleteCard } from '../api/delete-card';

export function CardList({
  cards,
  label,
  removeLabel,
  confirmRemove,
  detail,
}: {
  cards: Card[];
  label: string;
  removeLabel: string;
  confirmRemove: (card: Card) => string;
  detail?: (card: Card) => string;
}) {
  const remove = useDeleteCard();
  return (
    <>
      <FormError error={remove.error} />
      <ul className="list" aria-label={label}>
        {cards.map((c) => (
          <li key={c.id} className="list-item">
            <div className="list-item-main">
              <p>
                <code>{c.uid}</code>
              </p>
              {detail && <p className="muted small">{detail(c)}</p>}
            </div>
            <div className="list-item-actions">
              <button
                type="button"
                className="button button-small"
                aria-label={`${removeLabel} · ${c.uid}`}
                disabled={remove.isPending}
                onClick={() => {
                  if (window.confirm(confirmRemove(c))) remove.mutate(c.id);
                }}
              >
                {removeLabel}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
