/** HTML building blocks of report.html: escaping, explicit "no value" marks, number formats, tables. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML content and attribute values (file names, rules, messages are user data). */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Markup already escaped: what the helpers below return and table cells accept. */
export type Html = { readonly html: string };

/** Wrap markup that is already escaped. */
export function raw(html: string): Html {
  return { html };
}

/** A value that is not there, shown as a dash whose tooltip says why (never "null" or blank). */
export function missing(why: string): Html {
  return raw(`<span class="missing" title="${esc(why)}">—</span>`);
}

/** Code-like text (rules, SQL, engine messages): monospace, wrapping, escaped. */
export function code(text: string): Html {
  return raw(`<code>${esc(text)}</code>`);
}

/** A count with thousands separators, or a dash that says why there is none. */
export function count(value: number | null | undefined, why: string): Html {
  return typeof value === 'number' && Number.isFinite(value) ? raw(esc(value.toLocaleString('en-US'))) : missing(why);
}

/** Seconds with a unit: two decimals under ten seconds, one above. */
export function seconds(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 1)} s`;
}

/** A decimal text (e.g. a column sum) with separators and at most four decimals; other text as is. */
export function decimalText(text: string): string {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) return text;
  return n.toLocaleString('en-US', { maximumFractionDigits: 4 });
}

/** `n thing` or `n things`. */
export function plural(n: number, thing: string): string {
  return `${n.toLocaleString('en-US')} ${thing}${n === 1 ? '' : 's'}`;
}

/** A table cell: plain text (escaped here) or markup from the helpers above. */
export type Cell = string | number | Html;

function cellHtml(cell: Cell): string {
  if (typeof cell === 'object') return cell.html;
  if (typeof cell === 'number') return esc(cell.toLocaleString('en-US'));
  return cell.trim() === '' ? missing('empty').html : esc(cell);
}

/** Options of {@link table}. */
export interface TableOptions {
  /** Extra class names of the table (e.g. `numeric-2` right-aligns the second column). */
  readonly className?: string;
  /** A class per row, e.g. to mark failed rules. */
  readonly rowClass?: (index: number) => string;
  /** Indexes of the columns that hold numbers (right-aligned, tabular figures). */
  readonly numeric?: number[];
}

/** A table that scrolls sideways when it is wider than the page (the CSS makes tables scroll boxes). */
export function table(columns: string[], rows: Cell[][], options: TableOptions = {}): string {
  const head = `<thead><tr>${columns.map((c, j) => `<th${options.numeric?.includes(j) ? ' class="num"' : ''}>${esc(c)}</th>`).join('')}</tr></thead>`;
  const body = rows
    .map((row, i) => {
      const cls = options.rowClass?.(i);
      const cells = row.map((c, j) => `<td${options.numeric?.includes(j) ? ' class="num"' : ''}>${cellHtml(c)}</td>`);
      return `<tr${cls ? ` class="${esc(cls)}"` : ''}>${cells.join('')}</tr>`;
    })
    .join('');
  const cls = options.className ? ` class="${esc(options.className)}"` : '';
  return `<table${cls}>${head}<tbody>${body}</tbody></table>`;
}
