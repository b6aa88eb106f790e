import { ExecutionSummary } from './summary';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * What a person watching the run sees: one line per execution and state transition with the
 * elapsed time, and a spinner on the current line while a Glue job runs (on a terminal only).
 */
export class Progress {
  private readonly started = Date.now();
  private spinnerTimer?: NodeJS.Timeout;
  /** States that failed (caught or not) since they were entered: no ✓ when they exit. */
  private readonly failed = new Set<string>();

  constructor(private readonly out: NodeJS.WriteStream, private readonly quiet = false) {}

  /** A plain line, prefixed with the elapsed time. */
  line(text: string): void {
    if (this.quiet) return;
    this.clearSpinner();
    this.out.write(`${this.elapsed()}  ${text}\n`);
  }

  executionStarted(label: string): void {
    this.line(`▶ ${label}`);
  }

  stateEntered(label: string, state: string, type: string): void {
    this.failed.delete(`${label}\n${state}`);
    if (type === 'Task' || type === 'Fail' || type === 'Succeed') this.line(`    → ${state}`);
  }

  stateExited(label: string, state: string, seconds: number): void {
    const failed = this.failed.delete(`${label}\n${state}`);
    if (seconds >= 0.5 || failed) this.line(`    ${failed ? '✗' : '✓'} ${state} (${seconds.toFixed(1)} s)`);
  }

  stateProblem(label: string, state: string | undefined, kind: string, detail?: string): void {
    if (state && kind !== 'StateRetried') this.failed.add(`${label}\n${state}`);
    const what = kind === 'StateRetried' ? 'retrying' : kind === 'StateCaught' ? 'caught' : 'failed';
    this.line(`    ✗ ${state ?? ''} ${what}${detail ? `: ${firstLine(detail)}` : ''}`);
  }

  executionFinished(label: string, summary: ExecutionSummary): void {
    const mark = summary.status === 'SUCCEEDED' ? '✔' : summary.status === 'QUEUED' || summary.status === 'IGNORED' ? '…' : '✘';
    this.line(`${mark} ${label} ${summary.status} in ${summary.duration_s.toFixed(1)} s${summary.error ? ` — ${firstLine(summary.error)}` : ''}`);
  }

  /** Show a spinner for a long step; returns the function that stops it. */
  busy(what: string): () => void {
    if (this.quiet || !this.out.isTTY) return () => undefined;
    let frame = 0;
    const begin = Date.now();
    this.spinnerTimer = setInterval(() => {
      const seconds = ((Date.now() - begin) / 1000).toFixed(0);
      this.out.write(`\r${this.elapsed()}      ${SPINNER[frame++ % SPINNER.length]} ${what} running on local Spark… ${seconds} s`);
    }, 120);
    return () => this.clearSpinner();
  }

  private clearSpinner(): void {
    if (!this.spinnerTimer) return;
    clearInterval(this.spinnerTimer);
    this.spinnerTimer = undefined;
    this.out.write('\r\x1b[2K');
  }

  private elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1).padStart(6)}s`;
  }
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 240 ? line.slice(0, 239) + '…' : line;
}
