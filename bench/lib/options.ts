/**
 * Command-line options shared by bench/run.ts and every benchmark run alone
 * (`node dist/bench/<name>.js [--quick] [--runs N] [--dir DIR] [--profile DIR] [--json FILE]`), and
 * the main-module helper that runs one benchmark and prints its table.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatTable, type ResultRow } from './stats.js';

export interface BenchOptions {
  /** Small sizes for a run under 3 minutes in total. */
  quick: boolean;
  /** Repetitions per measurement (median reported); 0 = the benchmark's default. */
  runs: number;
  /** Parent of the temporary data directories (local disk). */
  workDir: string;
  /** Write V8 CPU profiles of the server child here. */
  profileDir: string | undefined;
  /** Benchmark-specific size overrides, e.g. --set fragments=200. */
  set: Record<string, number>;
  log(message: string): void;
}

export function parseBenchArgs(argv: string[]): BenchOptions & { only: string[]; json: string | undefined } {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      runs: { type: 'string' },
      dir: { type: 'string' },
      profile: { type: 'string' },
      json: { type: 'string' },
      only: { type: 'string', multiple: true },
      set: { type: 'string', multiple: true },
      quiet: { type: 'boolean', default: false },
    },
  });
  const set: Record<string, number> = {};
  for (const kv of values.set ?? []) {
    const [k, v] = kv.split('=');
    if (!k || v === undefined || !Number.isFinite(Number(v))) throw new Error(`bad --set ${kv}`);
    set[k] = Number(v);
  }
  const workDir = resolve(values.dir ?? tmpdir());
  mkdirSync(workDir, { recursive: true });
  const profileDir = values.profile ? resolve(values.profile) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const started = performance.now();
  return {
    quick: values.quick && !values.full,
    runs: values.runs ? Number(values.runs) : 0,
    workDir,
    profileDir,
    set,
    only: (values.only ?? []).flatMap((o) => o.split(',')),
    json: values.json,
    log: values.quiet
      ? () => undefined
      : (message) =>
          process.stderr.write(
            `[${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}\n`,
          ),
  };
}

/** A fresh temporary directory under the work dir; removed by the returned cleanup. */
export function tempDir(options: BenchOptions, label: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(options.workDir, `kvideo-bench-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function isMain(metaUrl: string): boolean {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(metaUrl);
}

/** Runs one benchmark as a program: parses argv, prints the table (and JSON if asked). */
export async function runAlone(
  name: string,
  bench: (options: BenchOptions) => Promise<ResultRow[]>,
): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2));
  const started = performance.now();
  const rows = await bench(options);
  console.log(formatTable(rows));
  console.log(
    `\n${name}: ${options.quick ? 'quick' : 'full'} run took ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  if (options.json) writeFileSync(options.json, JSON.stringify({ rows }, null, 2));
}
