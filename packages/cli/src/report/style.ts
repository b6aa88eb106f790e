/**
 * The report's stylesheet, inlined in the page: system fonts, a grey-blue palette with green, amber
 * and red kept for outcomes, tables that scroll sideways instead of widening the page.
 */
export const STYLE = `
:root{--ink:#1f2933;--muted:#616e7c;--line:#d9e0e7;--head:#f2f5f8;--accent:#3b6ea8;
--ok:#1f7a4d;--ok-bg:#e6f4ec;--warn:#8a5a00;--warn-bg:#fdf3dc;--bad:#b42318;--bad-bg:#fdeceb}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);
margin:0 auto;max-width:1180px;padding:1.5rem 1.25rem 3rem;background:#fff}
h1{font-size:1.5rem;margin:0 0 .25rem}
h2{font-size:1.15rem;margin:2.2rem 0 .4rem;padding-top:1rem;border-top:2px solid var(--line);display:flex;flex-wrap:wrap;gap:.5rem;align-items:baseline}
h3{font-size:1rem;margin:1.4rem 0 .4rem}
h4{font-size:.9rem;margin:1rem 0 .3rem;font-weight:600}
p{margin:.3rem 0}
.lead,.muted,.facts{color:var(--muted)}
.num-badge{color:var(--muted);font-weight:400}
.path{overflow-wrap:anywhere}
.nowrap{white-space:nowrap}
a{color:var(--accent)}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12px}
code{white-space:pre-wrap;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:.3rem 0;padding:.5rem .6rem;background:var(--head);border-radius:4px}
table{display:block;max-width:100%;overflow-x:auto;border-collapse:collapse;margin:.4rem 0 1rem;font-size:12.5px}
th,td{padding:4px 10px 4px 6px;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}
th{background:var(--head);font-weight:600;white-space:nowrap;border-bottom:1px solid #c3ccd6}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.rule-failed td{background:#fffafa}
.missing{color:#9aa5b1;cursor:help}
.status{font-size:.75rem;font-weight:600;letter-spacing:.02em;padding:1px 8px;border-radius:9px;white-space:nowrap}
.status.succeeded{background:var(--ok-bg);color:var(--ok)}
.status.failed{background:var(--bad-bg);color:var(--bad)}
.status.queued,.status.ignored{background:var(--head);color:var(--muted)}
.status.rejected{background:var(--bad-bg);color:var(--bad)}
.outcome{font-weight:600;white-space:nowrap}
.outcome.passed,.outcome.succeeded{color:var(--ok)}
.outcome.warned{color:var(--warn)}
.outcome.failed,.outcome.caught{color:var(--bad)}
.error{color:var(--bad);background:var(--bad-bg)}
.failures li{margin:.2rem 0}
.cols{display:flex;flex-wrap:wrap;gap:1.25rem;align-items:flex-start}
.cols>*{min-width:0;max-width:100%}
figure{margin:.5rem 0 1rem}
figcaption{color:var(--muted);font-size:12.5px;margin:.2rem 0 .4rem}
svg{max-width:100%;height:auto;font-family:inherit}
svg text{fill:var(--ink)}
svg .axis,svg .value{fill:var(--muted)}
svg .missing{fill:#9aa5b1}
.graph .state rect{fill:#f5f7fa;stroke:#b8c2cc}
.graph .state text{text-anchor:middle;dominant-baseline:central}
.graph .state.idle text{fill:#7b8794}
.graph .state.succeeded rect{fill:var(--ok-bg);stroke:#5aa37c}
.graph .state.failed rect,.graph .state.caught rect{fill:var(--bad-bg);stroke:#d9534f}
.graph .edge{fill:none;stroke:#c3ccd6;stroke-width:1.2}
.graph .edge.taken{stroke:#7b8794}
.graph marker path{fill:#9aa5b1}
.chart .stage.read{fill:#7b8794}
.chart .stage.cleanse{fill:#3b6ea8}
.chart .stage.consume{fill:#4f9a6b}
.chart .stage.quarantined{fill:#d4882f}
.chart .track{fill:#f2f5f8}
.chart .group{fill:var(--ink)}
table.steps td:first-child{white-space:nowrap}
table.sample td,table.overview td{white-space:nowrap}
table.overview td:nth-child(2){white-space:normal;min-width:16em}
.duration{display:inline-block;min-width:4.5em;text-align:right;font-variant-numeric:tabular-nums}
.timebar{display:inline-block;position:relative;width:100px;height:9px;margin-left:8px;background:var(--head);border-radius:2px;vertical-align:middle}
.timebar .span{position:absolute;top:0;bottom:0;border-radius:2px;background:var(--accent)}
.timebar .span.failed,.timebar .span.caught{background:var(--bad)}
details{margin:.3rem 0}
summary{cursor:pointer}
.lineage td:nth-child(1),.lineage td:nth-child(2),.lineage td:nth-child(4){white-space:nowrap}
.lineage td:nth-child(3){min-width:14em}
.lineage td:nth-child(5){min-width:18em}
`;
