/**
 * The PutMedia request body as kvideo put-media sends it: the input's bytes unchanged, with each
 * Cluster counted as one fragment sent (spec §5.2) and, with --live, every chunk that opens a
 * Cluster held back until its timecode is due in wall-clock time. Stops at once when `signal`
 * aborts (the server ended the ACK stream, or the connection failed).
 *
 * The input is parsed only to find Clusters: a file the parser cannot follow is still sent
 * verbatim (the service decides, e.g. ERROR 4006), it just stops being counted or paced.
 */
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { MkvIngestParser } from '../../mkv/ingest-parser.js';

export interface BodyOptions {
  live: boolean;
  signal: AbortSignal;
  /** Called once per Cluster whose first bytes were handed to the request. */
  onCluster(): void;
}

export async function* uploadBody(source: Readable, o: BodyOptions): AsyncGenerator<Buffer> {
  let parser: MkvIngestParser | undefined = new MkvIngestParser();
  let msPerTick = 1;
  let origin: { wallMs: number; tick: number } | undefined;
  try {
    for await (const data of source) {
      if (o.signal.aborted) return;
      const chunk = data as Buffer;
      let events: ReturnType<MkvIngestParser['push']> = [];
      try {
        events = parser?.push(chunk) ?? [];
      } catch {
        parser = undefined;
      }
      let clusters = 0;
      for (const event of events) {
        if (event.type === 'header') msPerTick = event.timecodeScaleNs / 1e6;
        if (event.type !== 'clusterStart') continue;
        clusters++;
        if (!o.live) continue;
        origin ??= { wallMs: Date.now(), tick: event.timecode };
        const due = origin.wallMs + (event.timecode - origin.tick) * msPerTick - Date.now();
        if (due > 0) await sleep(due, undefined, { signal: o.signal }).catch(() => undefined);
        if (o.signal.aborted) return;
      }
      yield chunk;
      // Counted once the consumer has taken the chunk: a Cluster never handed over was not sent.
      for (let i = 0; i < clusters; i++) o.onCluster();
    }
  } finally {
    source.destroy();
  }
}
