// The Collect key contract (infrastructure.md §10.2, §17.2): `<DB>/<TBL>[/<year>[/<month>[/<day>]]]/<file>`.
// Unlike the reference, a key that does not fit it is rejected with its reasons, not ignored or
// passed on to fail in a job (decision I11).
import { catalogNameProblems } from './catalog-name';
import { PartitionValues, resolvePartition } from './partition-date';

/**
 * Python's `urllib.parse.unquote_plus`: `+` becomes a space, `%XX` escapes are decoded as UTF-8
 * (invalid byte sequences become U+FFFD), and a `%` not followed by two hex digits stays as it is.
 * S3 event notifications deliver keys encoded this way.
 */
export function unquotePlus(encoded: string): string {
  const text = encoded.replace(/\+/g, ' ');
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '%' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const cp = text.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...encoder.encode(ch));
      i += ch.length - 1;
    }
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(new Uint8Array(bytes));
}

/** `os.path.dirname` and `os.path.basename` of a POSIX path. */
export function splitPath(p: string): { dir: string; base: string } {
  const i = p.lastIndexOf('/') + 1;
  let head = p.slice(0, i);
  if (head && head !== '/'.repeat(head.length)) head = head.replace(/\/+$/, '');
  return { dir: head, base: p.slice(i) };
}

/** The layout of a Collect key, as rejection messages state it. */
export const COLLECT_LAYOUT = '<Database>/<Table>[/<year>[/<month>[/<day>]]]/<file>';

/** A Collect object that starts a workflow. */
export interface CollectObject {
  /** Level-1 folder: the source system, used as the database name. */
  readonly database: string;
  /** Level-2 folder: the table name. */
  readonly table: string;
  /** The object's directory (may be deeper than the table folder). */
  readonly sourcePath: string;
  /** The object's base name. */
  readonly baseFileName: string;
  /** The event date overridden by folders 3, 4 and 5 (year, month, day) one at a time. */
  readonly partition: PartitionValues;
}

/**
 * What a Collect key is: an object to load; a folder marker, ignored (S3 consoles create them when
 * a user makes a folder); or an object the lake cannot load, with every reason (decision I11).
 */
export type ParsedCollectKey =
  | { readonly kind: 'object'; readonly object: CollectObject }
  | { readonly kind: 'folder'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly problems: string[]; readonly sourceKey?: string };

/** Why the folders of a key do not follow the layout, or undefined when they do. */
function layoutProblem(dir: string, components: readonly string[]): string | undefined {
  const expected = `expected ${COLLECT_LAYOUT}`;
  if (dir === '') return `it is at the top of the bucket, in no folder; ${expected}`;
  if (components.length < 2) return `it is in one folder ("${components[0]}") instead of a database and a table folder; ${expected}`;
  // An empty level-1 or level-2 folder (a key starting with "/", or "//") would name an empty database or table.
  if (components[0] === '') return `its database folder is empty (the key starts with "/"); ${expected}`;
  if (components[1] === '') return `its table folder is empty ("//" after the database folder); ${expected}`;
  return undefined;
}

/** Parses an already-decoded Collect key uploaded on `eventDate` (the default partition). */
export function parseCollectKey(key: string, eventDate: PartitionValues): ParsedCollectKey {
  if (key.endsWith('/')) {
    return { kind: 'folder', reason: `Received PutObject for folder ${key}; ignored` };
  }
  const { dir, base } = splitPath(key);
  const components = dir.split('/');
  const layout = layoutProblem(dir, components);
  if (layout) return { kind: 'rejected', problems: [layout] };

  const [database, table] = components;
  const problems = catalogNameProblems(database, table);
  const partition = resolvePartition(components.slice(2, 5), eventDate);
  if (!partition.ok) problems.push(...partition.problems);
  if (problems.length > 0 || !partition.ok) return { kind: 'rejected', problems, sourceKey: `${database}/${table}` };
  return {
    kind: 'object',
    object: { database, table, sourcePath: dir, baseFileName: base, partition: partition.values },
  };
}

/** Maximum length of the base-name part of an execution name (80 minus `-` and 20 digits). */
export const EXECUTION_NAME_BASE_MAX = 59;

/** The execution name: the base name reduced to `[A-Za-z0-9_-]`, cut to 59 characters, `-`, 20-digit time. */
export function executionName(baseFileName: string, compactTime: string): string {
  return `${baseFileName.replace(/[^a-zA-Z0-9_-]/g, '').slice(0, EXECUTION_NAME_BASE_MAX)}-${compactTime}`;
}
