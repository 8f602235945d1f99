/** ffprobe and mp4box.js as independent readers of packaged output (test helper). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { createFile, type MP4BoxBuffer } from 'mp4box';
import { run } from '../../helpers/tools.js';

export interface ProbedPacket {
  stream: number;
  /** Seconds; undefined when ffprobe reports N/A. */
  pts: number | undefined;
  dts: number | undefined;
  size: number;
  key: boolean;
  md5: string;
}

export function tempFile(name: string, data?: Uint8Array): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kvideo-pack-')), name);
  if (data) writeFileSync(file, data);
  return file;
}

export async function probePackets(file: string): Promise<ProbedPacket[]> {
  const out = await run('ffprobe', [
    '-v',
    'error',
    '-show_data_hash',
    'MD5',
    '-show_entries',
    'packet=stream_index,pts_time,dts_time,size,flags,data_hash',
    '-of',
    'json',
    file,
  ]);
  if (out.code !== 0) throw new Error(`ffprobe ${file}: ${out.stderr}`);
  const json = JSON.parse(out.stdout) as {
    packets: {
      stream_index: number;
      pts_time?: string;
      dts_time?: string;
      size: string;
      flags: string;
      data_hash: string;
    }[];
  };
  const num = (v: string | undefined): number | undefined =>
    v === undefined || v === 'N/A' ? undefined : Number(v);
  return json.packets.map((p) => ({
    stream: p.stream_index,
    pts: num(p.pts_time),
    dts: num(p.dts_time),
    size: Number(p.size),
    key: p.flags.startsWith('K'),
    md5: p.data_hash,
  }));
}

export async function probeStreams(file: string): Promise<Record<string, string | number>[]> {
  const out = await run('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', file]);
  if (out.code !== 0) throw new Error(`ffprobe ${file}: ${out.stderr}`);
  return (JSON.parse(out.stdout) as { streams: Record<string, string | number>[] }).streams;
}

/** Decodes every frame; returns ffmpeg's error output ('' when clean). */
export async function decodeErrors(file: string): Promise<string> {
  const out = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-']);
  return out.code === 0 ? out.stderr : `exit ${out.code}: ${out.stderr}`;
}

export interface Mp4BoxReport {
  boxes: string[];
  errors: string[];
  tracks: { id: number; codec: string; samples: number }[];
  fragmented: boolean;
  /** mp4box's parsed box objects, for field checks. */
  raw: { type: string; [k: string]: unknown }[];
}

/** Parses the whole file with mp4box.js. */
export function mp4boxParse(data: Uint8Array): Mp4BoxReport {
  const file = createFile();
  const errors: string[] = [];
  let info:
    { tracks: { id: number; codec: string; nb_samples: number }[]; isFragmented: boolean } | undefined;
  file.onError = (module: string, message: string) => errors.push(`${module}: ${message}`);
  file.onReady = (i) => {
    info = i as unknown as typeof info;
  };
  const ab = data.buffer.slice(data.byteOffset, data.byteOffset + data.length) as MP4BoxBuffer;
  ab.fileStart = 0;
  file.appendBuffer(ab);
  file.flush();
  const raw = (file as unknown as { boxes: { type: string }[] }).boxes;
  return {
    boxes: raw.map((b) => b.type),
    errors,
    tracks: (info?.tracks ?? []).map((t) => ({ id: t.id, codec: t.codec, samples: t.nb_samples })),
    fragmented: info?.isFragmented ?? false,
    raw,
  };
}

const byStream = (packets: ProbedPacket[], stream: number): ProbedPacket[] =>
  packets.filter((p) => p.stream === stream);

/** Output packets carry the source's payloads, flags and times (shifted by `offsetS`). */
export function assertSamePackets(
  source: ProbedPacket[],
  output: ProbedPacket[],
  offsetS: number,
  streams: number,
  label: string,
): void {
  for (let s = 0; s < streams; s++) {
    const src = byStream(source, s);
    const out = byStream(output, s);
    assert.equal(out.length, src.length, `${label} stream ${s}: packet count`);
    for (let i = 0; i < src.length; i++) {
      const a = src[i]!;
      const b = out[i]!;
      const where = `${label} stream ${s} packet ${i}`;
      assert.equal(b.md5, a.md5, `${where}: payload`);
      assert.equal(b.size, a.size, `${where}: size`);
      assert.equal(b.key, a.key, `${where}: key flag`);
      assert.ok(Math.abs(b.pts! - offsetS - a.pts!) < 0.0011, `${where}: pts ${b.pts} vs ${a.pts}`);
      if (a.dts !== undefined) {
        assert.ok(Math.abs(b.dts! - offsetS - a.dts) < 0.0011, `${where}: dts ${b.dts} vs ${a.dts}`);
      }
    }
  }
}
