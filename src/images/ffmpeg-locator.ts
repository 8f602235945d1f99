/**
 * Finds the ffmpeg binary GetImages decodes with: the path given by `--ffmpeg PATH` (env
 * KVIDEO_FFMPEG) or else the first executable `ffmpeg` on PATH. Reports why none was found, so
 * GetImages can answer with a message that says how to enable it. Must not spawn anything.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type FfmpegLocation = { path: string } | { missing: string };

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function locateFfmpeg(
  configured: string | undefined,
  envPath = process.env.PATH ?? '',
): FfmpegLocation {
  if (configured !== undefined && configured !== '') {
    return executable(configured)
      ? { path: configured }
      : { missing: `the configured ffmpeg (${configured}) does not exist or is not executable` };
  }
  for (const dir of envPath.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'ffmpeg');
    if (executable(candidate)) return { path: candidate };
  }
  return { missing: 'no ffmpeg was found on PATH' };
}
