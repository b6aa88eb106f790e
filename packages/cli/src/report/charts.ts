import { esc, seconds } from './html';
import { StepOutcome } from './steps';
import { textWidth } from './text-width';
import { ExecutionSummary } from '../summary';

/** One file as the charts show it: its number in the report, its name and what it did. */
export interface ChartFile {
  readonly number: number;
  readonly label: string;
  readonly execution: ExecutionSummary;
  readonly steps: StepOutcome[];
}

const FONT = 12;
const MARGIN = 8;
const BAR_AREA = 460;
const BAR_H = 13;
const ROW_H = 18;
const GAP = 10;

/** Muted, distinguishable colours for the states in the durations chart (cycled past ten). */
const STATE_COLOURS = ['#3b6ea8', '#d4882f', '#4f9a6b', '#8a63a8', '#b5533c', '#3f9aa3', '#a88f3b', '#6b7785', '#c26b9a', '#7a9a3b'];

interface Stage {
  readonly name: string;
  readonly value: (e: ExecutionSummary) => number | null;
  /** Why a stage has no count, given the execution. */
  readonly missing: (e: ExecutionSummary) => string;
}

const notReported = (job: string) => (e: ExecutionSummary) => {
  if (e.status === 'SUCCEEDED') return `the ${job} job reported no count`;
  if (e.status === 'QUEUED') return 'not run yet: the file waits for the tables it depends on';
  if (e.status === 'REJECTED') return 'not run: the trigger rejected the file';
  if (e.status === 'IGNORED') return 'not run: the trigger started nothing';
  return `the ${job} job did not finish: the execution failed`;
};

/** The row counts the summary carries, in pipeline order. */
export const STAGES: readonly Stage[] = [
  { name: 'read', value: (e) => e.rows_read, missing: notReported('Collect-to-Cleanse') },
  { name: 'cleanse', value: (e) => e.rows_cleanse, missing: notReported('Collect-to-Cleanse') },
  {
    name: 'consume',
    value: (e) => e.rows_consume,
    missing: (e) => (e.status === 'SUCCEEDED' ? 'no Consume table: this table has no Spark SQL, so nothing was written to Consume' : notReported('Cleanse-to-Consume')(e)),
  },
  { name: 'quarantined', value: (e) => e.rows_quarantined, missing: notReported('ETL') },
];

function svg(label: string, width: number, height: number, body: string): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return `<svg class="chart" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(label)}">${body}</svg>`;
}

function text(x: number, y: number, content: string, cls = '', anchor = 'start'): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${FONT}" text-anchor="${anchor}"${cls ? ` class="${cls}"` : ''}>${esc(content)}</text>`;
}

/** A bar whose tooltip states its value. */
function bar(x: number, y: number, width: number, cls: string, title: string, fill?: string): string {
  const style = fill ? ` fill="${fill}"` : '';
  return `<rect class="${cls}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, width).toFixed(1)}" height="${BAR_H}"${style}><title>${esc(title)}</title></rect>`;
}

/**
 * Rows per stage: for every file, a bar each for the rows read, written to Cleanse, written to
 * Consume and quarantined, on one scale for the whole run. A count the run did not produce shows
 * as a dash whose tooltip says why.
 */
