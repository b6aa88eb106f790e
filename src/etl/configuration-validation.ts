import * as fs from 'fs';
import * as path from 'path';
import { closeMatch } from './close-match';
import { configurationFileKind, configurationFolders, ConfigurationFileKind, expectedNamesIn } from './configuration-layout';
import { CsvSyntaxError, parseCsv } from './csv';
import { SchemaFile, SchemaProblem, specSectionKeys, validateAgainstSchema } from './schema-validator';
import { ConfigurationLayout } from '../contract';

// The synth-time check of a configuration folder's files, in Node: every file under etl/ sits in a
// folder and has a name the jobs read, and every spec, entity-match spec, dependency file, DQ rules
// file and mapping CSV passes the engine's JSON Schema. The same rules as the engine's
// `validate_config`, minus what needs Python (DQDL parsing, SQL variable names): `insurancelake
// validate` checks those too. Internal module.

/** One thing wrong with a configuration file: the file (relative to the folder), where in it, and what. */
export interface ConfigurationProblem {
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

/** `file: path: message`, the path left out when there is none. */
export function problemLine(problem: ConfigurationProblem): string {
  return [problem.file, problem.path, problem.message].filter(Boolean).join(': ');
}

const JSON_SCHEMA: Partial<Record<ConfigurationFileKind, string>> = {
  spec: SchemaFile.SPEC,
  entity_match: SchemaFile.ENTITY_MATCH,
  dependent: SchemaFile.DEPENDENT,
  dq_rules: SchemaFile.DQ_RULES,
};

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter(entry => !entry.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap(entry => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(full) : entry.isFile() ? [full] : [];
    });
}

/**
 * Every problem of the files under `<folder>/etl/` (the folder's layout is checked before); specs
 * are checked against `specSchema` (the shipped spec schema, or one extended with user transforms).
 */
export function validateConfiguration(folder: string, specSchema: string = SchemaFile.SPEC): ConfigurationProblem[] {
  const problems: ConfigurationProblem[] = [];
  const folders = configurationFolders();
  for (const file of filesUnder(path.join(folder, ConfigurationLayout.deployed_folder))) {
    const relative = path.relative(folder, file).split(path.sep).join('/');
    const kind = configurationFileKind(relative);
    const parent = path.posix.dirname(relative);
    if (!kind) {
      problems.push({
        file: relative,
        path: '',
        message: folders.includes(parent)
          ? `not a file name the jobs read in ${parent}/; expected ${expectedNamesIn(parent).join(', ')}`
          : `not read by any job; configuration files go in ${folders.map(f => `${f}/`).join(', ')}`,
      });
      continue;
    }
    const text = fs.readFileSync(file, 'utf8');
    if (kind === 'mapping') {
      problems.push(...checkMapping(relative, text));
    } else if (kind === 'sql') {
      if (text.trim() === '') problems.push({ file: relative, path: '', message: 'the SQL file is empty; the job would fail (delete it or write the query)' });
    } else if (JSON_SCHEMA[kind]) {
      problems.push(...checkJson(relative, text, kind === 'spec' ? specSchema : JSON_SCHEMA[kind]!, kind === 'spec' ? misspeltSpecKeys : undefined));
    }
  }
  return problems;
}

function checkJson(file: string, text: string, schema: string, more?: (value: unknown) => SchemaProblem[]): ConfigurationProblem[] {
  if (text.trim() === '') return [{ file, path: 'line 1, column 1', message: 'malformed JSON: the file is empty' }];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return [{ file, path: jsonErrorPosition(text, error as Error), message: `malformed JSON: ${(error as Error).message.replace(/ in JSON at position \d+.*$/, '')}` }];
  }
  return [...validateAgainstSchema(schema, value), ...(more?.(value) ?? [])].map((p: SchemaProblem) => ({ file, path: p.path, message: p.message }));
}

/**
 * Keys of a spec's top level and `input_spec` that look like a misspelt known key. The schema leaves
 * those sections open (the reference ignores unknown keys there), but the engine fails a job on a
 * near miss (`strict_schema_maping`), so synth refuses it too, with the same message.
 */
function misspeltSpecKeys(value: unknown): SchemaProblem[] {
  const known = specSectionKeys();
  const near = (section: unknown, keys: string[], at: string): SchemaProblem[] => {
    if (!section || typeof section !== 'object' || Array.isArray(section)) return [];
    return Object.keys(section).filter(key => !keys.includes(key)).flatMap(key => {
      const close = closeMatch(key, keys);
      return close ? [{ path: `${at}.${key}`, message: `unknown key "${key}"; did you mean "${close}"?` }] : [];
    });
  };
  return [...near(value, known.top, '$'), ...near((value as { input_spec?: unknown } | null)?.input_spec, known.inputSpec, '$.input_spec')];
}

/** `line L, column C` of a JSON.parse error (V8 reports a character position). */
function jsonErrorPosition(text: string, error: Error): string {
  const position = /at position (\d+)/.exec(error.message);
  const offset = position ? Number(position[1]) : text.length;
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/**
 * A schema-mapping CSV, as the engine reads it: header names stripped and lower-cased, a missing
 * trailing cell is null, extra cells are ignored; each row is checked against mapping.schema.json.
 */
function checkMapping(file: string, text: string): ConfigurationProblem[] {
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    return [{ file, path: `line ${error.line}, column ${error.column}`, message: `malformed CSV: ${error.message}` }];
  }
  if (records.length === 0) return [];
  const [header, ...rows] = records;
  const names = header.cells.map(name => name.trim().toLowerCase());
  if (!names.includes('destname')) {
    return [{ file, path: `line ${header.line}, column 1`, message: `mapping header ${JSON.stringify(header.cells)} has no DestName column; expected at least SourceName,DestName` }];
  }
  const problems: ConfigurationProblem[] = [];
  for (const row of rows) {
    const value: Record<string, string | null> = {};
    names.forEach((name, i) => { value[name] = i < row.cells.length ? row.cells[i] : null; });
    for (const problem of validateAgainstSchema(SchemaFile.MAPPING_ROW, value)) {
      const index = problem.key !== undefined ? names.indexOf(problem.key) : -1;
      const column = index >= 0 ? `column ${index + 1} (${header.cells[index].trim()})` : `column ${names.length + 1}`;
      problems.push({ file, path: `line ${row.line}, ${column}`, message: problem.message });
    }
  }
  return problems;
}
