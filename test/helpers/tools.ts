/** Detects external tools (ffmpeg, ffprobe, mkvinfo) so tests can skip with a visible reason. */
import { execFile, execFileSync } from 'node:child_process';

function missing(tool: string, args: string[]): string | false {
  try {
    execFileSync(tool, args, { stdio: 'ignore' });
    return false;
  } catch {
    return `${tool} is not installed`;
  }
}

/**
 * ffmpeg's live Matroska output as the README's producer command writes it: one Cluster (one KVS
 * fragment) per key-frame group instead of ffmpeg's default time-cut live clusters.
 */
export const LIVE_MKV_OUTPUT = [
  '-f',
  'matroska',
  '-live',
  '1',
  '-cluster_time_limit',
  '100000',
  '-cluster_size_limit',
  '50000000',
] as const;

export const ffmpegMissing = missing('ffmpeg', ['-version']);
export const ffprobeMissing = missing('ffprobe', ['-version']);
export const mkvinfoMissing = missing('mkvinfo', ['--version']);

export function run(
  tool: string,
  args: string[],
  options: { timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      tool,
      args,
      { timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Number of video key frames in a media file, counted by ffprobe. */
export async function countKeyFrames(file: string): Promise<number> {
  const out = await run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'packet=flags',
    '-of',
    'csv=p=0',
    file,
  ]);
  if (out.code !== 0) throw new Error(out.stderr);
  return out.stdout.split('\n').filter((l) => l.startsWith('K')).length;
}

export const fixture = (name: string): string =>
  new URL(`../../../test/fixtures/media/${name}`, import.meta.url).pathname;
