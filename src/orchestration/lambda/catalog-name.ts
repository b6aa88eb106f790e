// Which Collect folder names can become Glue catalog names (decision I11). The Glue API takes any
// UTF-8 string of 1–255 bytes, but the engine uses the names unquoted in Spark SQL and users query
// them in Athena, which admit only letters, digits and `_` (Athena: "Name databases, tables, and
// columns"); Spark also reads a name of digits such as `2024`, `10L` or `1e5` as a number. Names
// are stored in lower case, so upper case in a folder name is fine.

/** Glue's limit on a database or table name, in bytes (ASCII names: characters). */
const GLUE_NAME_MAX = 255;

/** The longest name the engine derives from a database folder: its Consume database `<db>_consume`. */
const DATABASE_SUFFIX = '_consume';

/** The longest name the engine derives from a table folder: its quarantine table `<table>_quarantine_before_transform`. */
const TABLE_SUFFIX = '_quarantine_before_transform';

/** The longest database folder name: `<db>_consume` must fit Glue's limit. */
export const DATABASE_NAME_MAX = GLUE_NAME_MAX - DATABASE_SUFFIX.length;

/** The longest table folder name: `<table>_quarantine_before_transform` must fit Glue's limit. */
export const TABLE_NAME_MAX = GLUE_NAME_MAX - TABLE_SUFFIX.length;

/** What a database or table folder may hold, as rejection messages state it. */
export const ALLOWED_NAME = 'database and table folders may hold only the letters A-Z and a-z, the digits 0-9 and _, and must not start with a digit (upper case is fine: names are stored in lower case)';

/** A character as a message shows it: `"+"`, `space`, `"é" (U+00E9)`, `U+0009`. */
function describe(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (ch === ' ') return 'space';
  if (cp < 0x20 || cp === 0x7f) return code;
  return cp < 0x80 ? `"${ch}"` : `"${ch}" (${code})`;
}

/** Why one folder name cannot be a catalog name, and whether the allowed characters explain it. */
function nameProblem(role: 'database' | 'table', name: string): { problem: string; characters: boolean } | undefined {
  // A name too long for the catalog is shown by its start, so that the message stays readable.
  const folder = `${role} folder "${name.length > 40 ? `${name.slice(0, 20)}…` : name}"`;
  const bad = [...new Set(Array.from(name).filter((ch) => !/[A-Za-z0-9_]/.test(ch)))];
  if (bad.length > 0) {
    return { problem: `${folder} is not a valid catalog name: it contains ${bad.map(describe).join(', ')}`, characters: true };
  }
  if (/^[0-9]/.test(name)) {
    return { problem: `${folder} is not a valid catalog name: it starts with a digit, which Spark SQL reads as a number`, characters: true };
  }
  const max = role === 'database' ? DATABASE_NAME_MAX : TABLE_NAME_MAX;
  if (name.length > max) {
    const derived = role === 'database' ? `its Consume database <name>${DATABASE_SUFFIX}` : `its quarantine table <name>${TABLE_SUFFIX}`;
    return { problem: `${folder} is ${name.length} characters long; at most ${max} are allowed, because ${derived} must fit Glue's limit of ${GLUE_NAME_MAX}`, characters: false };
  }
  return undefined;
}

/**
 * Why the database and table folders cannot be catalog names (empty when they can): one problem
 * per folder, then, once, which characters are allowed.
 */
export function catalogNameProblems(database: string, table: string): string[] {
  const found = [nameProblem('database', database), nameProblem('table', table)].filter((p) => p !== undefined);
  const problems = found.map((p) => p.problem);
  if (found.some((p) => p.characters)) problems.push(ALLOWED_NAME);
  return problems;
}
