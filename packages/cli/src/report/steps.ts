import { esc, raw, seconds, table } from './html';
import { StepRecord } from '../summary';

/** How a state ended: it ran through, it failed (the execution stopped) or it failed into a Catch. */
export type StepStatus = 'succeeded' | 'failed' | 'caught';

/** One state of one execution, however many events it produced (a caught failure gives three). */
export interface StepOutcome {
  readonly name: string;
  readonly status: StepStatus;
  /** Seconds from the execution's first state to this one's entry. */
  readonly offset: number;
  readonly seconds: number;
  readonly detail?: string;
}

/** The states an execution passed through, in the order they were entered, one entry per state. */
export function stepOutcomes(records: StepRecord[]): StepOutcome[] {
  const start = records.length ? Math.min(...records.map((r) => r.startedAt)) : 0;
  const byName = new Map<string, StepRecord[]>();
  for (const r of records) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  return [...byName.entries()]
    .map(([name, rs]) => ({
      name,
      status: rs.some((r) => r.status === 'CAUGHT') ? 'caught' as const : rs.some((r) => r.status === 'FAILED') ? 'failed' as const : 'succeeded' as const,
      offset: (Math.min(...rs.map((r) => r.startedAt)) - start) / 1000,
      seconds: Math.max(...rs.map((r) => r.seconds)),
      detail: rs.find((r) => r.detail)?.detail,
    }))
    .sort((a, b) => a.offset - b.offset);
}

/** What a status reads as in the report. */
export function statusText(status: StepStatus): string {
  return status === 'caught' ? 'failed, caught' : status;
}

/** The step timings of one execution: each state with its start and duration, drawn as a span of the whole run. */
export function stepTable(steps: StepOutcome[]): string {
  const total = Math.max(0.001, ...steps.map((s) => s.offset + s.seconds));
  const duration = (s: StepOutcome) => {
    const left = (s.offset / total) * 100;
    const width = Math.max(0.5, (s.seconds / total) * 100);
    return raw(`<span class="duration">${esc(seconds(s.seconds))}</span><span class="timebar" aria-hidden="true">` +
      `<span class="span ${s.status}" style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%"></span></span>`);
  };
  return table(
    ['state', 'outcome', 'started', 'duration'],
    steps.map((s) => [s.name, raw(`<span class="outcome ${s.status}">${esc(statusText(s.status))}</span>`), `+${seconds(s.offset)}`, duration(s)]),
    { className: 'steps' },
  );
}
