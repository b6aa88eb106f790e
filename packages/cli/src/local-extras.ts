import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TransformModules } from 'cdk-insurancelake';
import { InsuranceLakeError } from 'cdk-insurancelake/lib/local-runner';
import type { CommandOption } from './commands';
import { UsageError } from './errors';
import { ENGINE_PYTHONPATH } from './paths';
import { cacheDir, requirementFiles, run, step } from './python';

/**
 * What a local run adds to the engine, as a deployed lake adds it to its Glue jobs: the user's
 * transform modules (`transformModules`), Python libraries (`additionalPythonModules`) and jars
 * (`extraJars`). The same three reach the Spark worker of `run`, `job` and `validate`, and the
 * debug launch of `ide vscode`.
 */
export interface LocalExtras {
  /** `--transforms DIR`, checked as the construct checks it (its schema file current, no clash). */
  readonly transformModules?: TransformModules;
  /** Folders to put on the Python path: the `--python-modules` install. */
  readonly pythonPath: string[];
  /** Jar files for the local Spark session (`<config>/jars/*.jar`, then `$INSURANCELAKE_EXTRA_JARS`). */
  readonly jars: string[];
}

/** What `run` and `validate` add when a spec key is unknown and no modules folder was given. */
export const TRANSFORMS_HINT = 'A key that is a transform of your own modules needs the modules folder: --transforms <folder>.';

/** The folder of jars a configuration folder may carry for local runs. */
export const JARS_FOLDER = 'jars';
/** The variable with more jars (comma-separated paths, as Spark's `spark.jars`); the worker reads it too. */
export const EXTRA_JARS_ENV = 'INSURANCELAKE_EXTRA_JARS';

/** The options of the commands that run or check the engine (`run`, `job`, `validate`, `ide vscode`). */
export const EXTRAS_OPTIONS: Record<string, CommandOption> = {
  'transforms': {
    type: 'string',
    value: '<dir>',
    description: 'your transform modules folder, as TransformModules.fromAsset takes it (default: none)',
  },
  'python-modules': {
    type: 'string',
    value: '<list>',
    description: 'Python packages your modules import, as --additional-python-modules lists them: "a==1.2,b,./pkg"',
  },
};

/** The command-line values of {@link EXTRAS_OPTIONS}. */
export interface ExtrasOptions {
  readonly transforms?: string;
  readonly pythonModules?: string;
}

/** {@link ExtrasOptions} out of a command's parsed options. */
export function extrasOptions(values: Record<string, string | boolean | undefined>): ExtrasOptions {
  const text = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);
  return { transforms: text(values.transforms), pythonModules: text(values['python-modules']) };
}

/**
 * Resolve the extras of one command: check the transforms folder, install the Python modules
 * (cached by the list's hash) and collect the jars. `command` names the command in messages.
 */
export function resolveExtras(command: string, options: ExtrasOptions, configDir: string | undefined, python: string): LocalExtras {
  return {
    transformModules: options.transforms !== undefined ? transformModulesOf(command, options.transforms) : undefined,
    pythonPath: options.pythonModules?.trim() ? [installPythonModules(command, python, options.pythonModules)] : [],
    jars: extraJars(command, configDir),
  };
}

/** `--transforms DIR` as the construct takes it: the folder, its modules and its current schema file. */
export function transformModulesOf(command: string, folder: string): TransformModules {
  const dir = path.resolve(folder);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`${command}: --transforms ${folder} is not a folder`);
  try {
    return TransformModules.fromAsset(dir);
  } catch (error) {
    if (error instanceof InsuranceLakeError) throw new UsageError(`${command}: --transforms ${folder}: ${error.message}`);
    throw error;
  }
}

/**
 * The environment a Python process of the engine needs for the extras: the Python path (engine,
 * local runtime, then the installed modules) and the jars. `--transform_modules_path` is a job
 * argument instead ({@link localJobArguments}), as on Glue.
 */
