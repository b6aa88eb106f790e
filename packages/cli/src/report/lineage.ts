import { Cell, code, decimalText, esc, Html, missing, plural, raw, table } from './html';
import { LineageRecord } from '../summary';

/**
 * The lineage table's records (reference §17) as readable rows: which columns an operation touched,
 * the row and column counts where the record has them, and what else it says. Runs of records of
 * one kind (a mapping row per column, a `changetype` per column) become one row.
 */

interface LineageRow {
  readonly seq: string;
  readonly operation: string;
  readonly columns: Cell;
  readonly counts: Cell;
  readonly info: Cell;
}

type Info = Record<string, any>;

const NO_COUNTS = 'only read and numericaudit records carry row and column counts';

/** Operations recorded once per mapping row or per named column: consecutive ones are shown together. */
const GROUPED = new Set(['mapping', 'dropped', 'dataqualityquarantine']);

function parse(text: string): Info | undefined {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function datasetCounts(info: Info): Cell {
  const c = info.dataset_counts;
  if (!c || typeof c.row !== 'number') return missing(NO_COUNTS);
  return `${plural(c.row, 'row')} × ${plural(c.column, 'column')}`;
}

function list(names: string[], why: string): Cell {
  return names.length ? names.join(', ') : missing(why);
}

/** `[('a', 'string'), ('b', 'int')]` (Python's str of df.dtypes) → [['a', 'string'], ['b', 'int']]. */
function schemaColumns(schema: unknown): [string, string][] {
  if (typeof schema !== 'string') return [];
  return [...schema.matchAll(/\('((?:[^'\\]|\\.)*)', '([^']*)'\)/g)].map((m) => [m[1], m[2]]);
}

function readRow(info: Info): Omit<LineageRow, 'seq' | 'operation'> {
  const columns = schemaColumns(info.schema);
  const types = new Map<string, number>();
  for (const [, type] of columns) types.set(type, (types.get(type) ?? 0) + 1);
  const summary = [...types.entries()].map(([type, n]) => `${n} ${type}`).join(', ');
  return {
    columns: list(columns.map(([name]) => name), 'the record holds no schema'),
    counts: datasetCounts(info),
    info: summary ? `types: ${summary}` : missing('the record holds no schema'),
  };
}

function numericAuditRow(info: Info): Omit<LineageRow, 'seq' | 'operation'> {
  const totals = Object.entries<string>(info.field_total ?? {});
  const why = 'no double or decimal columns to sum';
  return {
    columns: list(totals.map(([name]) => name), why),
    counts: datasetCounts(info),
    info: totals.length ? `sums: ${totals.map(([name, sum]) => `${name} = ${decimalText(String(sum))}`).join('; ')}` : missing(why),
  };
}

function mappingRows(infos: Info[]): Omit<LineageRow, 'seq' | 'operation'> {
  const renamed = infos.filter((m) => m.sourcename !== m.destname).map((m) => `${m.sourcename} → ${m.destname}`);
  return {
    columns: list(renamed, 'every column kept its name'),
    counts: missing(NO_COUNTS),
    info: `${plural(infos.length, 'column')} mapped, ${renamed.length} renamed`,
  };
}

function fuzzyRow(info: Info): Omit<LineageRow, 'seq' | 'operation'> {
  const matched = info.match ? `matched ${info.match}` : 'no match';
  return {
    columns: `${info.sourcename} → ${info.destname}`,
    counts: missing(NO_COUNTS),
    info: `${info.scorer || 'default scorer'}, threshold ${info.threshold}: ${matched}`,
  };
}

/** Column names a DQDL rule names after its rule type (`IsComplete "a"`); CustomSql rules name none. */
function ruleColumns(rule: string): string[] {
  const names = [...rule.matchAll(/\b(?:ColumnValues|IsComplete|Completeness|ColumnExists|ColumnDataType|IsUnique|Uniqueness|ColumnLength|DistinctValuesCount)\s+['"]([^'"]+)['"]/g)];
  return [...new Set(names.map((m) => m[1]))];
}

function quarantineRows(infos: Info[]): Omit<LineageRow, 'seq' | 'operation'> {
  const rules = infos.map((i) => String(i.dataqualityquarantine));
  return {
    columns: list([...new Set(rules.flatMap(ruleColumns))], 'the rules are SQL and name no single column'),
    counts: missing(NO_COUNTS),
    info: raw(`${esc(`${plural(rules.length, 'quarantine rule')} applied:`)}${rules.map((r) => `<br>${code(r).html}`).join('')}`),
  };
}

function sqlRow(sql: string): Omit<LineageRow, 'seq' | 'operation'> {
  const lines = sql.trim().split('\n').length;
  return {
    columns: missing('the output columns are those of the Consume table below'),
    counts: missing(NO_COUNTS),
    info: raw(`<details><summary>${esc(`Spark SQL, ${plural(lines, 'line')}`)}</summary><pre>${esc(sql)}</pre></details>`),
  };
}

