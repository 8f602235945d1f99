/**
 * Decoding of the buffered header elements the ingest parser needs: the EBML header (DocType check),
 * Info (TimecodeScale) and Tracks (number, type, codec).
 *
 * Owns: which fields are read and their defaults. Must not know: streaming, fragments, KVS tags.
 * Everything else in these elements is kept verbatim by the caller and never re-encoded.
 */
import { forEachChild, MkvFormatError, readString, readUint } from './ebml.js';
import { EbmlId } from './ids.js';

export interface TrackInfo {
  number: number;
  /** Matroska TrackType: 1 video, 2 audio, 17 subtitle, … */
  type: number;
  codecId: string;
  /** A view into the header bytes (not a copy). */
  codecPrivate?: Uint8Array;
}

/** Matroska's default TimecodeScale: 1 ms in ns (RFC 9559; spec §5.4). */
export const DEFAULT_TIMECODE_SCALE_NS = 1_000_000;

/** Checks the DocType of an EBML header payload: KVS accepts only Matroska (spec §5.2); WebM is a subset. */
export function checkEbmlHeader(buf: Uint8Array, start: number, end: number): void {
  let docType = 'matroska'; // RFC 8794 §11.2.6: no DocType element means the default
  forEachChild(buf, start, end, (id, s, e) => {
    if (id === EbmlId.DocType) docType = readString(buf, s, e);
  });
  if (docType !== 'matroska' && docType !== 'webm') {
    throw new MkvFormatError(`unsupported EBML DocType "${docType}"`);
  }
}

/** TimecodeScale of an Info payload (default 1 ms). */
export function parseInfoPayload(buf: Uint8Array, start: number, end: number): number {
  let scale = DEFAULT_TIMECODE_SCALE_NS;
  forEachChild(buf, start, end, (id, s, e) => {
    if (id === EbmlId.TimecodeScale) scale = readUint(buf, s, e);
  });
  if (scale === 0) throw new MkvFormatError('TimecodeScale is 0');
  return scale;
}

/** The TrackEntries of a Tracks payload. */
export function parseTracksPayload(buf: Uint8Array, start: number, end: number): TrackInfo[] {
  const tracks: TrackInfo[] = [];
  forEachChild(buf, start, end, (id, s, e) => {
    if (id !== EbmlId.TrackEntry) return;
    const track: TrackInfo = { number: 0, type: 0, codecId: '' };
    forEachChild(buf, s, e, (fid, fs, fe) => {
      if (fid === EbmlId.TrackNumber) track.number = readUint(buf, fs, fe);
      else if (fid === EbmlId.TrackType) track.type = readUint(buf, fs, fe);
      else if (fid === EbmlId.CodecID) track.codecId = readString(buf, fs, fe);
      else if (fid === EbmlId.CodecPrivate) track.codecPrivate = buf.subarray(fs, fe);
    });
    if (track.number === 0) throw new MkvFormatError('TrackEntry without a TrackNumber');
    tracks.push(track);
  });
  return tracks;
}
