import * as fs from 'fs';
import * as path from 'path';
import { ConfigurationLayout, ConfigurationLayoutDocument } from '../contract';
import { InsuranceLakeError } from '../errors';

// The configuration folder's layout, from contract.json: what the folder must look like, and which
// file kind a path is. The folder has the layout of the ETL scripts bucket: its `etl/` subfolder is
// deployed to the same keys; `lookups/` is read only by the local runner. Internal module.

/** The kinds of configuration file: the keys of contract.json `configuration.files`. */
export type ConfigurationFileKind = keyof ConfigurationLayoutDocument['files'];

/** What each file is for, shown in the expected tree. */
const PURPOSE: Record<ConfigurationFileKind, string> = {
  spec: 'transformation spec: input_spec and transform_spec',
  mapping: 'schema mapping (CSV)',
  entity_match: 'entity-match spec (switches the entity-match step on)',
  dependent: 'dependencies: wait for other tables',
  sql: 'SQL of the cleanse-to-consume job',
  dq_rules: 'data-quality rules',
  lookups: 'lookup data (read only by insurancelake run)',
};

/** Kinds matched before the others: their names would also match a spec's `{database}-{table}.json`. */
const MATCH_ORDER: ConfigurationFileKind[] = ['entity_match', 'dependent', 'spec', 'mapping', 'sql', 'dq_rules', 'lookups'];

/** The order files are listed in the expected tree. */
const TREE_ORDER: ConfigurationFileKind[] = ['spec', 'mapping', 'entity_match', 'dependent', 'sql', 'dq_rules', 'lookups'];

const PLACEHOLDER = /\{(database|table|kind)\}/g;

function readable(template: string): string {
  return template.replace(PLACEHOLDER, (_m, name: string) =>
    name === 'database' ? '<DB>' : name === 'table' ? '<TBL>' : `{${ConfigurationLayout.sql_kinds.join(',')}}`);
}

/** A path template as a regular expression over `/`-separated paths relative to the folder. */
function templatePattern(template: string): RegExp {
  const parts = template.split(PLACEHOLDER);
  // split() with a capturing group interleaves literals and placeholder names.
  const source = parts.map((part, i) => {
    if (i % 2 === 0) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (part === 'database') return '[^-/]+';
    if (part === 'kind') return `(?:${ConfigurationLayout.sql_kinds.join('|')})`;
    return '[^/]+';
  }).join('');
  return new RegExp(`^${source}$`);
}

const PATTERNS: Array<[ConfigurationFileKind, RegExp]> = MATCH_ORDER.map(kind => [kind, templatePattern(ConfigurationLayout.files[kind])]);

/** The folders under the deployed folder that hold configuration (`etl/transformation-spec`, …). */
export function configurationFolders(): string[] {
  return Object.values(ConfigurationLayout.folders);
}

/** The kind of the file at `relative` (a `/`-separated path inside the configuration folder), if the jobs read it. */
export function configurationFileKind(relative: string): ConfigurationFileKind | undefined {
  return PATTERNS.find(([, pattern]) => pattern.test(relative))?.[0];
}

/** The file names the jobs read in `folder` (e.g. `etl/transformation-sql`), for messages. */
export function expectedNamesIn(folder: string): string[] {
  return TREE_ORDER.map(kind => ConfigurationLayout.files[kind])
    .filter(template => path.posix.dirname(template) === folder)
    .map(template => path.posix.basename(readable(template)));
}

/** The expected tree of a configuration folder, from the contract. */
export function expectedTree(): string {
  const deployed = ConfigurationLayout.deployed_folder;
  const rows: Array<[string, string]> = [[`${deployed}/`, `deployed to ${deployed}/ in the ETL scripts bucket, at the same keys`]];
  for (const kind of TREE_ORDER) {
    const template = ConfigurationLayout.files[kind];
    if (template.startsWith(`${deployed}/`)) rows.push([`  ${readable(template.slice(deployed.length + 1))}`, PURPOSE[kind]]);
  }
  for (const kind of TREE_ORDER) {
    const template = ConfigurationLayout.files[kind];
    if (!template.startsWith(`${deployed}/`)) rows.push([readable(template), PURPOSE[kind]]);
  }
  const width = Math.max(...rows.map(([name]) => name.length)) + 2;
  return ['<configuration folder>/', ...rows.map(([name, purpose]) => `  ${name.padEnd(width)}${purpose}`)].join('\n');
}

function layoutError(folder: string, problem: string): InsuranceLakeError {
  return new InsuranceLakeError('Configuration.Layout', undefined,
    `configuration folder "${folder}" ${problem}. Expected the layout of the ETL scripts bucket:\n${expectedTree()}`);
}

/**
 * Check that `folder` has the configuration layout: a folder with an `etl/` subfolder that holds at
 * least one of `transformation-spec/`, `transformation-sql/`, `dq-rules/`. Throws
 * `Configuration.Layout` with the expected tree otherwise.
 */
export function checkConfigurationLayout(folder: string): void {
  if (!fs.existsSync(folder)) throw layoutError(folder, 'does not exist');
  if (!fs.statSync(folder).isDirectory()) throw layoutError(folder, 'is a file, not a folder');
  const deployed = ConfigurationLayout.deployed_folder;
  const folders = configurationFolders();
  const relativeToDeployed = folders.map(f => path.posix.relative(deployed, f));
  const has = (dir: string, sub: string) => fs.existsSync(path.join(dir, sub)) && fs.statSync(path.join(dir, sub)).isDirectory();
  if (!has(folder, deployed)) {
    if (relativeToDeployed.some(sub => has(folder, sub))) {
      throw layoutError(folder, `looks like the ${deployed}/ folder itself (it holds ${relativeToDeployed.filter(sub => has(folder, sub)).map(s => `${s}/`).join(', ')}); give the folder that contains ${deployed}/`);
    }
    if (fs.readdirSync(folder).length === 0) throw layoutError(folder, 'is empty');
    throw layoutError(folder, `has no ${deployed}/ folder`);
  }
  if (!folders.some(sub => has(folder, sub))) {
    throw layoutError(folder, `has a ${deployed}/ folder with none of ${relativeToDeployed.map(s => `${s}/`).join(', ')} in it`);
  }
}
