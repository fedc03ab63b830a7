// The department's monthly report: totals, utilization by lab and machine type, a 12-month trend,
// who used the labs (category, gender, purpose), materials, and the CSV/XLSX the department files.
import { commonZone, type Lab, type Locale, type MonthlyStats, type StatsFigures } from '@fablab/shared';
import { DateTime } from 'luxon';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState, FormError, Loading } from '../../../components/ui/states';
import { todayIn, useFormat } from '../../../lib/datetime';
import { useDownloadMonthlyStats } from '../api/download-stats';
import { useMonthlyStats } from '../api/get-monthly-stats';
import { useStatsTrend } from '../api/get-stats-trend';
import { ChartCard, type ChartRow, type Series } from './charts';

// Months a person may pick: three years back, two months ahead (bookings already made).
const MONTHS_BACK = 36;
const MONTHS_AHEAD = 2;
/** MM/yyyy, as the app writes months in both languages. */
const monthLabel = (m: string) => DateTime.fromFormat(m, 'yyyy-MM', { zone: 'utc' }).toFormat('MM/yyyy');

const COLORS = { used: '#0b6bcb', booked: '#7c8da3', util: '#e07b00', bookings: '#2f9e5b', noShows: '#b42318' };

interface Props {
  labs: Lab[];
  /** When set, the only labs the viewer may pick (a manager's labs); otherwise "all labs" too. */
  allowAllLabs: boolean;
  labName: (lab: Pick<Lab, 'name' | 'nameVi'>) => string;
  machineTypeName: (type: string) => string;
}

