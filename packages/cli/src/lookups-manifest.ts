import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from './errors';

/** One `value_lookups` entry: a JSON file of lookups for one source system. */
export interface ValueLookupEntry {
  readonly file: string;
  readonly source_system: string;
}

/** One `multi_lookups` entry: a CSV of multi-column lookups for one lookup group. */
export interface MultiLookupEntry {
  readonly file: string;
  readonly lookup_group: string;
  readonly lookup_columns?: string[];
}

/** The lookups manifest (`lookups/lookups.json`), checked, with each listed file's absolute path. */
export interface LookupsManifest {
  readonly value_lookups: ValueLookupEntry[];
  readonly multi_lookups: MultiLookupEntry[];
}

const EXPECTED = 'expected {"value_lookups": [{"source_system", "file"}], "multi_lookups": [{"lookup_group", "file", "lookup_columns"?}]}';

/**
 * Reads and checks the lookups manifest before anything starts: a file that does not parse, an entry
 * without its fields or a listed file that does not exist is an InputError naming the manifest, the
 * line and column or JSON path, and the expectation. Returns undefined when there is no manifest.
 */
export function readLookupsManifest(manifestFile: string): LookupsManifest | undefined {
  if (!fs.existsSync(manifestFile)) return undefined;
  const text = fs.readFileSync(manifestFile, 'utf8');
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${manifestFile}: ${jsonSyntaxProblem(text, (error as Error).message)}; ${EXPECTED}`);
  }
  const fail = (where: string, what: string): never => {
    throw new InputError(`${manifestFile}: ${where}: ${what}; ${EXPECTED}`);
  };
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) fail('$', 'is not a JSON object');
  const m = manifest as Record<string, unknown>;
  const entries = (list: string, keys: string[]): Record<string, unknown>[] => {
    const value = m[list] ?? [];
    if (!Array.isArray(value)) fail(`$.${list}`, 'is not a list');
    return (value as unknown[]).map((entry, i) => {
      const where = `$.${list}[${i}]`;
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail(where, 'is not an object');
      const e = entry as Record<string, unknown>;
      for (const key of keys) {
        if (typeof e[key] !== 'string' || !e[key]) fail(`${where}.${key}`, 'is missing or not a non-empty string');
      }
      const file = path.resolve(path.dirname(manifestFile), e.file as string);
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) fail(`${where}.file`, `lists ${file}, which does not exist`);
      return e;
    });
  };
  const multi = entries('multi_lookups', ['file', 'lookup_group']);
  multi.forEach((e, i) => {
    const columns = e.lookup_columns;
    if (columns !== undefined && (!Array.isArray(columns) || columns.some((c) => typeof c !== 'string'))) {
      fail(`$.multi_lookups[${i}].lookup_columns`, 'is not a list of column names');
    }
  });
  return {
    value_lookups: entries('value_lookups', ['file', 'source_system']) as unknown as ValueLookupEntry[],
    multi_lookups: multi as unknown as MultiLookupEntry[],
  };
}

/** "line L, column C: <what V8 says>", from the character position V8 gives in its message. */
export function jsonSyntaxProblem(text: string, message: string): string {
  const what = message.replace(/^JSON\.parse: /, '').replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '');
  const position = /at position (\d+)/.exec(message);
  const offset = position ? Number(position[1]) : /end of JSON input/.test(message) ? text.length : undefined;
  if (offset === undefined) return `not valid JSON: ${what}`;
  const before = text.slice(0, offset).split('\n');
  return `not valid JSON at line ${before.length}, column ${before[before.length - 1].length + 1}: ${what}`;
}
