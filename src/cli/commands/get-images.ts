/**
 * `kvideo get-images`: `aws kinesis-video-archived-media get-images` (same arguments, automatic
 * pagination over NextToken, output per --output), with GetDataEndpoint (GET_IMAGES) when no
 * --endpoint-url is given, and one kvideo extension: --output-dir writes each image to a file
 * (with a progress line on a terminal) instead of printing base64 content.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArgDef } from '../args/arg-table.js';
import { jsonOperationCommand, type PageSink } from '../json-command.js';
import { ImageProgress } from '../payload/image-progress.js';

const EXTRA_ARGS: ArgDef[] = [
  {
    name: 'output-dir',
    kind: 'value',
    docType: 'string',
    help:
      'kvideo extension. Write every image to a file in this directory (created if needed), named ' +
      '<stream>-<timestamp in epoch milliseconds>.jpg or .png, and print one line per image: the file ' +
      'written, or the timestamp and its Error (NO_MEDIA, MEDIA_ERROR). All pages are fetched.',
  },
  {
    name: 'no-progress',
    kind: 'flag',
    docType: 'boolean',
    help: 'kvideo extension. Do not show the progress line of --output-dir (shown only when stderr is a terminal).',
  },
];

interface ImageItem {
  TimeStamp?: number;
  Error?: string;
  ImageContent?: string;
}

function fileSink(dir: string, stream: string, format: string, progress: ImageProgress): PageSink {
  const extension = format === 'PNG' ? 'png' : 'jpg';
  let made = false;
  return {
    async page(response) {
      if (!made) {
        await mkdir(dir, { recursive: true });
        made = true;
      }
      for (const image of (response.Images as ImageItem[] | undefined) ?? []) {
        const ms = Math.round((image.TimeStamp ?? 0) * 1000);
        if (image.ImageContent === undefined) {
          progress.skipped();
          progress.print(`${new Date(ms).toISOString()}\t${image.Error ?? 'NO_IMAGE'}\n`);
          continue;
        }
        const bytes = Buffer.from(image.ImageContent, 'base64');
        const path = join(dir, `${stream}-${ms}.${extension}`);
        await writeFile(path, bytes);
        progress.written(bytes.length);
        progress.print(`${path}\n`);
      }
    },
    async finish() {
      progress.finish();
    },
  };
}

export const getImages = jsonOperationCommand({
  name: 'get-images',
  operation: 'GetImages',
  summary: 'Retrieve still images decoded from a stream for a time range (GetImages).',
  dataPlaneApi: 'GET_IMAGES',
  extra: EXTRA_ARGS,
  sink(inv) {
    const dir = inv.values.get('output-dir');
    if (typeof dir !== 'string') return undefined;
    const stream =
      typeof inv.params.StreamName === 'string'
        ? inv.params.StreamName
        : (String(inv.params.StreamARN ?? 'stream')
            .split('/')
            .at(-2) ?? 'stream');
    const show = !inv.values.has('no-progress') && Boolean(process.stderr.isTTY);
    return fileSink(dir, stream, String(inv.params.Format ?? 'JPEG'), new ImageProgress(show));
  },
});
