// Jest global setup of the CLI tests: the CLIs they start use the repository's dev virtual
// environment (.venv, created or refreshed by scripts/python-env.sh, as the other tests use) and the
// repository's Ivy cache (build/ivy), not the user's cache folder. The CLI's own set-up steps run
// here once, so the tests' CLIs start with a ready environment.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { ensurePython } from '../../src/python';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');

export default async function globalSetup(): Promise<void> {
  const out = execFileSync('bash', [path.join(REPO, 'scripts', 'python-env.sh')], {
    cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  });
  const python = out.trim().split('\n').pop()!.trim();
  process.env.INSURANCELAKE_VENV = path.dirname(path.dirname(python));
  process.env.INSURANCELAKE_IVY_DIR ??= path.join(REPO, 'build', 'ivy');
  ensurePython();
}
