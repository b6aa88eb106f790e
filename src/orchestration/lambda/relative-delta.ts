// `now - relativedelta(**lookback)` as python-dateutil computes it (decision I5): the dependency
// look-back of `<DB>-<TBL>-dependent.json` is a dict of relativedelta keyword arguments.
//
// Plural keys are relative (years, months, weeks, days, hours, minutes, seconds, microseconds);
// singular keys are absolute and replace that field (year, month, day, hour, minute, second,
// microsecond). Order as in dateutil: absolute fields, then years/months with the day clipped to the
// month's length, then the time delta (weeks*7 + days, hours, minutes, seconds, microseconds).

const RELATIVE = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds', 'microseconds'] as const;
const ABSOLUTE = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond'] as const;

/** A look-back: relativedelta keyword arguments. */
export type RelativeDelta = Partial<Record<(typeof RELATIVE)[number] | (typeof ABSOLUTE)[number], number>>;

/** Checks a `lookback` object and returns it typed; the error names the offending key. */
export function parseRelativeDelta(value: unknown, where: string): RelativeDelta {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${where}: "lookback" must be an object of relativedelta arguments such as {"days": 1}`);
  }
  const out: Record<string, number> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!(RELATIVE as readonly string[]).includes(key) && !(ABSOLUTE as readonly string[]).includes(key)) {
      throw new Error(`${where}: "lookback.${key}" is not a relativedelta argument; expected one of ${[...RELATIVE, ...ABSOLUTE].join(', ')}`);
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new Error(`${where}: "lookback.${key}" must be a number, got ${JSON.stringify(v)}`);
    }
    if ((key === 'years' || key === 'months' || (ABSOLUTE as readonly string[]).includes(key)) && !Number.isInteger(v)) {
      throw new Error(`${where}: "lookback.${key}" must be an integer, got ${v}`);
    }
    out[key] = v;
  }
  return out;
}

function daysInMonth(year: number, month1: number): number {
  return new Date(Date.UTC(year, month1, 0)).getUTCDate();
}

/**
 * `now - relativedelta(**delta)` in UTC, at microsecond precision.
 * @returns epoch microseconds
 */
export function subtractRelativeDelta(nowEpochMicros: number, delta: RelativeDelta): number {
  const ms = Math.floor(nowEpochMicros / 1000);
  const d = new Date(ms);
  let micro = (d.getUTCMilliseconds() * 1000) + (nowEpochMicros - ms * 1000);
  let year = delta.year ?? d.getUTCFullYear();
  let month = delta.month ?? d.getUTCMonth() + 1;
  // Negated relative years/months (a - rd == a + (-rd)); months carry into years.
  const totalMonths = (year * 12 + (month - 1)) - ((delta.years ?? 0) * 12 + (delta.months ?? 0));
  year = Math.floor(totalMonths / 12);
  month = totalMonths - year * 12 + 1;
  const day = Math.min(daysInMonth(year, month), delta.day ?? d.getUTCDate());
  const hour = delta.hour ?? d.getUTCHours();
  const minute = delta.minute ?? d.getUTCMinutes();
  const second = delta.second ?? d.getUTCSeconds();
  if (delta.microsecond !== undefined) micro = delta.microsecond;
  const base = Date.UTC(2000, 0, 1, hour, minute, second) - Date.UTC(2000, 0, 1) + Date.UTC(year, month - 1, 1) +
    (day - 1) * 86_400_000;
  // Date.UTC maps years 0-99 to 1900-1999; look-backs that far are not meaningful, so no special case.
  const deltaMicros =
    ((delta.weeks ?? 0) * 7 + (delta.days ?? 0)) * 86_400e6 +
    (delta.hours ?? 0) * 3_600e6 +
    (delta.minutes ?? 0) * 60e6 +
    (delta.seconds ?? 0) * 1e6 +
    (delta.microseconds ?? 0);
  return base * 1000 + micro - Math.round(deltaMicros);
}
