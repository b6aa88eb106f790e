import { ChartFile, rowsPerStageChart, STAGES, stepDurationsChart } from './report/charts';
import { graphSvg, PipelineGraph } from './report/graph';
import { Cell, code, count, esc, missing, plural, raw, seconds, table } from './report/html';
import { lineageSection } from './report/lineage';
import { qualityCounts, qualityTable } from './report/quality';
import { stepOutcomes, stepTable } from './report/steps';
import { STYLE } from './report/style';
import { ExecutionSummary, summaryLabel, TableSample } from './summary';

export type { PipelineGraph } from './report/graph';

/**
 * report.html of a run: one self-contained page (inline CSS and SVG, no script, nothing fetched)
 * with a summary table, charts across files, and per file the state machine, step timings, DQ
 * outcomes, samples of the tables written and the lineage records.
 */
export function renderReport(title: string, executions: ExecutionSummary[], graph: PipelineGraph, totalSeconds: number): string {
  const files: ChartFile[] = executions.map((execution, i) => ({
    number: i + 1,
    label: summaryLabel(execution),
    execution,
    steps: stepOutcomes(execution.steps),
  }));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head><body>
<h1>${esc(title)}</h1>
${lead(executions, totalSeconds)}
${overview(files)}
${failures(files)}
${charts(files, graph)}
${files.map((f) => executionSection(f, graph)).join('\n')}
</body></html>
`;
}

/** `3 files: 2 succeeded, 1 failed — 84.1 s in all.` with the time the report was written. */
function lead(executions: ExecutionSummary[], totalSeconds: number): string {
  const byStatus = new Map<string, number>();
  for (const e of executions) byStatus.set(e.status.toLowerCase(), (byStatus.get(e.status.toLowerCase()) ?? 0) + 1);
  const counts = [...byStatus.entries()].map(([status, n]) => `${n} ${status}`).join(', ');
  const generated = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return `<p class="lead">${esc(`${plural(executions.length, 'file')}: ${counts} — ${seconds(totalSeconds)} in all. Generated ${generated}.`)}</p>`;
}

function statusBadge(status: string): string {
  return `<span class="status ${esc(status.toLowerCase())}">${esc(status)}</span>`;
}

function dqCell(e: ExecutionSummary): Cell {
  if (!e.dq.length) return missing('no data-quality results: the table has no rules, or the job stopped before they ran');
  const { passed, total } = qualityCounts(e.dq);
  return `${passed} of ${total} passed`;
}

/** One row per file: status, the row count of each stage, DQ rules passed and duration. */
function overview(files: ChartFile[]): string {
  return table(
    ['#', 'file', 'status', ...STAGES.map((s) => (s.name === 'read' ? 'rows read' : s.name)), 'DQ rules', 'duration'],
    files.map((f) => [
      raw(`<a href="#file-${f.number}">${f.number}</a>`),
      raw(breakableAtSlashes(f.label)),
      raw(statusBadge(f.execution.status)),
      ...STAGES.map((s) => count(s.value(f.execution), s.missing(f.execution))),
      dqCell(f.execution),
      seconds(f.execution.duration_s),
    ]),
    { className: 'overview', numeric: [0, 3, 4, 5, 6, 8] },
  );
}

/** A path that may wrap after each `/` and nowhere else (not at the hyphens of a file name). */
function breakableAtSlashes(path: string): string {
  return path.split('/').map((part) => `<span class="nowrap">${esc(part)}</span>`).join('/<wbr>');
}

function failures(files: ChartFile[]): string {
  const failed = files.filter((f) => f.execution.error);
  if (!failed.length) return '';
  const items = failed.map((f) => `<li><a href="#file-${f.number}">${f.number}</a> <span class="path">${esc(f.label)}</span>: ${code(f.execution.error!).html}</li>`);
  return `<h3>Errors</h3><ul class="failures">${items.join('')}</ul>`;
}

function charts(files: ChartFile[], graph: PipelineGraph): string {
  if (!files.length) return '';
  return `<h2>Across files</h2>
<figure><figcaption>Rows per stage: read from Collect, written to Cleanse and to Consume, and quarantined by DQ rules.</figcaption>${rowsPerStageChart(files)}</figure>
<figure><figcaption>Step durations: each file's states on one time scale, in the order they ran (hover a segment for its state and time).</figcaption>${stepDurationsChart(files, graph.states.map((s) => s.name))}</figure>`;
}

function executionSection(f: ChartFile, graph: PipelineGraph): string {
  const e = f.execution;
  const facts = [e.executionName ? `execution ${e.executionName}` : 'not started', `${seconds(e.duration_s)}`];
  return `<section class="execution" id="file-${f.number}">
<h2><span class="num-badge">${f.number}</span> <span class="path">${esc(f.label)}</span> ${statusBadge(e.status)}</h2>
<p class="facts">${esc(facts.join(' · '))}</p>
${e.error ? `<pre class="error">${esc(e.error)}</pre>` : ''}
<div class="cols"><figure>${graphSvg(graph, f.steps, `graph-${f.number}`)}</figure>
<div><h3>Step timings</h3>${f.steps.length ? stepTable(f.steps) : '<p>No state ran.</p>'}</div></div>
<h3>Data quality</h3>${e.dq.length ? qualityTable(e.dq) : '<p>No data-quality results: this table has no rules file, or the job stopped before the first rule ran.</p>'}
<h3>Output tables</h3>${e.tables.length ? e.tables.map(sample).join('') : '<p>No tables written.</p>'}
<h3>Lineage</h3>${e.lineage.length ? lineageSection(e.lineage) : '<p>No lineage records.</p>'}
</section>`;
}

/** A value of a sampled row: nulls and empty strings marked, structures as JSON. */
function sampleValue(v: unknown): Cell {
  if (v === null || v === undefined) return missing('null in the data');
  if (typeof v === 'object') return code(JSON.stringify(v));
  const s = String(v);
  return s === '' ? missing('empty string in the data') : s;
}

function sample(t: TableSample): string {
  const schema = table(['column', 'type'], t.columns.map((c) => [c.name, code(c.type)]));
  const shown = t.rows.length < t.count ? `, first ${t.rows.length} shown` : '';
  return `<h4>${esc(t.table)} <span class="muted">${esc(plural(t.count, 'row') + shown)}</span></h4>` +
    `<details><summary>schema: ${esc(plural(t.columns.length, 'column'))}</summary>${schema}</details>` +
    table(t.columns.map((c) => c.name), t.rows.map((r) => r.map(sampleValue)), { className: 'sample' });
}
