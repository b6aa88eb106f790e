/// <reference lib="dom" />
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { renderReport } from '../src/report';
import { ExecutionSummary } from '../src/summary';

// report.html of a real `insurancelake run` (compiled CLI, local Spark, moto), rendered in the
// Debian chromium package driven headless by playwright-core.
const PACKAGE = path.join(__dirname, '..');
const ROOT = path.join(PACKAGE, '..', '..');
const BIN = path.join(PACKAGE, 'lib', 'main.js');
const LOCAL_ENGINE = path.join(PACKAGE, 'python');
const EXAMPLES = path.join(ROOT, 'examples', 'config');
// Without the background-networking flags Chromium dials out at start, which a closed network refuses.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Installs the Debian chromium package when missing (as root); returns its path. */
function ensureChromium(): string {
  const out = execFileSync('bash', [path.join(ROOT, 'scripts', 'ensure-chromium.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').pop()!;
}

async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS });
}

/** What overflows in the page: text wider than its box, text outside a clipping box, a page wider than the window. */
function overflowsInPage(): string[] {
  const bad: string[] = [];
  const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''} "${(el.textContent ?? '').trim().slice(0, 60)}"`;
  const scrolls = (el: Element) => /auto|scroll/.test(getComputedStyle(el).overflowX);
  const clips = (el: Element) => getComputedStyle(el).overflowX !== 'visible' || getComputedStyle(el).overflowY !== 'visible';
  // Every box that holds text: what it holds is no wider than the box (a sideways-scrolling box may be).
  for (const el of Array.from(document.body.querySelectorAll('*'))) {
    if (el.closest('svg') || !(el.textContent ?? '').trim()) continue;
    const style = getComputedStyle(el);
    if (style.display === 'inline' || style.display === 'none' || scrolls(el)) continue;
    if (el.scrollWidth > el.clientWidth + 1) bad.push(`${describe(el)}: content ${el.scrollWidth}px in a ${el.clientWidth}px box`);
  }
  // Every run of text: inside each clipping box around it (scroll boxes excepted: their content is reachable).
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement!;
    if (!node.textContent!.trim() || parent.closest('svg')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of Array.from(range.getClientRects())) {
      for (let a: Element | null = parent; a && a !== document.body; a = a.parentElement) {
        if (!clips(a) || scrolls(a)) continue;
        const box = a.getBoundingClientRect();
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
          bad.push(`${describe(parent)}: text outside its clipping ${describe(a)}`);
        }
      }
    }
  }
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth + 1) bad.push(`the page is ${page.scrollWidth}px wide in a ${page.clientWidth}px window`);
  return bad;
}

/** What is wrong with the SVG text: outside the drawing, outside its box, or on top of a bar or another label. */
function svgTextProblemsInPage(): string[] {
  const bad: string[] = [];
  const inside = (a: DOMRect, b: DOMRect, slack = 0.5) =>
    a.x >= b.x - slack && a.y >= b.y - slack && a.x + a.width <= b.x + b.width + slack && a.y + a.height <= b.y + b.height + slack;
  const overlap = (a: DOMRect, b: DOMRect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  for (const svg of Array.from(document.querySelectorAll('svg'))) {
    const label = svg.getAttribute('aria-label');
    const vb = svg.viewBox.baseVal;
    const view = new DOMRect(vb.x, vb.y, vb.width, vb.height);
    const texts = Array.from(svg.querySelectorAll('text'));
    const boxes = texts.map((t) => t.getBBox());
    texts.forEach((t, i) => {
      const name = `${label}: "${t.textContent}"`;
      if (!inside(boxes[i], view)) bad.push(`${name} runs outside the drawing`);
      const rect = t.parentElement?.querySelector(':scope > rect') as SVGRectElement | null;
      if (t.parentElement?.tagName === 'g' && rect) {
        const r = rect.getBBox();
        if (!inside(boxes[i], new DOMRect(r.x + 2, r.y, r.width - 4, r.height))) bad.push(`${name} does not fit its box`);
      }
      for (const bar of Array.from(svg.querySelectorAll('rect.bar, rect.track'))) {
        if (overlap(boxes[i], (bar as SVGRectElement).getBBox())) bad.push(`${name} lies on a bar`);
      }
      boxes.forEach((other, j) => {
        if (j > i && overlap(boxes[i], other)) bad.push(`${name} overlaps "${texts[j].textContent}"`);
      });
    });
  }
  return bad;
}

describe('report.html of a real local run, in headless Chromium', () => {
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'il-report-'));
  const collect = path.join(workdir, 'collect');
  const report = path.join(workdir, 'work', 'report.html');
  let summary: { executions: any[] };
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];

  beforeAll(async () => {
    browser = await launch();
    // Claims (no DQ rules, no Consume SQL); policies with spoiled rows that the DQ rules quarantine;
    // life policies with a header only, which fail.
    const python = path.join(process.env.INSURANCELAKE_VENV!, 'bin', 'python'); // test/setup/dev-python.ts
    const datagen = (...args: string[]) => {
      const r = spawnSync(python, ['-m', 'insurancelake_local.datagen', '--seed', '11', ...args], { cwd: LOCAL_ENGINE, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
    };
    datagen('--kind', 'claims', '--rows', '40', '--policy-rows', '80', '--out', path.join(collect, 'SyntheticGeneralData', 'ClaimData', 'claims.csv'));
    datagen('--kind', 'general-policy', '--rows', '80', '--bad-rows', '5', '--out', path.join(collect, 'SyntheticGeneralData', 'PolicyData', 'policies.csv'));
    datagen('--kind', 'life-policy', '--rows', '20', '--malformed', 'header-only', '--out', path.join(collect, 'SyntheticLifeData', 'PolicyData', 'life.csv'));
    const run = spawnSync(process.execPath, [BIN, 'run', '--collect', collect, '--config', EXAMPLES, '--workdir', path.join(workdir, 'work'), '--json'],
      { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
    summary = JSON.parse(run.stdout.trim().split('\n').pop()!);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${report}`);
    // Folded sections too: their tables must fit as well once opened.
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    fs.rmSync(workdir, { recursive: true, force: true });
  });

  test('the run has the cases the report must show: quarantined rows, DQ rules, a failed file, long state names', async () => {
    const [claims, policies, life] = summary.executions;
    expect(claims.status).toBe('SUCCEEDED');
    expect(policies.rows_quarantined).toBeGreaterThan(0);
    expect(life.status).toBe('FAILED');
    const names = await page.$$eval('svg[aria-label="state machine"] g.state text', (ts) => ts.map((t) => t.textContent ?? ''));
    expect(Math.max(...names.map((n) => n.length))).toBeGreaterThanOrEqual(40);
  });

  test('is one self-contained file: the page fetches nothing and has no script', () => {
    expect(requests).toEqual([`file://${report}`]);
    const html = fs.readFileSync(report, 'utf8');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|url\((?!#)|@import|\bsrc=/i);
    expect(html).not.toMatch(/\bhref="(?!#)/);
  });

  test('no text overflows its box, however the sections are opened', async () => {
    expect(await page.evaluate(overflowsInPage)).toEqual([]);
  });

  test('SVG labels lie inside their boxes and the drawing, clear of bars and of each other', async () => {
    expect(await page.$$eval('svg', (s) => s.length)).toBeGreaterThanOrEqual(5);
    expect(await page.evaluate(svgTextProblemsInPage)).toEqual([]);
  });

  test('every table cell has a value, and no null, undefined or NaN text outside code', async () => {
    const empty = await page.$$eval('th, td', (cells) => cells.filter((c) => !(c.textContent ?? '').trim()).map((c) => c.closest('table')!.className + ' ' + c.parentElement!.outerHTML.slice(0, 200)));
    expect(empty).toEqual([]);
    // Code (rules, SQL, engine messages) may say NULL; the report's own words may not.
    const prose = await page.evaluate(() => {
      const copy = document.body.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('code, pre').forEach((c) => c.remove());
      return copy.textContent ?? '';
    });
    expect(prose).not.toMatch(/\b(null|undefined|NaN)\b/i);
    // Each dash says why the value is missing.
    const untitled = await page.$$eval('.missing', (ms) => ms.filter((m) => !(m.getAttribute('title') ?? m.querySelector('title')?.textContent ?? '').trim()).length);
    expect(untitled).toBe(0);
  });

  test('the summary table shows each file\'s counts as numbers, and a titled dash where the run has none', async () => {
    const rows = await page.$$eval('table.overview tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => ({
      text: (td.textContent ?? '').trim(), title: td.querySelector('.missing')?.getAttribute('title') ?? '',
    }))));
    expect(rows.map((r) => r[1].text)).toEqual(summary.executions.map((e) => `${e.database}/${e.table}/${e.file}`));
    summary.executions.forEach((e, i) => {
      const counts = [e.rows_read, e.rows_cleanse, e.rows_consume, e.rows_quarantined];
      counts.forEach((value, j) => {
        const cell = rows[i][3 + j];
        if (value === null) {
          expect(cell.text).toBe('—');
          expect(cell.title.length).toBeGreaterThan(10);
        } else {
          expect(cell.text).toBe(value.toLocaleString('en-US'));
        }
      });
    });
  });

  test('the DQ table gives stage, action, rule and outcome of every rule; the summary counts the passes', async () => {
    const rules = await page.$$eval('#file-2 h3 + table', (tables) => {
      const dq = tables.find((t) => t.previousElementSibling?.textContent === 'Data quality')!;
      return Array.from(dq.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim()));
    });
    expect(rules.length).toBeGreaterThan(3);
    for (const [stage, action, rule, outcome] of rules) {
      expect(stage).toMatch(/^(before_transform|after_transform|after_sparksql)$/);
      expect(action).toMatch(/^(warn|quarantine|halt)$/);
      expect(rule).toMatch(/^(ColumnValues|IsComplete|Completeness|ColumnExists|ColumnDataType|IsUnique|CustomSql|RowCount|\()/);
      expect(outcome).toMatch(/^(Passed|Failed)$/);
    }
    // Rows were quarantined, so a quarantine rule failed.
    expect(rules.some(([, action, , outcome]) => action === 'quarantine' && outcome === 'Failed')).toBe(true);
    const passed = rules.filter((r) => r[3] === 'Passed').length;
    const dqCell = await page.$eval('table.overview tbody tr:nth-child(2) td:nth-child(8)', (td) => (td.textContent ?? '').trim());
    expect(dqCell).toBe(`${passed} of ${rules.length} passed`);
  });

  test('lineage is a table per job: operation, columns, counts, info; the read record counts the rows read', async () => {
    const jobs = await page.$$eval('#file-2 details.lineage-job', (ds) => ds.map((d) => ({
      job: d.querySelector('summary strong')!.textContent,
      head: Array.from(d.querySelectorAll('th')).map((th) => th.textContent),
      rows: Array.from(d.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim())),
    })));
    expect(jobs.map((j) => j.job)).toEqual(['collect-to-cleanse job', 'cleanse-to-consume job']);
    for (const job of jobs) expect(job.head).toEqual(['#', 'operation', 'columns', 'counts', 'info']);
    const read = jobs[0].rows.find((r) => r[1] === 'read')!;
    expect(read[3]).toMatch(new RegExp(`^${summary.executions[1].rows_read} rows × \\d+ columns$`));
    expect(jobs[0].rows.some((r) => /^mapping ×\d+$/.test(r[1]) && /renamed/.test(r[4]))).toBe(true);
    expect(jobs[1].rows.map((r) => r[1])).toContain('sparksql');
    expect(jobs.flatMap((j) => j.rows).some((r) => /^\{|"dataset_counts"/.test(r[4]))).toBe(false);
  });

  test('the charts: rows per stage per file, and each file\'s step durations', async () => {
    const values = await page.$$eval('svg[aria-label="rows per stage"] text.value', (ts) => ts.map((t) => t.textContent));
    const counts: (number | null)[] = summary.executions.flatMap((e) => [e.rows_read, e.rows_cleanse, e.rows_consume, e.rows_quarantined]);
    expect(values).toEqual(counts.filter((v): v is number => v !== null).map((v) => v.toLocaleString('en-US')));
    const dashes = await page.$$eval('svg[aria-label="rows per stage"] text.missing', (ts) => ts.length);
    expect(dashes).toBe(counts.filter((v) => v === null).length);
    const segments = await page.$$eval('svg[aria-label="step durations"] rect.segment title', (ts) => ts.map((t) => t.textContent ?? ''));
    for (const e of summary.executions) {
      expect(segments.some((s) => s.startsWith(`${e.database}/${e.table}/${e.file}: `) && /CollectGlueJobTask \d+\.\d+ s$/.test(s))).toBe(true);
    }
  });

  test('the state machine shows every state the run entered under its full name', async () => {
    const graphNames = await page.$$eval('#file-3 svg[aria-label="state machine"] g.state text', (ts) => ts.map((t) => t.textContent));
    const stepNames = await page.$$eval('#file-3 table.steps tbody td:first-child', (tds) => tds.map((td) => td.textContent));
    expect(stepNames.length).toBeGreaterThan(2);
    expect(graphNames).toEqual(expect.arrayContaining(stepNames));
    const failed = await page.$$eval('#file-3 svg g.state.caught text, #file-3 svg g.state.failed text', (ts) => ts.map((t) => t.textContent));
    expect(failed.some((n) => /CollectGlueJobTask$/.test(n ?? ''))).toBe(true);
  });
});

