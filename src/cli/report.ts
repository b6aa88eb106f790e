import { ExecutionSummary } from './summary';

/** Pipeline states in display order, as the ASL defines them (name → next names). */
export interface PipelineGraph {
  readonly states: { name: string; type: string; next: string[] }[];
}

const escape = (value: unknown) =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** An inline SVG of the state machine: one box per state, arrows to its successors. */
function graphSvg(graph: PipelineGraph, visited: Set<string>, failed: Set<string>): string {
  const boxW = 210;
  const boxH = 34;
  const gapY = 22;
  const index = new Map(graph.states.map((s, i) => [s.name, i]));
  const y = (i: number) => 10 + i * (boxH + gapY);
  const height = y(graph.states.length) + 10;
  const parts: string[] = [];
  graph.states.forEach((state, i) => {
    for (const next of state.next) {
      const j = index.get(next);
      if (j === undefined) continue;
      const down = j > i;
      const x = down && j === i + 1 ? 10 + boxW / 2 : 10 + boxW;
      const path = down && j === i + 1
        ? `M${x},${y(i) + boxH} L${x},${y(j)}`
        : `M${10 + boxW},${y(i) + boxH / 2} C${boxW + 60 + (j - i) * 4},${y(i) + boxH / 2} ${boxW + 60 + (j - i) * 4},${y(j) + boxH / 2} ${10 + boxW},${y(j) + boxH / 2}`;
      parts.push(`<path d="${path}" class="edge" marker-end="url(#arrow)"/>`);
    }
  });
  graph.states.forEach((state, i) => {
    const cls = failed.has(state.name) ? 'failed' : visited.has(state.name) ? 'visited' : 'idle';
    parts.push(
      `<g class="${cls}"><rect x="10" y="${y(i)}" width="${boxW}" height="${boxH}" rx="6"/>` +
        `<text x="${10 + boxW / 2}" y="${y(i) + boxH / 2 + 4}">${escape(state.name)}</text></g>`,
    );
  });
  return (
    `<svg viewBox="0 0 ${boxW + 140} ${height}" width="${boxW + 140}" height="${height}" role="img" aria-label="state machine">` +
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>' +
    parts.join('') +
    '</svg>'
  );
}

function table(columns: string[], rows: unknown[][]): string {
  const cell = (v: unknown) => (v === null || v === undefined ? '<i>NULL</i>' : escape(typeof v === 'object' ? JSON.stringify(v) : v));
  return (
    `<table><thead><tr>${columns.map((c) => `<th>${escape(c)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>'
  );
}

/** The self-contained report.html of a run: no external scripts, styles or fonts. */
export function renderReport(title: string, executions: ExecutionSummary[], graph: PipelineGraph, totalSeconds: number): string {
  const ok = executions.filter((e) => e.status === 'SUCCEEDED').length;
  const overview = table(
    ['file', 'status', 'rows read', 'cleanse', 'consume', 'quarantined', 'seconds', 'error'],
    executions.map((e) => [
      `${e.database}/${e.table}/${e.file}`, e.status, e.rows_read, e.rows_cleanse, e.rows_consume, e.rows_quarantined, e.duration_s, e.error,
    ]),
  );
  const sections = executions.map((e) => {
    const visited = new Set(e.steps.map((s) => s.name));
    const failed = new Set(e.steps.filter((s) => s.status !== 'SUCCEEDED').map((s) => s.name));
    const start = e.steps[0]?.startedAt ?? 0;
    const total = Math.max(0.001, ...e.steps.map((s) => (s.startedAt - start) / 1000 + s.seconds));
    const timeline = e.steps
      .map((s) => {
        const left = (((s.startedAt - start) / 1000) / total) * 100;
        const width = Math.max(0.5, (s.seconds / total) * 100);
        return `<div class="bar-row"><span class="bar-label">${escape(s.name)}</span><span class="bar-track"><span class="bar ${s.status.toLowerCase()}" style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%"></span></span><span class="bar-time">${s.seconds.toFixed(2)} s</span></div>`;
      })
      .join('');
    return `<section class="execution ${e.status.toLowerCase()}">
<h2>${escape(e.database)}/${escape(e.table)}/${escape(e.file)} <span class="status">${escape(e.status)}</span></h2>
${e.error ? `<p class="error">${escape(e.error)}</p>` : ''}
<div class="cols"><div>${graphSvg(graph, visited, failed)}</div><div><h3>Step timings</h3>${timeline || '<p>No steps ran.</p>'}</div></div>
<h3>Data quality</h3>${e.dq.length ? table(['stage', 'action', 'rule', 'outcome'], e.dq.map((d) => [d.stage, d.action, d.rule, d.outcome])) : '<p>No data-quality rules for this table.</p>'}
<h3>Output tables</h3>${e.tables.map((t) => `<h4>${escape(t.table)} <small>(${t.count} rows)</small></h4><details><summary>schema (${t.columns.length} columns)</summary>${table(['column', 'type'], t.columns.map((c) => [c.name, c.type]))}</details>${table(t.columns.map((c) => c.name), t.rows)}`).join('') || '<p>No tables written.</p>'}
<h3>Lineage</h3>${e.lineage.length ? `<details><summary>${e.lineage.length} records</summary>${table(['operation', 'info'], e.lineage.map((l) => [l.operation, l.info]))}</details>` : '<p>No lineage records.</p>'}
</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1200px;color:#1d2733;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;border-top:1px solid #d5dde6;padding-top:1rem}
.lead{color:#52606d}table{border-collapse:collapse;margin:.4rem 0 1rem;font-size:12.5px;display:block;overflow-x:auto}
th,td{border:1px solid #d5dde6;padding:3px 7px;text-align:left;white-space:nowrap}th{background:#f0f4f8}
.status{font-size:.8rem;padding:2px 8px;border-radius:10px;background:#e3f9e5;color:#18794e}
.failed .status{background:#ffe3e3;color:#b42318}.error{color:#b42318;font-family:ui-monospace,monospace;white-space:pre-wrap}
.cols{display:flex;gap:2rem;flex-wrap:wrap}.cols>div:last-child{flex:1;min-width:360px}
svg text{font-size:12px;text-anchor:middle;fill:#1d2733}svg rect{stroke:#9aa5b1;fill:#fff}
.visited rect{fill:#e3f9e5;stroke:#2f9e62}.failed rect{fill:#ffe3e3;stroke:#d64545}.idle rect{fill:#f5f7fa}
.edge{fill:none;stroke:#9aa5b1}marker path{fill:#9aa5b1}
.bar-row{display:flex;align-items:center;gap:.5rem;margin:3px 0}.bar-label{width:230px;font-size:12px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bar-track{position:relative;flex:1;height:12px;background:#f0f4f8;border-radius:3px}.bar{position:absolute;top:0;bottom:0;border-radius:3px;background:#4c8dda}
.bar.failed,.bar.caught{background:#d64545}.bar-time{width:70px;text-align:right;font-size:12px;color:#52606d}
</style></head><body>
<h1>${escape(title)}</h1>
<p class="lead">${executions.length} file${executions.length === 1 ? '' : 's'}, ${ok} succeeded, ${executions.length - ok} failed — ${totalSeconds.toFixed(1)} s in all. Generated ${escape(new Date().toISOString())}.</p>
${overview}
${sections.join('\n')}
</body></html>
`;
}
