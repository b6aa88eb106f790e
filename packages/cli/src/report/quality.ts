import { code, esc, missing, raw, table } from './html';
import { RuleOutcome } from '../summary';

const STAGE_ORDER = ['before_transform', 'after_transform', 'after_sparksql'];
const ACTION_ORDER = ['warn', 'quarantine', 'halt'];

/** `quarantine-on-failure` → `quarantine`. */
function actionName(action: string): string {
  return action.replace(/-on-failure$/, '');
}

function rank(order: string[], value: string): number {
  const i = order.indexOf(value);
  return i < 0 ? order.length : i;
}

/** Rules in the order they run: by stage, then warn, quarantine, halt (as the jobs apply them). */
export function orderedRules(rules: RuleOutcome[]): RuleOutcome[] {
  return [...rules].sort((a, b) =>
    rank(STAGE_ORDER, a.stage) - rank(STAGE_ORDER, b.stage) ||
    rank(ACTION_ORDER, actionName(a.action)) - rank(ACTION_ORDER, actionName(b.action)) ||
    a.rule.localeCompare(b.rule));
}

/** What a failed rule did to the run, by its action. */
function consequence(action: string): string {
  switch (actionName(action)) {
    case 'warn': return 'failed: warning only, the rows went on';
    case 'quarantine': return 'failed: the failing rows were quarantined';
    case 'halt': return 'failed: the job stopped';
    default: return 'failed';
  }
}

function outcomeCell(rule: RuleOutcome): string {
  const passed = /pass/i.test(rule.outcome);
  const cls = passed ? 'passed' : actionName(rule.action) === 'warn' ? 'warned' : 'failed';
  const title = passed ? 'the rule passed' : consequence(rule.action);
  return `<span class="outcome ${cls}" title="${esc(title)}">${esc(rule.outcome || 'unknown')}</span>`;
}

/** The outcomes of every DQ rule of an execution: stage, action, rule text, outcome and why it failed. */
export function qualityTable(rules: RuleOutcome[]): string {
  const ordered = orderedRules(rules);
  return table(
    ['stage', 'action', 'rule', 'outcome', 'failure reason'],
    ordered.map((r) => [
      r.stage || missing('the result record names no stage'),
      actionName(r.action) || missing('the result record names no action'),
      r.rule ? code(r.rule) : missing('the result record holds no rule text'),
      raw(outcomeCell(r)),
      r.reason ? code(r.reason) : missing(/pass/i.test(r.outcome) ? 'the rule passed' : 'the evaluator gave no reason'),
    ]),
    { rowClass: (i) => (/pass/i.test(ordered[i].outcome) ? '' : 'rule-failed') },
  );
}

/** `9 of 17 rules passed` style count for the summary table. */
export function qualityCounts(rules: RuleOutcome[]): { passed: number; total: number } {
  return { passed: rules.filter((r) => /pass/i.test(r.outcome)).length, total: rules.length };
}
