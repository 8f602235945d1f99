/**
 * Test helper: a Matroska file cut into what ingest stores (producer header + one payload per
 * fragment), by the real PutMedia parser, so packaging tests see exactly the stored bytes.
 */
import { readFileSync } from 'node:fs';
import { MkvIngestParser } from '../../../src/mkv/ingest-parser.js';
import { concatBytes } from '../../../src/mkv/writer.js';

export interface StoredMedia {
  header: { ebmlHeader: Uint8Array; segmentHeader: Uint8Array };
  fragments: { timecode: number; bytes: Uint8Array }[];
}

/** dist/test/unit/packaging/ is four levels below the repository root. */
export function mediaPath(name: string): string {
  return new URL(`../../../../test/fixtures/media/${name}`, import.meta.url).pathname;
}

export function storedMedia(file: string): StoredMedia {
  const parser = new MkvIngestParser();
  const input = new Uint8Array(readFileSync(file.includes('/') ? file : mediaPath(file)));
  const events = [...parser.push(input), ...parser.end()];
  let header: StoredMedia['header'] | undefined;
  const fragments: StoredMedia['fragments'] = [];
  let parts: Uint8Array[] = [];
  let timecode = 0;
  for (const e of events) {
    if (e.type === 'header') header = { ebmlHeader: e.ebmlHeader, segmentHeader: e.segmentHeader };
    else if (e.type === 'clusterStart') {
      timecode = e.timecode;
      parts = [];
    } else if (e.type === 'bytes') parts.push(e.data);
    else if (e.type === 'clusterEnd') fragments.push({ timecode, bytes: concatBytes(parts) });
  }
  if (!header) throw new Error(`${file}: no header`);
  return { header, fragments };
}