export function rowsPerStageChart(files: ChartFile[]): string {
  const max = Math.max(1, ...files.flatMap((f) => STAGES.map((s) => s.value(f.execution) ?? 0)));
  const labelW = Math.max(...STAGES.map((s) => textWidth(s.name, FONT))) + 10;
  const valueW = Math.max(textWidth('—', FONT), ...files.flatMap((f) => STAGES.map((s) => textWidth((s.value(f.execution) ?? 0).toLocaleString('en-US'), FONT))));
  const headerW = Math.max(...files.map((f) => textWidth(`${f.number}  ${f.label}`, FONT)));
  const width = MARGIN * 2 + Math.max(headerW, labelW + BAR_AREA + 6 + valueW);
  const parts: string[] = [];
  let y = MARGIN;
  for (const f of files) {
    parts.push(text(MARGIN, y + FONT, `${f.number}  ${f.label}`, 'group'));
    y += ROW_H + 2;
    for (const stage of STAGES) {
      const value = stage.value(f.execution);
      parts.push(text(MARGIN + labelW - 10, y + BAR_H - 2, stage.name, 'axis', 'end'));
      const x0 = MARGIN + labelW;
      if (value === null) {
        parts.push(`<text x="${x0}" y="${y + BAR_H - 2}" font-size="${FONT}" class="missing"><title>${esc(stage.missing(f.execution))}</title>—</text>`);
      } else {
        const w = (value / max) * BAR_AREA;
        parts.push(bar(x0, y, w, `bar stage ${stage.name}`, `${f.label}: ${value.toLocaleString('en-US')} rows ${stage.name}`));
        parts.push(text(x0 + Math.max(1, w) + 6, y + BAR_H - 2, value.toLocaleString('en-US'), 'value'));
      }
      y += ROW_H;
    }
    y += GAP;
  }
  return svg('rows per stage', width, y - GAP + MARGIN, parts.join(''));
}

/** Legend entries laid out in rows that wrap at `width`; returns the markup and the height used. */
function legend(entries: { name: string; colour: string }[], width: number): { markup: string; height: number } {
  const parts: string[] = [];
  let x = MARGIN;
  let y = MARGIN;
  for (const entry of entries) {
    const w = 14 + textWidth(entry.name, FONT) + 18;
    if (x > MARGIN && x + w > width - MARGIN) {
      x = MARGIN;
      y += ROW_H;
    }
    parts.push(`<rect x="${x}" y="${y + 2}" width="10" height="10" fill="${entry.colour}"/>`);
    parts.push(text(x + 14, y + FONT - 1, entry.name, 'axis'));
    x += w;
  }
  return { markup: parts.join(''), height: y + ROW_H - MARGIN };
}

/**
 * Step durations across files: one timeline bar per file, a segment per state in the order the
 * states ran, coloured by state (legend above), with the file's total at the end. Each segment's
 * tooltip gives the state and its duration.
 */
export function stepDurationsChart(files: ChartFile[], stateOrder: string[]): string {
  const ran = new Set(files.flatMap((f) => f.steps.map((s) => s.name)));
  const states = [...stateOrder.filter((n) => ran.has(n)), ...[...ran].filter((n) => !stateOrder.includes(n))];
  const colour = new Map(states.map((n, i) => [n, STATE_COLOURS[i % STATE_COLOURS.length]]));
  const total = (f: ChartFile) => Math.max(0, ...f.steps.map((s) => s.offset + s.seconds));
  const max = Math.max(0.001, ...files.map(total));
  const labelW = Math.max(...files.map((f) => textWidth(`${f.number}  ${f.label}`, FONT))) + 12;
  const valueW = Math.max(...files.map((f) => textWidth(seconds(total(f)), FONT)));
  const width = MARGIN * 2 + labelW + BAR_AREA + 6 + valueW;
  const key = legend(states.map((name) => ({ name, colour: colour.get(name)! })), width);
  const parts: string[] = [key.markup];
  let y = MARGIN + key.height + GAP;
  for (const f of files) {
    parts.push(text(MARGIN, y + BAR_H - 2, `${f.number}  ${f.label}`, 'group'));
    const x0 = MARGIN + labelW;
    parts.push(`<rect class="track" x="${x0}" y="${y}" width="${BAR_AREA}" height="${BAR_H}"/>`);
    for (const s of f.steps) {
      const x = x0 + (s.offset / max) * BAR_AREA;
      parts.push(bar(x, y, (s.seconds / max) * BAR_AREA, `bar segment ${s.status}`, `${f.label}: ${s.name} ${seconds(s.seconds)}`, colour.get(s.name)));
    }
    parts.push(f.steps.length
      ? text(x0 + BAR_AREA + 6, y + BAR_H - 2, seconds(total(f)), 'value')
      : `<text x="${x0 + BAR_AREA + 6}" y="${y + BAR_H - 2}" font-size="${FONT}" class="missing"><title>no state ran: the trigger failed or the file waits for its dependencies</title>—</text>`);
    y += ROW_H + 4;
  }
  return svg('step durations', width, y - 4 + MARGIN, parts.join(''));
}
