// UTC timestamps with microsecond precision, formatted like Python's strftime in the reference
// handlers (`%Y-%m-%d %H:%M:%S.%f` and `%Y%m%d%H%M%S%f`). JavaScript dates stop at milliseconds, so
// the microseconds of an S3 `eventTime` are kept beside the date.

/** An instant in UTC: whole epoch milliseconds plus the microseconds within the second. */
export interface UtcInstant {
  /** Epoch milliseconds, truncated to the whole second. */
  readonly epochSecondMs: number;
  /** Microseconds within the second (0–999999). */
  readonly micros: number;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Parses an ISO 8601 time such as S3's `eventTime` (`2023-01-01T23:30:00.000Z`); no zone means UTC. */
export function parseUtc(text: string): UtcInstant {
  const m = ISO.exec(text.trim());
  if (!m) {
    throw new Error(`unparseable time "${text}": expected ISO 8601 such as 2023-01-01T23:30:00.000Z`);
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  const micros = frac ? Number(frac.slice(0, 6).padEnd(6, '0')) : 0;
  return { epochSecondMs: ms, micros };
}

/** The instant of a JavaScript date (millisecond precision). */
export function fromDate(date: Date): UtcInstant {
  const ms = date.getTime();
  const second = Math.floor(ms / 1000) * 1000;
  return { epochSecondMs: second, micros: (ms - second) * 1000 };
}

/** Whole epoch seconds (Python `int(dt.timestamp())`). */
export function epochSeconds(t: UtcInstant): number {
  return Math.floor(t.epochSecondMs / 1000);
}

const pad = (n: number, width: number = 2) => String(n).padStart(width, '0');

function parts(t: UtcInstant) {
  const d = new Date(t.epochSecondMs);
  return {
    Y: pad(d.getUTCFullYear(), 4),
    m: pad(d.getUTCMonth() + 1),
    d: pad(d.getUTCDate()),
    H: pad(d.getUTCHours()),
    M: pad(d.getUTCMinutes()),
    S: pad(d.getUTCSeconds()),
    f: pad(t.micros, 6),
  };
}

/** `%Y-%m-%d %H:%M:%S.%f`, the audit table's timestamp format. */
export function formatAuditTimestamp(t: UtcInstant): string {
  const p = parts(t);
  return `${p.Y}-${p.m}-${p.d} ${p.H}:${p.M}:${p.S}.${p.f}`;
}

/** `%Y%m%d%H%M%S%f`: 20 digits, the suffix of an execution name. */
export function formatCompact(t: UtcInstant): string {
  const p = parts(t);
  return `${p.Y}${p.m}${p.d}${p.H}${p.M}${p.S}${p.f}`;
}

/** `%Y`, `%m`, `%d` of the instant in UTC: the default partition values. */
export function partitionDefaults(t: UtcInstant): { year: string; month: string; day: string } {
  const p = parts(t);
  return { year: p.Y, month: p.m, day: p.d };
}
