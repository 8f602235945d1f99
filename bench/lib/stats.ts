/** Order statistics and the result rows every benchmark returns to bench/run.ts. */

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest-rank: the smallest value with at least q of the samples at or below it.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

export interface ResultRow {
  bench: string;
  metric: string;
  unit: string;
  /** The reported figure: the median of `runs` unless said otherwise in the metric name. */
  value: number;
  /** Per-run values the median was taken over (one entry: a single measurement). */
  runs: number[];
  /** The goal as text, e.g. "≥ 300", and whether the value meets it (undefined: no goal). */
  goal?: string;
  pass?: boolean;
  note?: string;
}

export function row(
  bench: string,
  metric: string,
  unit: string,
  runs: number[],
  extra: { goal?: string; atLeast?: number; atMost?: number; note?: string } = {},
): ResultRow {
  const value = median(runs);
  const r: ResultRow = { bench, metric, unit, value, runs };
  if (extra.goal) r.goal = extra.goal;
  if (extra.atLeast !== undefined) r.pass = value >= extra.atLeast;
  if (extra.atMost !== undefined) r.pass = value <= extra.atMost;
  if (extra.note) r.note = extra.note;
  return r;
}

export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return value.toFixed(0);
  if (abs >= 100) return value.toFixed(1);
  if (abs >= 10) return value.toFixed(2);
  return value.toFixed(3);
}

/** A plain-text (and Markdown-compatible) table of the rows. */
export function formatTable(rows: readonly ResultRow[]): string {
  const header = ['benchmark', 'metric', 'median', 'unit', 'runs (min–max)', 'goal', 'ok'];
  const lines = rows.map((r) => [
    r.bench,
    r.metric,
    fmt(r.value),
    r.unit,
    r.runs.length > 1 ? `${r.runs.length} (${fmt(Math.min(...r.runs))}–${fmt(Math.max(...r.runs))})` : '1',
    r.goal ?? '',
    r.pass === undefined ? '' : r.pass ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const fmtLine = (cells: string[]): string =>
    `| ${cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  return [
    fmtLine(header),
    `|${widths.map((w, i) => (i === 2 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`,
    ...lines.map(fmtLine),
  ].join('\n');
}

/** Megabytes in the SI sense (10^6 bytes), as KVS states its 12.5 MB/s PutMedia cap. */
export const MB = 1e6;
export const GB = 1e9;
