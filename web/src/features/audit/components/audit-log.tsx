import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PagedTable } from '../../../components/ui/paged-table';
import { useFormat } from '../../../lib/datetime';
import { useAuditLog } from '../api/get-audit-log';

const PAGE = 50;
const DEFAULT_ZONE = 'Asia/Ho_Chi_Minh';

export interface AuditLab {
  id: string;
  name: string;
  timezone: string;
}

/** Who did what, and when: newest first, 50 to a page, optionally for one lab. */
export function AuditLog({
  labs,
  allowAllLabs,
  initialLabId = '',
}: {
  labs: AuditLab[];
  allowAllLabs: boolean;
  initialLabId?: string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const [labId, setLabId] = useState(initialLabId || (allowAllLabs ? '' : (labs[0]?.id ?? '')));
  const [offset, setOffset] = useState(0);
  const audit = useAuditLog({ labId: labId || undefined, limit: PAGE, offset });
  const labById = new Map(labs.map((l) => [l.id, l]));
  const actionName = (action: string) => t(`audit.actions.${action}`, { defaultValue: action });

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <div className="toolbar-row" role="group" aria-label={t('audit.filters')}>
        <label className="field">
          <span>{t('audit.lab')}</span>
          <select
            value={labId}
            onChange={(e) => {
              setLabId(e.target.value);
              setOffset(0);
            }}
          >
            {allowAllLabs && <option value="">{t('audit.allLabs')}</option>}
            {labs.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <PagedTable
        query={audit}
        page={{ offset, size: PAGE, onChange: setOffset }}
        labels={{ previous: t('audit.previous'), next: t('audit.next'), range: (r) => t('audit.range', r) }}
        empty={t('audit.none')}
        caption={t('audit.title')}
        head={
          <tr>
            <th scope="col">{t('audit.when')}</th>
            <th scope="col">{t('audit.who')}</th>
            <th scope="col">{t('audit.action')}</th>
            <th scope="col">{t('audit.lab')}</th>
          </tr>
        }
        row={(entry) => {
          const lab = entry.labId ? labById.get(entry.labId) : undefined;
          return (
            <tr key={entry.id}>
              <td>{format.dateTime(entry.createdAt, lab?.timezone ?? DEFAULT_ZONE)}</td>
              <td>{entry.actorName ?? (entry.actorId ? t('audit.unknownActor') : t('audit.system'))}</td>
              <td>{actionName(entry.action)}</td>
              <td>{lab?.name ?? t('common.none')}</td>
            </tr>
          );
        }}
      />
    </section>
  );
}
