import { parseRelativeDelta, subtractRelativeDelta } from '../../src/orchestration/lambda/relative-delta';
import { formatAuditTimestamp, formatCompact, parseUtc } from '../../src/orchestration/lambda/time';


// now - relativedelta(**lookback), as python-dateutil computes it.
const minus = (iso: string, delta: object) =>
  new Date(subtractRelativeDelta(Date.parse(iso) * 1000, parseRelativeDelta(delta, 'test')) / 1000).toISOString();

test.each([
  ['2024-03-15T12:00:00.000Z', { days: 1 }, '2024-03-14T12:00:00.000Z'],
  ['2024-03-15T12:00:00.000Z', { hours: 36 }, '2024-03-14T00:00:00.000Z'],
  ['2024-03-15T12:00:00.000Z', { weeks: 2, days: 1 }, '2024-02-29T12:00:00.000Z'],
  ['2024-03-31T08:00:00.000Z', { months: 1 }, '2024-02-29T08:00:00.000Z'], // day clipped to the month's end
  ['2023-03-31T08:00:00.000Z', { months: 1 }, '2023-02-28T08:00:00.000Z'],
  ['2024-01-15T08:00:00.000Z', { months: 13 }, '2022-12-15T08:00:00.000Z'],
  ['2024-02-29T08:00:00.000Z', { years: 1 }, '2023-02-28T08:00:00.000Z'],
  ['2024-03-31T08:00:00.000Z', { months: 1, days: 1 }, '2024-02-28T08:00:00.000Z'], // months first, then days
  ['2024-03-15T12:34:56.000Z', { minutes: 30, seconds: 30 }, '2024-03-15T12:04:26.000Z'],
  ['2024-03-15T12:00:00.000Z', { days: 1.5 }, '2024-03-14T00:00:00.000Z'],
  ['2024-03-15T12:34:56.000Z', { hour: 0, minute: 0, second: 0 }, '2024-03-15T00:00:00.000Z'], // absolute fields replace
  ['2024-03-15T12:00:00.000Z', { day: 1, months: 1 }, '2024-02-01T12:00:00.000Z'],
])('%s minus %j is %s', (now, delta, expected) => {
  expect(minus(now, delta)).toBe(expected);
});

test('non-integer months are rejected as dateutil does', () => {
  expect(() => parseRelativeDelta({ months: 1.5 }, 'x.json')).toThrow('x.json: "lookback.months" must be an integer, got 1.5');
});

test('a lookback that is not an object is rejected with the file name', () => {
  expect(() => parseRelativeDelta(7, 'x.json')).toThrow(/^x\.json: "lookback" must be an object/);
});

test('S3 event times keep microseconds and format like strftime', () => {
  const t = parseUtc('2023-01-01T23:30:00.123456Z');
  expect(formatAuditTimestamp(t)).toBe('2023-01-01 23:30:00.123456');
  expect(formatCompact(t)).toBe('20230101233000123456');
  expect(formatCompact(parseUtc('2023-01-02T01:30:00+02:00'))).toBe('20230101233000000000');
});
