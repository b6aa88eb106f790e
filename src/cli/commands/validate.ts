import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../errors';
import { ensurePython } from '../python';
import { SparkWorker } from '../spark-worker';

interface Problem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

/**
 * `insurancelake validate --config DIR`: every spec (JSON Schema), mapping, DQ rule file (DQDL
 * parsed by the real parser), SQL file and entity-match spec, with the validators the jobs use.
 * One line per problem (`file: path: message`), exit code 1 when there is any.
 */
export async function validateCommand(values: Record<string, string | boolean | undefined>): Promise<number> {
  if (typeof values.config !== 'string' || !values.config) throw new UsageError('validate: --config is required: the configuration folder (with etl/...)');
  const configDir = path.resolve(values.config);
  if (!fs.existsSync(configDir) || !fs.statSync(configDir).isDirectory()) throw new UsageError(`validate: --config ${values.config} is not a folder`);
  const python = ensurePython((line) => process.stderr.write(line + '\n'));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'insurancelake-validate-'));
  const worker = SparkWorker.start(python, `file://${scratch}`, {}, path.join(scratch, 'worker.log'));
  try {
    const { problems } = await worker.request<{ problems: Problem[] }>('validate', { config: configDir });
    if (values.json) {
      process.stdout.write(JSON.stringify({ problems }) + '\n');
    } else {
      for (const p of problems) process.stdout.write([p.file, p.path, p.message].filter(Boolean).join(': ') + '\n');
      process.stdout.write(problems.length ? `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${configDir}\n` : `${configDir}: configuration is valid\n`);
    }
    return problems.length ? 1 : 0;
  } finally {
    await worker.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
