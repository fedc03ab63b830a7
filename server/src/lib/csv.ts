// The one way the server writes CSV. Spreadsheet programs read a cell that starts with =, +, -, @,
// a tab or a carriage return as a formula, and a formula can fetch URLs or run commands (OWASP
// "CSV injection"); such text cells get a leading apostrophe, which the programs show as text.
import { stringify } from 'csv-stringify/sync';

const FORMULA_START = /^[=+\-@\t\r]/;

/** Text as a spreadsheet shows it, never as a formula. Numbers are not text and stay numbers. */
export function neutraliseCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** UTF-8 with a BOM (so that Excel reads Vietnamese right) and CRLF line ends. */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): Buffer {
  const text = stringify(rows as unknown[][], { record_delimiter: '\r\n', cast: { string: neutraliseCell } });
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}