/** A transform's record: `{op: "column"}` or `{op: {field, source…, options}}`. */
function transformRow(operation: string, items: unknown[]): Omit<LineageRow, 'seq' | 'operation'> {
  const names = items.filter((i): i is string => typeof i === 'string');
  const specs = items.filter((i): i is Info => !!i && typeof i === 'object' && !Array.isArray(i));
  if (!specs.length) {
    return { columns: list(names, 'the record names no column'), counts: missing(NO_COUNTS), info: missing(`the ${operation} record holds only names`) };
  }
  const spec = specs[0];
  const inputs = [spec.source, ...(Array.isArray(spec.source_columns) ? spec.source_columns : [])].filter((x) => typeof x === 'string');
  const target = typeof spec.field === 'string' ? spec.field : undefined;
  const options = Object.entries(spec).filter(([k]) => !['field', 'source', 'source_columns'].includes(k));
  return {
    columns: target ? (inputs.length ? `${target} ← ${inputs.join(', ')}` : target) : list(inputs, 'the record names no column'),
    counts: missing(NO_COUNTS),
    info: options.length
      ? code(options.map(([k, v]) => `${k}: ${typeof v === 'string' && v !== '' ? v : JSON.stringify(v)}`).join('; '))
      : missing(`the ${operation} record has no options`),
  };
}

function describe(operation: string, infos: Info[]): Omit<LineageRow, 'seq' | 'operation'> {
  const first = infos[0];
  switch (operation) {
    case 'read':
    case 'write':
      return readRow(first);
    case 'numericaudit':
      return numericAuditRow(first);
    case 'mapping':
      return mappingRows(infos);
    case 'dropped':
      return { columns: list(infos.map((i) => String(i.dropped)), 'no column named'), counts: missing(NO_COUNTS), info: 'dropped by the mapping (no destination name)' };
    case 'fuzzymapping':
      return fuzzyRow(first);
    case 'dataqualityquarantine':
      return quarantineRows(infos);
    case 'sparksql':
      return sqlRow(String(first.sparksql ?? ''));
    default:
      if (Object.keys(first).length === 1 && operation in first) return transformRow(operation, infos.map((i) => i[operation]));
      return { columns: missing('the record names no column'), counts: datasetCounts(first), info: code(JSON.stringify(first)) };
  }
}

/** Whether `next` continues the run of records that `current` started (one row for the run). */
function continues(current: { operation: string; infos: Info[] }, next: { operation: string; info: Info }): boolean {
  if (current.operation !== next.operation) return false;
  if (GROUPED.has(next.operation)) return true;
  // Transforms that record a bare column name per record (changetype, literal, hash…) group too.
  const bare = (i: Info) => Object.keys(i).length === 1 && typeof i[next.operation] === 'string';
  return bare(next.info) && current.infos.every(bare);
}

/** Rows of one job's lineage records (already in sequence order). */
export function lineageRows(records: LineageRecord[]): LineageRow[] {
  const runs: { operation: string; seqs: number[]; infos: Info[]; unparsed?: string }[] = [];
  for (const r of records) {
    const info = parse(r.info);
    const last = runs[runs.length - 1];
    if (!info) {
      runs.push({ operation: r.operation, seqs: [r.seq], infos: [], unparsed: r.info });
    } else if (last && !last.unparsed && continues(last, { operation: r.operation, info })) {
      last.seqs.push(r.seq);
      last.infos.push(info);
    } else {
      runs.push({ operation: r.operation, seqs: [r.seq], infos: [info] });
    }
  }
  return runs.map((run) => {
    const seq = run.seqs.length > 1 ? `${run.seqs[0]}–${run.seqs[run.seqs.length - 1]}` : String(run.seqs[0]);
    const operation = run.seqs.length > 1 ? `${run.operation} ×${run.seqs.length}` : run.operation;
    if (run.unparsed !== undefined) {
      const info: Html = run.unparsed ? code(run.unparsed) : missing('the record has no info');
      return { seq, operation, columns: missing('the info is not JSON'), counts: missing(NO_COUNTS), info };
    }
    return { seq, operation, ...describe(run.operation, run.infos) };
  });
}

/** `dev-insurancelake-collect-to-cleanse-job` → `collect-to-cleanse job`. */
function jobTitle(job: string): string {
  const m = /(collect-to-cleanse|cleanse-to-consume|consume-entity-match|entity-match)/.exec(job);
  return m ? `${m[1]} job` : job || 'job';
}

/** One table per job that recorded lineage, each folded under a summary with its record count. */
export function lineageSection(records: LineageRecord[]): string {
  const jobs = [...new Set(records.map((r) => r.job))];
  return jobs
    .map((job) => {
      const own = records.filter((r) => r.job === job);
      const rows = lineageRows(own);
      const body = table(['#', 'operation', 'columns', 'counts', 'info'], rows.map((r) => [r.seq, r.operation, r.columns, r.counts, r.info]), { className: 'lineage' });
      return `<details class="lineage-job"><summary><strong>${esc(jobTitle(job))}</strong> <span class="muted">${esc(`${job} · ${plural(own.length, 'record')}`)}</span></summary>${body}</details>`;
    })
    .join('');
}
