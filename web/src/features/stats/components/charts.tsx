// Bar and line charts (recharts) that always come with the same figures as a table, for screen
// readers and for people who want the numbers.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Loading } from '../../../components/ui/states';
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface Series {
  key: string;
  name: string;
  color: string;
  format: (value: number | null) => string;
  /** Draw on the right axis (line charts with two scales). */
  right?: boolean;
}

export type ChartRow = { label: string } & Record<string, number | string | null>;

/** The legend as plain text: the library's own names each swatch "… legend icon", in English. */
function ChartLegend({ series }: { series: Series[] }) {
  return (
    <ul className="chart-legend">
      {series.map((s) => (
        <li key={s.key}>
          <span className="chart-legend-swatch" style={{ background: s.color }} />
          {s.name}
        </li>
      ))}
    </ul>
  );
}

function DataTable({
  rows,
  series,
  labelHeader,
  title,
}: {
  rows: ChartRow[];
  series: Series[];
  labelHeader: string;
  title: string;
}) {
  return (
    // A table wider than a phone scrolls: keyboard users reach it too.
    <div className="table-wrap" role="region" aria-label={title} tabIndex={0}>
      <table>
        <thead>
          <tr>
            <th scope="col">{labelHeader}</th>
            {series.map((s) => (
              <th key={s.key} scope="col" className="num">
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              {series.map((s) => (
                <td key={s.key} className="num">
                  {s.format(row[s.key] as number | null)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface ChartProps {
  title: string;
  rows: ChartRow[];
  series: Series[];
  labelHeader: string;
  kind?: 'bar' | 'line';
  horizontal?: boolean;
  /** Labels of the value axis, e.g. percentages. */
  axisFormat?: (value: number) => string;
  /** The figures are on their way: not "no data" yet. */
  loading?: boolean;
}

export function ChartCard({
  title,
  rows,
  series,
  labelHeader,
  kind = 'bar',
  horizontal = false,
  axisFormat,
  loading = false,
}: ChartProps) {
  const { t } = useTranslation();
  const id = useId();
  const data = rows.map((row) => {
    const copy: Record<string, number | string | null> = { ...row };
    for (const s of series) if (copy[s.key] === null) copy[s.key] = 0;
    return copy;
  });
  const tooltipFormatter = (value: unknown, name: unknown) => {
    const s = series.find((x) => x.name === name);
    return s ? s.format(typeof value === 'number' ? value : Number(value)) : String(value);
  };
  const hasRight = series.some((s) => s.right);
  const height = horizontal ? Math.max(220, rows.length * 34 + 60) : 280;
  return (
    <figure className="chart-card" aria-labelledby={id}>
      <figcaption id={id}>
        <h3>{title}</h3>
      </figcaption>
      {loading ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p className="muted">{t('stats.noData')}</p>
      ) : (
        <div className="chart-box" style={{ height }} aria-hidden="true">
          <ResponsiveContainer width="100%" height="100%">
            {kind === 'line' ? (
              <LineChart accessibilityLayer={false} data={data} margin={{ top: 8, right: 12, left: 0, bottom: 8 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" tick={{ fontSize: 12 }} />
                <YAxis yAxisId="left" tick={{ fontSize: 12 }} />
                {hasRight && <YAxis yAxisId="right" orientation="right" tick={{ fontSize: 12 }} />}
                <Tooltip formatter={tooltipFormatter} />
                {series.map((s) => (
                  <Line
                    key={s.key}
                    yAxisId={s.right ? 'right' : 'left'}
                    type="monotone"
                    dataKey={s.key}
                    name={s.name}
                    stroke={s.color}
                    strokeWidth={2}
                    dot={false}
                    isAnimationActive={false}
                  />
                ))}
              </LineChart>
            ) : (
              <BarChart
                accessibilityLayer={false}
                data={data}
                layout={horizontal ? 'vertical' : 'horizontal'}
                margin={{ top: 8, right: 12, left: horizontal ? 8 : 0, bottom: 8 }}
              >
                <CartesianGrid strokeDasharray="3 3" />
                {horizontal ? (
                  <>
                    <XAxis type="number" tick={{ fontSize: 12 }} tickFormatter={axisFormat} />
                    <YAxis type="category" dataKey="label" width={150} tick={{ fontSize: 12 }} />
                  </>
                ) : (
                  <>
                    <XAxis dataKey="label" tick={{ fontSize: 12 }} interval={0} />
                    <YAxis tick={{ fontSize: 12 }} tickFormatter={axisFormat} />
                  </>
                )}
                <Tooltip formatter={tooltipFormatter} />
                {series.map((s) => (
                  <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.color} isAnimationActive={false} />
                ))}
              </BarChart>
            )}
          </ResponsiveContainer>
        </div>
      )}
      {!loading && rows.length > 0 && (kind === 'line' || series.length > 1) && <ChartLegend series={series} />}
      {!loading && rows.length > 0 && (
        <details>
          <summary>{t('stats.asTable')}</summary>
          <DataTable rows={rows} series={series} labelHeader={labelHeader} title={title} />
        </details>
      )}
    </figure>
  );
}
