import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { builtinTransformKeys, extendedSpecSchema } from './schema-validator';
import { InsuranceLakeError } from '../errors';

/** The generated schema file of a transform-modules folder (engine: spec_schema.MODULES_SCHEMA_FILE). */
export const MODULES_SCHEMA_FILE = 'transforms.schema.json';
/** Its section for the construct (engine: spec_schema.USER_SECTION). */
const USER_SECTION = 'x-insurancelake-transforms';
/** Files of a module folder that are not modules the jobs import (engine: transform_modules.module_names). */
const NOT_MODULES = new Set(['conftest.py', 'setup.py']);
/** `@transform("key"` and `@transforms.transform('key'`: the registrations a cheap scan can see. */
const REGISTRATION = /@(?:[A-Za-z_]\w*\.)*transform\(\s*(?:name\s*=\s*)?["']([^"']+)["']/g;

/** One user transform key of a modules folder, as its generated schema file lists it. */
interface UserTransformEntry {
  readonly module: string;
  readonly file: string;
  readonly def: string;
}

/**
 * A folder of your own Python transform modules, shipped to every ETL job.
 *
 * Each top-level module (`*.py` file, or package folder with an `__init__.py`; not `_private` or
 * `test_*` ones) registers transforms with the engine's public decorator
 * `insurancelake_etl.transforms.transform`, including the JSON Schema of the spec value. The folder
 * is zipped into its own asset, added to every job's `--extra-py-files` (never merged into the
 * engine's zip), and the module names go to the jobs as `--transform_modules`: each job imports
 * them before it checks the spec.
 *
 * The construct cannot run Python, so the folder carries a generated `transforms.schema.json`
 * (`python -m insurancelake_etl.spec_schema --modules <folder> --write`): the spec schema with the
 * folder's transforms, which editors use through `"$schema"` and the synth-time spec check merges
 * into the engine's schema. Synthesis fails, naming the module and the command, when the file is
 * missing, invalid or stale (a module changed since it was generated, or registers a key the file
 * does not list), or when a key clashes with a built-in transform. See docs/authoring-transforms.md.
 *
 * @example
 * new InsuranceLake(this, 'Lake', {
 *   configurationPath: 'config',
 *   transformModules: TransformModules.fromAsset('transforms'),
 * });
 */
export class TransformModules {
  /**
   * A local folder of transform modules (checked now, as described on the class).
   *
   * @param folder the folder that holds the modules and their generated `transforms.schema.json`
   */
  public static fromAsset(folder: string): TransformModules {
    return new TransformModules(path.resolve(folder));
  }

  /** The modules folder (absolute). */
  public readonly folder: string;
  /** The top-level modules the jobs import (`--transform_modules`), in name order. */
  public readonly moduleNames: string[];
  /** The transformation-spec keys the modules register (names and aliases), in name order. */
  public readonly transformKeys: string[];

  /** The `$defs` entries and key → def of the user transforms, merged into the synth-time spec schema. @internal */
  public readonly _schemaDefs: { [def: string]: unknown };
  /** @internal */
  public readonly _keyDefs: { [key: string]: string };
  /** Name of the spec schema with these transforms, for the synth-time spec check. @internal */
  public readonly _specSchema!: string;

  private readonly assets = new Map<Construct, s3assets.Asset>();

  private constructor(folder: string) {
    this.folder = folder;
    if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
      throw new InsuranceLakeError('TransformModules.Folder', undefined, `transform modules folder "${folder}" does not exist`);
    }
    this.moduleNames = moduleNames(folder);
    if (this.moduleNames.length === 0) {
      throw new InsuranceLakeError('TransformModules.Folder', undefined, `transform modules folder "${folder}" holds no Python module (*.py file or package folder with __init__.py)`);
    }
    const entries = this.readSchemaFile();
    this.transformKeys = Object.keys(entries).sort();
    this._keyDefs = Object.fromEntries(this.transformKeys.map(k => [k, entries[k].def]));
    this._schemaDefs = this.readDefs(entries);
    try {
      this._specSchema = extendedSpecSchema({ id: folder, defs: this._schemaDefs, keyDefs: this._keyDefs });
    } catch (error) {
      const files = [...new Set(Object.values(entries).map(e => e.file))].join(', ');
      this.fail(`${path.join(folder, MODULES_SCHEMA_FILE)} (modules ${files}): ${(error as Error).message}`);
    }
  }

  /**
   * The modules' zip asset, created once per scope, and the module names; called by {@link EtlJobs}.
   *
   * @param scope the construct that creates the asset
   */
  public bind(scope: Construct): TransformModulesConfig {
    let asset = this.assets.get(scope);
    if (!asset) {
      asset = new s3assets.Asset(scope, 'TransformModules', {
        path: this.folder,
        exclude: ['**/__pycache__', '**/*.pyc', '**/.pytest_cache', '**/.mypy_cache', '**/.ruff_cache'],
      });
      this.assets.set(scope, asset);
    }
    return { asset, moduleNames: this.moduleNames };
  }

  private command(): string {
    return `python -m insurancelake_etl.spec_schema --modules ${this.folder} --write`;
  }

  private fail(message: string): never {
    throw new InsuranceLakeError('TransformModules.Schema', undefined, `${message}; regenerate it: ${this.command()}`);
  }

  /** The generated file's key entries, after checking it is current for the modules as they are now. */
  private readSchemaFile(): { [key: string]: UserTransformEntry } {
    const file = path.join(this.folder, MODULES_SCHEMA_FILE);
    if (!fs.existsSync(file)) this.fail(`${file} is missing: the synth-time spec check and editors learn the modules' transform keys from it`);
    let document: any;
    try {
      document = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      this.fail(`${file} is not valid JSON (${(error as Error).message})`);
    }
    const section = document?.[USER_SECTION];
    if (!section || typeof section.transforms !== 'object' || typeof section.sources !== 'object') {
      this.fail(`${file} has no "${USER_SECTION}" section with "transforms" and "sources"`);
    }
    const sources = moduleSources(this.folder, this.moduleNames);
    const recorded: { [file: string]: string } = section.sources;
    for (const [relative, digest] of Object.entries(sources)) {
      if (recorded[relative] === undefined) this.fail(`${file} is stale: ${relative} is not in it`);
      if (recorded[relative] !== digest) this.fail(`${file} is stale: ${relative} changed since it was generated`);
    }
    for (const relative of Object.keys(recorded)) {
      if (sources[relative] === undefined) this.fail(`${file} is stale: it lists ${relative}, which is no longer a module file of the folder`);
    }
    const entries: { [key: string]: UserTransformEntry } = section.transforms;
    for (const [relative] of Object.entries(sources)) {
      const text = fs.readFileSync(path.join(this.folder, relative), 'utf8');
      for (const match of text.matchAll(REGISTRATION)) {
        if (!entries[match[1]]) this.fail(`${relative} registers transform "${match[1]}", which ${file} does not list`);
      }
    }
    const builtin = builtinTransformKeys();
    for (const [key, entry] of Object.entries(entries)) {
      if (builtin.has(key)) {
        throw new InsuranceLakeError('TransformModules.Clash', undefined,
          `transform "${key}" of ${path.join(this.folder, entry.file)} has the name of the built-in transform "${key}" of the engine; rename it`);
      }
    }
    return entries;
  }

  private readDefs(entries: { [key: string]: UserTransformEntry }): { [def: string]: unknown } {
    const document = JSON.parse(fs.readFileSync(path.join(this.folder, MODULES_SCHEMA_FILE), 'utf8'));
    const defs: { [def: string]: unknown } = {};
    for (const [key, entry] of Object.entries(entries)) {
      const fragment = document.$defs?.[entry.def];
      if (fragment === undefined) this.fail(`${MODULES_SCHEMA_FILE} lists transform "${key}" of ${entry.file} but has no $defs/${entry.def}`);
      defs[entry.def] = fragment;
    }
    return defs;
  }
}

