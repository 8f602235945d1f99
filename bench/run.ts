/**
 * `npm run bench [-- --quick] [-- --only ingest,get-media,fan-out,seek,packaging,playback] [-- --runs N] [-- --json FILE]
 * [-- --profile DIR] [-- --dir DIR]`: runs every benchmark against a freshly started server child
 * on loopback (data dir on local disk, GetMedia data-rate cap off) and prints one table.
 * Each benchmark also runs alone: node dist/bench/{ingest,get-media-vs-nginx,live-fanout,seek,packaging,playback}.js.
 * The machine description is printed first, because the figures mean nothing without it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { getMediaBench } from './get-media-vs-nginx.js';
import { ingestBench } from './ingest.js';
import { fanoutBench } from './live-fanout.js';
import { packagingBench } from './packaging.js';
import { playbackBench } from './playback.js';
import { parseBenchArgs, type BenchOptions } from './lib/options.js';
import { formatTable, type ResultRow } from './lib/stats.js';
import { seekBench } from './seek.js';

const BENCHMARKS: Record<string, (o: BenchOptions) => Promise<ResultRow[]>> = {
  ingest: ingestBench,
  'get-media': getMediaBench,
  'fan-out': fanoutBench,
  seek: seekBench,
  packaging: packagingBench,
  playback: playbackBench,
};

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10_000,
    }).trim();
  } catch {
    return '(unavailable)';
  }
}

function openFilesLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s+/)[3] ?? NaN);
}

export function machineDescription(workDir: string): string {
  const model =
    readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpus()[0]?.model;
  return [
    `cpu: ${model}, nproc ${sh('nproc', [])}`,
    `memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `disk (work dir ${workDir}): ${sh('df', ['-hT', workDir]).split('\n').at(-1)}`,
    `block devices: ${sh('lsblk', ['-dno', 'NAME,SIZE,ROTA,TYPE']).replace(/\n/g, '; ')}`,
    `node ${process.version}, ${sh('sh', ['-c', '/usr/sbin/nginx -v 2>&1'])}`,
    `open files limit: ${openFilesLimit()}`,
    `load average at start (other work on the machine skews figures): ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  ].join('\n');
}

const options = parseBenchArgs(process.argv.slice(2));
const selected = options.only.length > 0 ? options.only : Object.keys(BENCHMARKS);
for (const name of selected) if (!BENCHMARKS[name]) throw new Error(`unknown benchmark ${name}`);
if (selected.includes('fan-out') && openFilesLimit() < 4096) {
  console.error(
    `warning: open files limit ${openFilesLimit()} < 4096; run \`ulimit -n 8192\` first for 1000 readers`,
  );
}

const machine = machineDescription(options.workDir);
console.log(machine);
console.log(`mode: ${options.quick ? 'quick' : 'full'}; benchmarks: ${selected.join(', ')}\n`);
const started = performance.now();
const rows: ResultRow[] = [];
const timings: Record<string, number> = {};
for (const name of selected) {
  const t = performance.now();
  options.log(`== ${name}`);
  rows.push(...(await BENCHMARKS[name]!(options)));
  timings[name] = (performance.now() - t) / 1000;
}
const totalSeconds = (performance.now() - started) / 1000;
console.log(formatTable(rows));
const notes = rows.filter((r) => r.note).map((r) => `- ${r.bench} / ${r.metric}: ${r.note}`);
if (notes.length > 0) console.log(`\nnotes:\n${notes.join('\n')}`);
console.log(
  `\n${options.quick ? 'quick' : 'full'} run: ${totalSeconds.toFixed(0)} s (${Object.entries(timings)
    .map(([k, v]) => `${k} ${v.toFixed(0)} s`)
    .join(', ')}); load average at end ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
if (options.json) {
  writeFileSync(
    options.json,
    JSON.stringify({ machine, mode: options.quick ? 'quick' : 'full', timings, rows }, null, 2),
  );
}
