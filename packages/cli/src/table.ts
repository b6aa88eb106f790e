/** Render rows as a plain text table with a header rule; cells are stringified, nulls shown as NULL. */
export function renderTable(columns: string[], rows: unknown[][]): string {
  const cell = (v: unknown) => (v === null || v === undefined ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const text = rows.map((row) => row.map(cell));
  const widths = columns.map((c, i) => Math.min(80, Math.max(c.length, ...text.map((r) => r[i]?.length ?? 0))));
  const fit = (s: string, w: number) => (s.length > w ? s.slice(0, w - 1) + '…' : s.padEnd(w));
  const line = (cells: string[]) => cells.map((c, i) => fit(c, widths[i])).join('  ').trimEnd();
  return [line(columns), widths.map((w) => '─'.repeat(w)).join('  '), ...text.map(line)].join('\n') + '\n';
}
