// CSV as the engine reads schema-mapping files (Python's csv module, excel dialect, strict): comma
// separated, `"` quotes with `""` for a quote inside, CRLF, LF or CR line ends. Internal module.

/** One record: the line it starts on (1-based) and its cells. */
export interface CsvRecord {
  readonly line: number;
  readonly cells: string[];
}

/** A quoting error, with the 1-based line and column where it is. */
export class CsvSyntaxError extends Error {
  constructor(public readonly line: number, public readonly column: number, what: string) {
    super(what);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * The records of CSV `text` (a leading byte-order mark is dropped; blank lines give no record).
 * Throws {@link CsvSyntaxError} for text after a closing quote or a quote that is never closed,
 * where Python's reader would fail the job.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const source = text.startsWith('\ufeff') ? text.slice(1) : text;
  let line = 1;
  let column = 0;
  let cells: string[] = [];
  let cell = '';
  let recordLine = 1;
  let quoted = false; // inside a quoted value
  let closed = false; // just after the closing quote of a value
  let fieldStart = true;
  let openedAt = { line: 1, column: 1 };
  const endRecord = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '' && fieldStart && !closed)) records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
    fieldStart = true;
    closed = false;
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    column++;
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') {
        cell += '"';
        i++;
        column++;
      } else if (ch === '"') {
        quoted = false;
        closed = true;
      } else {
        cell += ch;
        if (ch === '\n' || (ch === '\r' && source[i + 1] !== '\n')) {
          line++;
          column = 0;
        }
      }
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && source[i + 1] === '\n') i++;
      endRecord();
      line++;
      column = 0;
      recordLine = line;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
      fieldStart = true;
      closed = false;
    } else if (closed) {
      throw new CsvSyntaxError(line, column, `unexpected ${JSON.stringify(ch)} after a closing quote`);
    } else if (ch === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
      openedAt = { line, column };
    } else {
      cell += ch;
      fieldStart = false;
    }
  }
  if (quoted) throw new CsvSyntaxError(openedAt.line, openedAt.column, 'quoted value is never closed');
  if (cell !== '' || cells.length > 0 || closed) endRecord();
  return records;
}
