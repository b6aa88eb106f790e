// The Collect key contract (infrastructure.md §10.2, §17.2): `<DB>/<TBL>[/<year>[/<month>[/<day>]]]/<file>`.

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
  /** Folders 3, 4 and 5 when present: they override year, month and day one at a time. */
  readonly yearOverride?: string;
  readonly monthOverride?: string;
  readonly dayOverride?: string;
}

/** Either the parsed object or the reason why the key starts nothing. */
export type ParsedCollectKey = { readonly ok: true; readonly object: CollectObject } | { readonly ok: false; readonly reason: string };

/** Parses an already-decoded Collect key. Folder keys and keys with fewer than two folders are ignored. */
export function parseCollectKey(key: string): ParsedCollectKey {
  if (key.endsWith('/')) {
    return { ok: false, reason: `Received PutObject for folder ${key}; ignored` };
  }
  const { dir, base } = splitPath(key);
  const components = dir.split('/');
  // The reference ignores keys with fewer than two folders; an empty level-1 or level-2 folder (a key
  // starting with "/") would name an empty database or table, so it is ignored the same way.
  if (components.length < 2 || components[0] === '' || components[1] === '') {
    return {
      ok: false,
      reason: `Object ${key} ignored due to unexpected naming convention: expected <database>/<table>/[<year>/[<month>/[<day>/]]]<file>`,
    };
  }
  return {
    ok: true,
    object: {
      database: components[0],
      table: components[1],
      sourcePath: dir,
      baseFileName: base,
      yearOverride: components[2],
      monthOverride: components[3],
      dayOverride: components[4],
    },
  };
}

/** Maximum length of the base-name part of an execution name (80 minus `-` and 20 digits). */
export const EXECUTION_NAME_BASE_MAX = 59;

/** The execution name: the base name reduced to `[A-Za-z0-9_-]`, cut to 59 characters, `-`, 20-digit time. */
export function executionName(baseFileName: string, compactTime: string): string {
  return `${baseFileName.replace(/[^a-zA-Z0-9_-]/g, '').slice(0, EXECUTION_NAME_BASE_MAX)}-${compactTime}`;
}
