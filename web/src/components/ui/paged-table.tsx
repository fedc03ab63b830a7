// One page of a list the server pages (audit log, accounts): loading, failure and emptiness are
// said the same way, and the pager sits under the table.
import type { ReactNode } from 'react';
import { Pager, type PageControl, type PagerLabels } from './pager';
import { Empty, ErrorState, Loading } from './states';

/** What the table reads of the list's query (react-query's result fits). */
interface PageQuery<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: { items: T[]; total: number } | undefined;
  refetch: () => unknown;
}

export function PagedTable<T>({
  query,
  page,
  labels,
  empty,
  caption,
  head,
  row,
}: {
  query: PageQuery<T>;
  page: PageControl;
  labels: PagerLabels;
  /** Said when the list has no rows at all. */
  empty: string;
  /** Read out by screen readers only. */
  caption?: string;
  /** The header row(s), inside <thead>. */
  head: ReactNode;
  /** One <tr> an item, with its key. */
  row: (item: T) => ReactNode;
}) {
  return (
    <>
      {query.isPending && <Loading />}
      {query.isError && <ErrorState error={query.error} onRetry={() => void query.refetch()} />}
      {query.data && query.data.items.length === 0 && <Empty>{empty}</Empty>}
      {query.data && query.data.items.length > 0 && (
        <>
          <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
            <table>
              {caption && <caption className="visually-hidden">{caption}</caption>}
              <thead>{head}</thead>
              <tbody>{query.data.items.map((item) => row(item))}</tbody>
            </table>
          </div>
          <Pager page={page} total={query.data.total} labels={labels} />
        </>
      )}
    </>
  );
}