export function extrasEnvironment(extras: LocalExtras): Record<string, string> {
  const env: Record<string, string> = { PYTHONPATH: [ENGINE_PYTHONPATH, ...extras.pythonPath].join(path.delimiter) };
  if (extras.jars.length) env[EXTRA_JARS_ENV] = extras.jars.join(',');
  return env;
}

/** The arguments only a local run passes its jobs (contract `set_by: local`). */
export function localJobArguments(extras: LocalExtras): Record<string, string> {
  return extras.transformModules ? { '--transform_modules_path': extras.transformModules.folder } : {};
}

/**
 * `<config>/jars/*.jar` (name order), then the comma-separated paths of `$INSURANCELAKE_EXTRA_JARS`;
 * each must be a jar file.
 */
export function extraJars(command: string, configDir: string | undefined): string[] {
  const jars: string[] = [];
  const folder = configDir ? path.join(configDir, JARS_FOLDER) : undefined;
  if (folder && fs.existsSync(folder) && fs.statSync(folder).isDirectory()) {
    jars.push(...fs.readdirSync(folder).filter((f) => f.endsWith('.jar')).sort().map((f) => path.join(folder, f)));
  }
  for (const entry of (process.env[EXTRA_JARS_ENV] ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const jar = path.resolve(entry);
    if (!fs.existsSync(jar) || !fs.statSync(jar).isFile() || !jar.endsWith('.jar')) {
      throw new UsageError(`${command}: ${EXTRA_JARS_ENV}: ${entry} is not a .jar file; expected comma-separated paths of jar files`);
    }
    jars.push(jar);
  }
  return jars;
}

/**
 * Install `--python-modules` (Glue's `--additional-python-modules` syntax: comma-separated pip
 * requirements; a local path installs that folder or wheel) into `<cache>/python-modules/<hash>`
 * with the environment's pip, constrained by the engine's lock file so that nothing the engine
 * pins changes version. The folder is keyed by the interpreter, the list and the content of local
 * paths: the same list is installed once. Returns the folder (for the Python path).
 */
export function installPythonModules(command: string, python: string, list: string): string {
  const entries = list.split(',').map((e) => e.trim()).filter(Boolean);
  const hash = createHash('sha256').update(python).update('\0').update(fs.readFileSync(requirementFiles().lock));
  const requirements = entries.map((entry) => {
    const local = /^(\.{1,2}[\\/]|[\\/])/.test(entry) || fs.existsSync(entry) ? path.resolve(entry) : undefined;
    if (local && !fs.existsSync(local)) throw new UsageError(`${command}: --python-modules: ${entry} is not a file or folder`);
    hash.update('\0').update(local ?? entry);
    if (local) hash.update(contentDigest(local));
    return local ?? entry;
  });
  const target = path.join(cacheDir(), 'python-modules', hash.digest('hex').slice(0, 16));
  const done = path.join(target, '.insurancelake-installed');
  if (fs.existsSync(done)) return target;
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  const log = path.join(cacheDir(), 'python-modules', `${path.basename(target)}.log`);
  step(`installing --python-modules ${entries.join(', ')} into ${target} (once for this list)`,
    () => run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--target', target, '-c', requirementFiles().lock, ...requirements], log),
    log,
    (status) => {
      fs.rmSync(target, { recursive: true, force: true });
      const reason = fs.readFileSync(log, 'utf8').split('\n').filter((l) => /^ERROR:/.test(l)).pop() ?? `pip exit code ${status}`;
      return `${command}: --python-modules ${list}: pip could not install it: ${reason.replace(/^ERROR:\s*/, '')} (the log is kept in ${log})`;
    });
  fs.writeFileSync(done, entries.join('\n') + '\n');
  return target;
}

/** A digest of a local file or folder (relative names, sizes and modification times of its files). */
function contentDigest(location: string): string {
  const hash = createHash('sha256');
  const visit = (file: string) => {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(file).sort()) {
        if (!['__pycache__', 'build', 'dist', '.git'].includes(name) && !name.endsWith('.egg-info')) visit(path.join(file, name));
      }
    } else {
      hash.update(`${path.relative(location, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  visit(location);
  return hash.digest('hex');
}