/**
 * What a bound {@link TransformModules} gives the jobs.
 */
export interface TransformModulesConfig {
  /** The zip of the modules folder, added to every job's `--extra-py-files`. */
  readonly asset: s3assets.Asset;
  /** The modules the jobs import (`--transform_modules`). */
  readonly moduleNames: string[];
}

/** The top-level modules of `folder`, as the engine lists them (transform_modules.module_names). */
function moduleNames(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true })
    .filter(e => !/^[_.]|^test_/.test(e.name) && !NOT_MODULES.has(e.name))
    .flatMap(e => {
      if (e.isFile() && e.name.endsWith('.py')) return [e.name.slice(0, -3)];
      if (e.isDirectory() && fs.existsSync(path.join(folder, e.name, '__init__.py'))) return [e.name];
      return [];
    })
    .sort();
}

/** `relative path -> sha256` (LF line endings) of the modules' `.py` files (spec_schema.module_sources). */
function moduleSources(folder: string, modules: string[]): { [file: string]: string } {
  const sources: { [file: string]: string } = {};
  const add = (full: string) => {
    const text = fs.readFileSync(full).toString('latin1').replace(/\r\n/g, '\n');
    sources[path.relative(folder, full).split(path.sep).join('/')] = crypto.createHash('sha256').update(Buffer.from(text, 'latin1')).digest('hex');
  };
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== '__pycache__') walk(full);
      else if (e.isFile() && e.name.endsWith('.py')) add(full);
    }
  };
  for (const name of modules) {
    const file = path.join(folder, `${name}.py`);
    if (fs.existsSync(file)) add(file); else walk(path.join(folder, name));
  }
  return sources;
}
