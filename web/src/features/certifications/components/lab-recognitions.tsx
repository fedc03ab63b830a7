// A lab's managers choose which other labs' certifications count here, per machine type: a member
// trained on laser cutters at another lab then books this lab's laser cutters without training again.
import type { Lab } from '@fablab/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Empty, ErrorState, FormError, Loading } from '../../../components/ui/states';
import { useAddRecognition } from '../api/add-recognition';
import { useRecognitions } from '../api/get-recognitions';
import { useRemoveRecognition } from '../api/remove-recognition';

interface Props {
  labId: string;
  /** Every lab; the card offers the others. */
  labs: Lab[];
  machineTypes: string[];
  machineTypeName: (type: string) => string;
  labName: (lab: Lab) => string;
}

export function LabRecognitions({ labId, labs, machineTypes, machineTypeName, labName }: Props) {
  const { t } = useTranslation();
  const list = useRecognitions(labId);
  const add = useAddRecognition(labId);
  const remove = useRemoveRecognition(labId);
  const others = labs.filter((l) => l.id !== labId);
  const [recognizedLabId, setRecognizedLabId] = useState(others[0]?.id ?? '');
  const [machineType, setMachineType] = useState(machineTypes[0] ?? '');
  const nameOf = (id: string) => {
    const lab = labs.find((l) => l.id === id);
    return lab ? labName(lab) : id;
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!recognizedLabId || !machineType) return;
    add.mutate({ recognizedLabId, machineType });
  }

  return (
    <section className="card section" aria-labelledby="recognitions-title">
      <h2 id="recognitions-title">{t('recognitions.title')}</h2>
      <p className="muted small">{t('recognitions.intro')}</p>
      {list.isPending && <Loading />}
      {list.isError && <ErrorState error={list.error} onRetry={() => void list.refetch()} />}
      {list.data && list.data.length === 0 && <Empty>{t('recognitions.none')}</Empty>}
      {list.data && list.data.length > 0 && (
        <ul className="list" aria-label={t('recognitions.title')}>
          {list.data.map((r) => (
            <li key={`${r.recognizedLabId}|${r.machineType}`} className="list-item">
              <div className="list-item-main">
                <p>
                  <strong>{machineTypeName(r.machineType)}</strong> · {nameOf(r.recognizedLabId)}
                </p>
              </div>
              <div className="list-item-actions">
                <button
                  type="button"
                  className="button button-small"
                  disabled={remove.isPending}
                  aria-label={t('recognitions.removeNamed', {
                    type: machineTypeName(r.machineType),
                    lab: nameOf(r.recognizedLabId),
                  })}
                  onClick={() => remove.mutate({ recognizedLabId: r.recognizedLabId, machineType: r.machineType })}
                >
                  {t('recognitions.remove')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <FormError error={remove.error} />
      {others.length > 0 && machineTypes.length > 0 && (
        <form className="form section" onSubmit={submit}>
          <div className="form-row">
            <label className="field">
              <span>{t('recognitions.lab')}</span>
              <select value={recognizedLabId} onChange={(e) => setRecognizedLabId(e.target.value)}>
                {others.map((l) => (
                  <option key={l.id} value={l.id}>
                    {labName(l)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t('recognitions.machineType')}</span>
              <select value={machineType} onChange={(e) => setMachineType(e.target.value)}>
                {machineTypes.map((ty) => (
                  <option key={ty} value={ty}>
                    {machineTypeName(ty)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <FormError error={add.error} />
          <div>
            <button type="submit" className="button button-primary" disabled={add.isPending}>
              {t('recognitions.add')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
