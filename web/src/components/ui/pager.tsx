/** Where one is in a list the server pages by limit and offset. */
export interface PageControl {
  offset: number;
  size: number;
  onChange: (offset: number) => void;
}

export interface PagerLabels {
  previous: string;
  next: string;
  range: (range: { from: number; to: number; total: number }) => string;
}

/** Previous and next through the pages, and which rows of how many are shown. */
export function Pager({ page, total, labels }: { page: PageControl; total: number; labels: PagerLabels }) {
  const { offset, size, onChange } = page;
  return (
    <div className="toolbar-row section">
      <button
        type="button"
        className="button"
        disabled={offset === 0}
        onClick={() => onChange(Math.max(0, offset - size))}
      >
        {labels.previous}
      </button>
      <span className="muted small">
        {labels.range({ from: offset + 1, to: Math.min(offset + size, total), total })}
      </span>
      <button
        type="button"
        className="button"
        disabled={offset + size >= total}
        onClick={() => onChange(offset + size)}
      >
        {labels.next}
      </button>
    </div>
  );
}
