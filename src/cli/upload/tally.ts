/**
 * What one `kvideo put-media` upload achieved, and the verdict on it: fragments sent (Clusters
 * written to the request, spec §5.2 "Fragment = Cluster"), and the fragments the service
 * acknowledged as RECEIVED and PERSISTED, and its ERROR ACKs (spec §5.3, §5.5).
 *
 * "Stored" means PERSISTED, except for a stream whose DataRetentionInHours is 0: such a stream
 * keeps no data and KVS sends no PERSISTED for it (spec §5.3), so RECEIVED is the most the
 * service can confirm and is counted instead (producers free their buffers on RECEIVED then).
 *
 * Must not know HTTP or printing: the command turns the verdict into output and an exit code.
 */
import type { Ack } from './ack-lines.js';

export interface Verdict {
  ok: boolean;
  /** Why the upload failed (absent when ok). */
  reason?: string;
}

function describeError(ack: Ack): string {
  const id = ack.ErrorId !== undefined ? String(ack.ErrorId) : '?';
  const code = typeof ack.ErrorCode === 'string' ? ` ${ack.ErrorCode}` : '';
  const at =
    ack.FragmentTimecode !== undefined ? ` at fragment timecode ${String(ack.FragmentTimecode)}` : '';
  return `${id}${code}${at}`;
}

export class UploadTally {
  /** Clusters written to the request body. */
  sent = 0;
  readonly #received = new Set<string>();
  readonly #persisted = new Set<string>();
  readonly errors: Ack[] = [];
  /** Lines of the ACK stream that were not JSON objects. */
  malformed = 0;

  /**
   * @param keepsData false when the stream's retention is 0 (RECEIVED then counts as stored);
   *   undefined when the retention could not be looked up (PERSISTED is required).
   */
  constructor(readonly keepsData: boolean | undefined) {}

  onAck(ack: Ack | undefined): void {
    if (!ack) {
      this.malformed++;
      return;
    }
    // Fragment numbers identify fragments; a repeated ACK is not a second fragment.
    const key = String(ack.FragmentNumber ?? ack.FragmentTimecode ?? '');
    if (ack.EventType === 'RECEIVED') this.#received.add(key);
    else if (ack.EventType === 'PERSISTED') this.#persisted.add(key);
    else if (ack.EventType === 'ERROR') this.errors.push(ack);
  }

  get received(): number {
    return this.#received.size;
  }

  get persisted(): number {
    return this.#persisted.size;
  }

  /** Fragments the service confirmed as stored (see the header comment). */
  get stored(): number {
    return this.keepsData === false ? this.received : this.persisted;
  }

  /** The one-line summary printed on stderr at the end of every upload. */
  summary(): string {
    const keeps = this.keepsData === false ? ' (the stream keeps no data: RECEIVED counts as stored)' : '';
    const malformed = this.malformed ? `, ${this.malformed} unreadable ACK lines` : '';
    return (
      `put-media: ${this.sent} fragments sent, ${this.received} received, ` +
      `${this.persisted} persisted${keeps}, ${this.errors.length} errors${malformed}`
    );
  }

  /** The verdict on an ACK stream that ended normally (the server finished the response). */
  verdict(): Verdict {
    const lost = `${this.sent - Math.min(this.stored, this.sent)} of ${this.sent} fragments sent were not ${
      this.keepsData === false ? 'received' : 'persisted'
    }`;
    if (this.errors.length > 0) {
      const detail = this.sent > 0 ? `: ${lost}` : '';
      return { ok: false, reason: `PutMedia failed with ERROR ${describeError(this.errors[0]!)}${detail}.` };
    }
    if (this.malformed > 0) {
      return { ok: false, reason: `The ACK stream held ${this.malformed} lines that are not JSON objects.` };
    }
    if (this.stored < this.sent) {
      const hint =
        this.keepsData === undefined && this.persisted === 0 && this.received > 0
          ? ' (a stream with DataRetentionInHours 0 keeps no data and sends no PERSISTED; DescribeStream could not be called to check)'
          : '';
      return { ok: false, reason: `The ACK stream ended early: ${lost}${hint}.` };
    }
    return { ok: true };
  }
}
