import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Configuration } from 'cdk-insurancelake';
import { InsuranceLakeError } from 'cdk-insurancelake/lib/local-runner';
import { UsageError } from '../errors';
import { TRANSFORMS_HINT, extrasEnvironment, extrasOptions, resolveExtras } from '../local-extras';
import { ensurePython } from '../python';
import { SparkWorker } from '../spark-worker';

interface Problem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

/**
 * `insurancelake validate --config DIR [--transforms DIR] [--python-modules LIST]`: every spec (JSON
 * Schema, with the keys of the transform modules), mapping, DQ rule file (DQDL parsed by the real
 * parser), SQL file and entity-match spec, with the validators the jobs use; the transform modules
 * are loaded as a job loads them (a module that does not import is a problem naming its file).
 * One line per problem (`file: path: message`), exit code 1 when there is any.
 */
export async function validateCommand(values: Record<string, string | boolean | undefined>): Promise<number> {
  if (typeof values.config !== 'string' || !values.config) throw new UsageError('validate: --config is required: the configuration folder (with etl/...)');
  const configDir = path.resolve(values.config);
  if (!fs.existsSync(configDir) || !fs.statSync(configDir).isDirectory()) throw new UsageError(`validate: --config ${values.config} is not a folder`);
  // The layout check the construct makes (Configuration.fromAsset), with the same expected tree;
  // the files are then checked by the engine, which also parses DQDL and SQL variables.
  try {
    Configuration.fromAsset(configDir, { validate: false });
  } catch (error) {
    if (!(error instanceof InsuranceLakeError)) throw error;
    return report([{ file: '', path: '', message: error.message }], configDir, !!values.json);
  }
  const python = ensurePython();
  const options = extrasOptions(values);
  // The modules are loaded by the engine, which reports their problems with the module file.
  const extras = resolveExtras('validate', { pythonModules: options.pythonModules }, configDir, python);
  const transforms = options.transforms !== undefined ? path.resolve(options.transforms) : undefined;
  if (transforms && (!fs.existsSync(transforms) || !fs.statSync(transforms).isDirectory())) {
    throw new UsageError(`validate: --transforms ${options.transforms} is not a folder`);
  }
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'insurancelake-validate-'));
  const worker = SparkWorker.start(python, `file://${scratch}`, extrasEnvironment(extras), path.join(scratch, 'worker.log'));
  let keepLog = false;
  try {
    const { problems } = await worker.request<{ problems: Problem[] }>('validate', { config: configDir, transforms });
    return report(problems, configDir, !!values.json, !transforms);
  } catch (error) {
    keepLog = true; // the error names the log
    throw error;
  } finally {
    await worker.close();
    if (!keepLog) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Print the problems (one `file: path: message` line each, or one JSON object); exit code 1 when there is any. */
function report(problems: Problem[], configDir: string, json: boolean, withoutModules = false): number {
  if (json) {
    process.stdout.write(JSON.stringify({ problems }) + '\n');
  } else {
    for (const p of problems) process.stdout.write([p.file, p.path, p.message].filter(Boolean).join(': ') + '\n');
    // As `run` says it: the key may be a transform of the user's own modules.
    if (withoutModules && problems.some((p) => p.message.startsWith('unknown transform '))) {
      process.stdout.write(TRANSFORMS_HINT + '\n');
    }
    process.stdout.write(problems.length ? `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${configDir}\n` : `${configDir}: configuration is valid\n`);
  }
  return problems.length ? 1 : 0;
}