describe('report.html escapes what comes from files and engines', () => {
  test('a file name, rule or error with markup shows as text and adds no element', async () => {
    const hostile = '<img src=x onerror="document.title=1">&amp;';
    const execution: ExecutionSummary = {
      database: 'Db',
      table: 'Tbl',
      file: `${hostile}.csv`,
      status: 'FAILED',
      rows_read: 3,
      rows_cleanse: null,
      rows_consume: null,
      rows_quarantined: null,
      duration_s: 1,
      error: `DataError: ${hostile}`,
      steps: [{ name: `State ${hostile}`, status: 'FAILED', startedAt: 0, seconds: 0.5, detail: hostile }],
      dq: [{ stage: 'before_transform', action: 'halt-on-failure', rule: `CustomSql "${hostile}"`, outcome: 'Failed', reason: hostile }],
      lineage: [{ job: 'dev-insurancelake-collect-to-cleanse-job', seq: 1, operation: 'filterrows', info: JSON.stringify({ filterrows: { condition: hostile } }) }],
      tables: [{ table: 'db.tbl', columns: [{ name: hostile, type: 'string' }], rows: [[hostile]], count: 1 }],
    };
    const html = renderReport(`Run ${hostile}`, [execution], { states: [{ name: `State ${hostile}`, type: 'Task', next: [] }] }, 1);
    const browser = await launch();
    try {
      const page = await browser.newPage();
      await page.setContent(html);
      expect(await page.$$eval('img', (imgs) => imgs.length)).toBe(0);
      expect(await page.title()).toBe(`Run ${hostile}`);
      const text = await page.evaluate(() => document.body.textContent ?? '');
      expect(text.split(hostile).length - 1).toBeGreaterThanOrEqual(8);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