export function StatsDashboard({ labs, allowAllLabs, labName, machineTypeName }: Props) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const [labId, setLabId] = useState(allowAllLabs ? '' : (labs[0]?.id ?? ''));
  const selectedLab = labId || undefined;
  // The month in force where the figures are counted: the lab's, or the labs' common zone's.
  const zone = commonZone(
    selectedLab ? labs.filter((l) => l.id === selectedLab).map((l) => l.timezone) : labs.map((l) => l.timezone),
  );
  const thisMonth = todayIn(zone).slice(0, 7);
  const [picked, setMonth] = useState<string | null>(null);
  const month = picked ?? thisMonth;
  const months = useMemo(() => {
    const newest = DateTime.fromFormat(thisMonth, 'yyyy-MM', { zone: 'utc' }).plus({ months: MONTHS_AHEAD });
    return Array.from({ length: MONTHS_BACK + MONTHS_AHEAD + 1 }, (_, i) =>
      newest.minus({ months: i }).toFormat('yyyy-MM'),
    );
  }, [thisMonth]);
  const monthly = useMonthlyStats(month, selectedLab);
  const trendFrom = DateTime.fromFormat(month, 'yyyy-MM', { zone: 'utc' }).minus({ months: 11 }).toFormat('yyyy-MM');
  const trend = useStatsTrend(trendFrom, month, selectedLab);
  const download = useDownloadMonthlyStats();
  const [saved, setSaved] = useState<string | null>(null);

  const hours = (v: number | null) => (v === null || v === undefined ? '—' : `${format.number(v, 1)} h`);
  const pct = (v: number | null) => (v === null || v === undefined ? '—' : format.percent(v));
  const count = (v: number | null) => (v === null || v === undefined ? '—' : format.number(v, 0));

  function get(file: 'csv' | 'xlsx') {
    setSaved(null);
    download.mutate(
      { month, labId: selectedLab, format: file, lang: (i18n.language === 'en' ? 'en' : 'vi') as Locale },
      { onSuccess: (name) => setSaved(t('stats.downloaded', { name })) },
    );
  }

  const data = monthly.data;
  const view = useMemo(
    () => (data ? buildRows(data, labs, labName, machineTypeName, t) : null),
    [data, labs, labName, machineTypeName, t],
  );

  const utilSeries: Series[] = [
    { key: 'utilization', name: t('stats.fig.utilization'), color: COLORS.util, format: pct },
  ];
  const hoursSeries: Series[] = [
    { key: 'usedHours', name: t('stats.fig.usedHours'), color: COLORS.used, format: hours },
    { key: 'bookedHours', name: t('stats.fig.bookedHours'), color: COLORS.booked, format: hours },
  ];
  const peopleSeries: Series[] = [
    { key: 'usedHours', name: t('stats.fig.usedHours'), color: COLORS.used, format: hours },
    { key: 'bookings', name: t('stats.fig.bookings'), color: COLORS.bookings, format: count },
    { key: 'uniqueMakers', name: t('stats.fig.uniqueMakers'), color: COLORS.booked, format: count },
  ];

  return (
    <div className="dashboard">
      <div className="toolbar-row" role="group" aria-label={t('stats.filters')}>
        <label className="field">
          <span>{t('stats.month')}</span>
          <select value={month} onChange={(e) => setMonth(e.target.value)}>
            {(months.includes(month) ? months : [month, ...months]).map((m) => (
              <option key={m} value={m}>
                {monthLabel(m)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('stats.lab')}</span>
          <select value={labId} onChange={(e) => setLabId(e.target.value)}>
            {allowAllLabs && <option value="">{t('stats.allLabs')}</option>}
            {labs.map((l) => (
              <option key={l.id} value={l.id}>
                {labName(l)}
              </option>
            ))}
          </select>
        </label>
        <div className="button-group">
          <button type="button" className="button" onClick={() => get('csv')} disabled={download.isPending}>
            {t('stats.downloadCsv')}
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={() => get('xlsx')}
            disabled={download.isPending}
          >
            {t('stats.downloadXlsx')}
          </button>
        </div>
      </div>
      <FormError error={download.error} />
      {saved && (
        <p className="feedback-ok" role="status">
          {saved}
        </p>
      )}
      {monthly.isPending && <Loading label={t('stats.loading')} />}
      {monthly.isError && <ErrorState error={monthly.error} onRetry={() => void monthly.refetch()} />}
      {data && view && (
        <>
          <section className="section" aria-labelledby="totals-title">
            <h2 id="totals-title">{t('stats.totalsTitle', { month: monthLabel(data.month) })}</h2>
            <Kpis totals={data.totals} hours={hours} pct={pct} count={count} />
          </section>
          <div className="grid-2 section">
            <ChartCard
              title={t('stats.utilByLab')}
              rows={view.byLab}
              series={utilSeries}
              labelHeader={t('stats.lab')}
              horizontal
              axisFormat={format.percent}
            />
            <ChartCard
              title={t('stats.utilByType')}
              rows={view.byType}
              series={utilSeries}
              labelHeader={t('calendar.machineType')}
              horizontal
              axisFormat={format.percent}
            />
          </div>
          <div className="section">
            {trend.isError ? (
              <ErrorState error={trend.error} onRetry={() => void trend.refetch()} />
            ) : (
              <ChartCard
                title={t('stats.trendTitle')}
                loading={trend.isPending}
                kind="line"
                rows={(trend.data?.items ?? []).map((r) => ({
                  label: DateTime.fromFormat(r.month, 'yyyy-MM', { zone: 'utc' }).toFormat('MM/yy'),
                  usedHours: r.usedHours,
                  bookedHours: r.bookedHours,
                  bookings: r.bookings,
                }))}
                series={[
                  ...hoursSeries,
                  {
                    key: 'bookings',
                    name: t('stats.fig.bookings'),
                    color: COLORS.bookings,
                    format: count,
                    right: true,
                  },
                ]}
                labelHeader={t('stats.month')}
              />
            )}
          </div>
          <div className="grid-2 section">
            <ChartCard
              title={t('stats.byCategory')}
              rows={view.byCategory}
              series={peopleSeries}
              labelHeader={t('auth.category')}
              horizontal
            />
            <ChartCard
              title={t('stats.byGender')}
              rows={view.byGender}
              series={peopleSeries}
              labelHeader={t('stats.gender')}
              horizontal
            />
            <ChartCard
              title={t('stats.byPurpose')}
              rows={view.byPurpose}
              series={peopleSeries}
              labelHeader={t('booking.purpose')}
              horizontal
            />
            <ChartCard
              title={t('stats.hoursByLab')}
              rows={view.byLab}
              series={hoursSeries}
              labelHeader={t('stats.lab')}
              horizontal
            />
          </div>
          <MachineTable
            stats={data}
            labs={labs}
            labName={labName}
            machineTypeName={machineTypeName}
            hours={hours}
            pct={pct}
            count={count}
          />
          <section className="section" aria-labelledby="materials-title">
            <h2 id="materials-title">{t('stats.materials')}</h2>
            {data.materials.length === 0 ? (
              <p className="muted">{t('stats.noMaterials')}</p>
            ) : (
              <div className="table-wrap" role="region" aria-labelledby="materials-title" tabIndex={0}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('usage.material')}</th>
                      <th scope="col" className="num">
                        {t('usage.quantity')}
                      </th>
                      <th scope="col">{t('usage.unit')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.materials.map((m) => (
                      <tr key={`${m.material}|${m.unit}`}>
                        <th scope="row">{m.material}</th>
                        <td className="num">{format.number(m.quantity, 2)}</td>
                        <td>{m.unit}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </div>
  );
}

type Fmt = (v: number | null) => string;

function Kpis({ totals, hours, pct, count }: { totals: StatsFigures; hours: Fmt; pct: Fmt; count: Fmt }) {
  const { t } = useTranslation();
  const items: Array<[string, string]> = [
    [t('stats.fig.bookings'), count(totals.bookings)],
    [t('stats.fig.approved'), count(totals.approved)],
    [t('stats.fig.rejected'), count(totals.rejected)],
    [t('stats.fig.cancelled'), count(totals.cancelled)],
    [t('stats.fig.expired'), count(totals.expired)],
    [t('stats.fig.noShows'), `${count(totals.noShows)} (${pct(totals.noShowRate)})`],
    [t('stats.fig.bookedHours'), hours(totals.bookedHours)],
    [t('stats.fig.usedHours'), hours(totals.usedHours)],
    [t('stats.fig.openHours'), hours(totals.openHours)],
    [t('stats.fig.utilization'), pct(totals.utilization)],
    [t('stats.fig.uniqueMakers'), count(totals.uniqueMakers)],
    [t('stats.fig.newMembers'), count(totals.newMembers)],
    [
      t('stats.fig.classSessions'),
      `${count(totals.classSessions)} · ${t('stats.participantsN', { n: count(totals.participants) })}`,
    ],
    [
      t('stats.fig.medianApprovalMinutes'),
      totals.medianApprovalMinutes === null ? '—' : t('stats.minutes', { n: count(totals.medianApprovalMinutes) }),
    ],
  ];
  return (
    <dl className="kpis">
      {items.map(([label, value]) => (
        <div key={label} className="kpi">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function MachineTable({
  stats,
  labs,
  labName,
  machineTypeName,
  hours,
  pct,
  count,
}: {
  stats: MonthlyStats;
  labs: Lab[];
  labName: Props['labName'];
  machineTypeName: Props['machineTypeName'];
  hours: Fmt;
  pct: Fmt;
  count: Fmt;
}) {
  const { t } = useTranslation();
  const labById = new Map(labs.map((l) => [l.id, l]));
  const rows = [...stats.byMachine].sort((a, b) => (b.utilization ?? 0) - (a.utilization ?? 0));
  return (
    <section className="section" aria-labelledby="machines-stats-title">
      <h2 id="machines-stats-title">{t('stats.byMachine')}</h2>
      <div className="table-wrap" role="region" aria-labelledby="machines-stats-title" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('machineForm.name')}</th>
              <th scope="col">{t('stats.lab')}</th>
              <th scope="col">{t('calendar.machineType')}</th>
              <th scope="col" className="num">
                {t('stats.fig.bookings')}
              </th>
              <th scope="col" className="num">
                {t('stats.fig.noShows')}
              </th>
              <th scope="col" className="num">
                {t('stats.fig.bookedHours')}
              </th>
              <th scope="col" className="num">
                {t('stats.fig.usedHours')}
              </th>
              <th scope="col" className="num">
                {t('stats.fig.openHours')}
              </th>
              <th scope="col" className="num">
                {t('stats.fig.utilization')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((m) => {
              const lab = labById.get(m.labId);
              return (
                <tr key={m.machineId}>
                  <th scope="row">{m.name}</th>
                  <td>{lab ? labName(lab) : ''}</td>
                  <td>{machineTypeName(m.type)}</td>
                  <td className="num">{count(m.bookings)}</td>
                  <td className="num">{count(m.noShows)}</td>
                  <td className="num">{hours(m.bookedHours)}</td>
                  <td className="num">{hours(m.usedHours)}</td>
                  <td className="num">{hours(m.openHours)}</td>
                  <td className="num">{pct(m.utilization)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function buildRows(
  data: MonthlyStats,
  labs: Lab[],
  labName: Props['labName'],
  machineTypeName: Props['machineTypeName'],
  t: (key: string) => string,
) {
  const pick = (r: StatsFigures) => ({
    utilization: r.utilization,
    usedHours: r.usedHours,
    bookedHours: r.bookedHours,
    bookings: r.bookings,
    uniqueMakers: r.uniqueMakers,
  });
  const row = (label: string, r: StatsFigures): ChartRow => ({ label, ...pick(r) });
  const labById = new Map(labs.map((l) => [l.id, l]));
  return {
    byLab: data.byLab.map((r) => row(labName(labById.get(r.labId) ?? r), r)),
    byType: [...data.byMachineType]
      .sort((a, b) => (b.utilization ?? 0) - (a.utilization ?? 0))
      .map((r) => row(machineTypeName(r.type), r)),
    byCategory: data.byCategory.map((r) => row(r.category ? t(`categories.${r.category}`) : t('stats.deleted'), r)),
    byGender: data.byGender.map((r) => row(r.gender ? t(`genders.${r.gender}`) : t('stats.unknown'), r)),
    byPurpose: data.byPurpose.map((r) => row(r.purpose ? t(`purposes.${r.purpose}`) : t('stats.noPurpose'), r)),
  };
}
