import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { SetupError } from './errors';
import { PACKAGE_ROOT } from './paths';


/**
 * The project's Python 3.11 with the pinned engine requirements, set up on first use.
 * `scripts/python-env.sh` is idempotent and locked, so this is cheap after the first time.
 */
export function ensurePython(log: (line: string) => void): string {
  const script = path.join(PACKAGE_ROOT, 'scripts', 'python-env.sh');
  try {
    const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.trim().split('\n').pop()!;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '');
    const line = stderr.split('\n').find((l) => l.startsWith('insurancelake:'));
    if (line) throw new SetupError(line.replace(/^insurancelake:\s*/, ''));
    log(stderr);
    throw new SetupError(`setting up the Python environment failed (${script}); see the output above`);
  }
}
