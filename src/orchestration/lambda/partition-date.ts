// The partition of a Collect object (infrastructure.md §10.2 step 4, decision I11): the event date,
// overridden one part at a time by the year, month and day folders. The folder names become the
// partition values verbatim, so they must be a real calendar date in the form the partitions use
// (`2024`, `06`, `05`): `6` and `06` would be two partitions of one month.

/** Partition values: `p_year`, `p_month`, `p_day`. */
export interface PartitionValues {
  readonly year: string;
  readonly month: string;
  readonly day: string;
}

/** Either the partition or the problems of the date folders. */
export type ResolvedPartition =
  | { readonly ok: true; readonly values: PartitionValues }
  | { readonly ok: false; readonly problems: string[] };

const FORMATS: ReadonlyArray<{ part: keyof PartitionValues; pattern: RegExp; expected: string }> = [
  { part: 'year', pattern: /^(?!0000)[0-9]{4}$/, expected: 'four digits such as 2024' },
  { part: 'month', pattern: /^(0[1-9]|1[0-2])$/, expected: 'two digits from 01 to 12' },
  { part: 'day', pattern: /^(0[1-9]|[12][0-9]|3[01])$/, expected: 'two digits from 01 to 31' },
];

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * The partition of an object whose folders below the table folder are `folders` (the first three
 * are year, month and day; deeper ones do not count), uploaded on `eventDate`.
 */
export function resolvePartition(folders: readonly string[], eventDate: PartitionValues): ResolvedPartition {
  const given: Partial<Record<keyof PartitionValues, string>> = {};
  const problems: string[] = [];
  FORMATS.forEach(({ part, pattern, expected }, i) => {
    if (i >= folders.length) return;
    given[part] = folders[i];
    if (!pattern.test(folders[i])) problems.push(`${part} folder "${folders[i]}" is not a ${part}: expected ${expected}`);
  });
  if (problems.length > 0) return { ok: false, problems };

  const values: PartitionValues = { ...eventDate, ...given };
  const days = daysInMonth(Number(values.year), Number(values.month));
  if (Number(values.day) <= days) return { ok: true, values };
  const date = `${values.year}-${values.month}-${values.day}`;
  if (given.day !== undefined) {
    return { ok: false, problems: [`day folder "${given.day}" does not exist in ${values.year}-${values.month}, which has ${days} days`] };
  }
  // A partial override: the missing parts come from the upload date, and together they make no date.
  const folderNames = (Object.keys(given) as Array<keyof PartitionValues>).map((p) => `${p} folder "${given[p]}"`).join(' and ');
  const fromEvent = given.month === undefined ? 'the month and day come' : 'the day comes';
  const add = given.month === undefined ? 'month and day folders' : 'a day folder';
  return {
    ok: false,
    problems: [`${date} does not exist: with only the ${folderNames}, ${fromEvent} from the upload date; add ${add} (<Database>/<Table>/<year>/<month>/<day>/<file>)`],
  };
}
