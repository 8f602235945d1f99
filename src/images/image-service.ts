/**
 * GetImages (spec §7.6) over the fragment store: each sampled time is looked up in the chosen
 * clock; samples without a fragment holding them are NO_MEDIA; the others are grouped by
 * fragment, and each group is decoded once from the nearest earlier key frame by ffmpeg
 * (ffmpeg-decoder.ts), so a decode failure, a timeout or media without video is MEDIA_ERROR for
 * that group only. Without ffmpeg the operation is refused with a message saying how to enable it.
 */
import type { archived } from '../api/index.js';
import { toJsonEpochSeconds } from '../core/clock.js';
import { KvsError, clientLimitExceeded } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import type {
  FragmentMeta,
  FragmentStore,
  StreamHeader,
  StreamRecord,
  TimestampClock,
} from '../storage/types.js';
import { FfmpegDecoder, QueueFullError } from './ffmpeg-decoder.js';
import type { FfmpegLocation } from './ffmpeg-locator.js';
import { frameForOffset, planWindow, startsWithVideoKeyFrame } from './frame-plan.js';
import { planImagesPage, type ImagesPage } from './images-request.js';

/** How far back (server time) a decode window may reach for a key frame. */
const KEY_FRAME_LOOKBACK_MS = 30_000;
/** ImageContent's maximum length in the model. */
const MAX_IMAGE_CONTENT = 6_291_456;
/** GetImages answers at most 100 MB per response (spec §10). */
const MAX_RESPONSE_CONTENT = 100 * 1000 * 1000;

export interface ImageServiceOptions {
  store: FragmentStore;
  ffmpeg: FfmpegLocation;
  logger: Logger;
  metrics: Metrics;
  /** ffmpeg processes at once, server-wide (default 2). */
  concurrency?: number;
  /** An ffmpeg run taking longer is killed and its images are MEDIA_ERROR (default 20 s). */
  timeoutMs?: number;
  /** Decode jobs allowed to wait; beyond that GetImages answers ClientLimitExceeded (default 64). */
  maxQueued?: number;
}

type ImageOutcome = archived.Image;

function startOf(meta: FragmentMeta, clock: TimestampClock): number {
  return clock === 'PRODUCER' ? meta.producerTimestampMs : meta.serverTimestampMs;
}

async function readAll(store: FragmentStore, streamId: string, meta: FragmentMeta): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const part of store.openPayload(streamId, meta)) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

export class ImageService {
  readonly #o: ImageServiceOptions;
  readonly #decoder: FfmpegDecoder | undefined;

  constructor(options: ImageServiceOptions) {
    this.#o = options;
    this.#decoder =
      'path' in options.ffmpeg
        ? new FfmpegDecoder({
            ffmpegPath: options.ffmpeg.path,
            concurrency: options.concurrency ?? 2,
            timeoutMs: options.timeoutMs ?? 20_000,
            maxQueued: options.maxQueued ?? 64,
          })
        : undefined;
  }

  async getImages(
    stream: StreamRecord,
    input: archived.GetImagesInput,
    signal: AbortSignal,
  ): Promise<archived.GetImagesOutput> {
    const page = planImagesPage(input);
    if (stream.dataRetentionInHours === 0) {
      throw new KvsError(
        'NoDataRetentionException',
        'The stream does not retain data (DataRetentionInHours is 0).',
      );
    }
    if (!this.#decoder) {
      const why = 'missing' in this.#o.ffmpeg ? this.#o.ffmpeg.missing : '';
      throw new KvsError(
        'NotImplementedException',
        `GetImages needs ffmpeg, and ${why}. Install ffmpeg, or start kvideo with --ffmpeg PATH (env KVIDEO_FFMPEG).`,
        501,
      );
    }
    const images: ImageOutcome[] = page.samples.map((t) => ({ TimeStamp: toJsonEpochSeconds(t) }));
    const groups = new Map<string, { fragment: FragmentMeta; samples: number[] }>();
    page.samples.forEach((t, i) => {
      const fragment = this.#o.store.findByTimestamp(stream.streamId, page.clock, t);
      const start = fragment ? startOf(fragment, page.clock) : NaN;
      if (!fragment || !(start <= t && (t < start + fragment.durationMs || t === start))) {
        images[i]!.Error = 'NO_MEDIA';
        return;
      }
      let group = groups.get(fragment.fragmentNumber);
      if (!group) groups.set(fragment.fragmentNumber, (group = { fragment, samples: [] }));
      group.samples.push(i);
    });
    try {
      await Promise.all(
        [...groups.values()].map((g) =>
          this.#decodeGroup(stream, page, g.fragment, g.samples, images, signal),
        ),
      );
    } catch (err) {
      if (err instanceof QueueFullError)
        throw clientLimitExceeded('Too many GetImages decodes are waiting; retry later.');
      throw err;
    }
    // Images beyond the response limit, in time order, are MEDIA_ERROR rather than an oversized reply.
    let total = 0;
    for (const image of images) {
      total += image.ImageContent?.length ?? 0;
      if (image.ImageContent !== undefined && total > MAX_RESPONSE_CONTENT) {
        delete image.ImageContent;
        image.Error = 'MEDIA_ERROR';
      }
    }
    for (const outcome of ['NO_MEDIA', 'MEDIA_ERROR'] as const) {
      const n = images.filter((im) => im.Error === outcome).length;
      if (n > 0) this.#o.metrics.images(stream.streamName, outcome, n);
    }
    const ok = images.filter((im) => im.ImageContent !== undefined).length;
    if (ok > 0) this.#o.metrics.images(stream.streamName, 'ok', ok);
    const output: archived.GetImagesOutput = { Images: images };
    if (page.nextToken !== undefined) output.NextToken = page.nextToken;
    return output;
  }

  /**
   * The payloads to decode for `fragment`: it and the fragments before it (same header, within
   * KEY_FRAME_LOOKBACK_MS) back to the nearest one whose first video block is a key frame.
   */
  async #window(
    streamId: string,
    header: StreamHeader,
    fragment: FragmentMeta,
    own: Uint8Array,
  ): Promise<Uint8Array[]> {
    const window = [own];
    if (startsWithVideoKeyFrame(header, own)) return window;
    const earlier = this.#o.store
      .listByTimestamp(
        streamId,
        'SERVER',
        fragment.serverTimestampMs - KEY_FRAME_LOOKBACK_MS,
        fragment.serverTimestampMs,
        1000,
      )
      .filter((f) => f.fragmentNumber < fragment.fragmentNumber);
    for (let i = earlier.length - 1; i >= 0 && earlier[i]!.headerId === fragment.headerId; i--) {
      const payload = await readAll(this.#o.store, streamId, earlier[i]!);
      window.unshift(payload);
      if (startsWithVideoKeyFrame(header, payload)) break;
    }
    return window;
  }

  async #decodeGroup(
    stream: StreamRecord,
    page: ImagesPage,
    fragment: FragmentMeta,
    indexes: number[],
    images: ImageOutcome[],
    signal: AbortSignal,
  ): Promise<void> {
    const fail = (reason: string): void => {
      this.#o.logger.warn(
        { stream: stream.streamName, fragment: fragment.fragmentNumber, reason },
        'GetImages: MEDIA_ERROR',
      );
      for (const i of indexes) images[i]!.Error = 'MEDIA_ERROR';
    };
    const header = this.#o.store.getHeader(stream.streamId, fragment.headerId);
    if (!header) return fail('the fragment header is missing');
    let clusters: Uint8Array[];
    try {
      const own = await readAll(this.#o.store, stream.streamId, fragment);
      clusters = await this.#window(stream.streamId, header, fragment, own);
    } catch (err) {
      return fail(`reading the fragment failed: ${(err as Error).message}`);
    }
    const plan = planWindow(header, clusters);
    if (!plan) return fail('no video frames in the fragment');
    const start = startOf(fragment, page.clock);
    const ticks = indexes.map((i) => frameForOffset(plan, page.samples[i]! - start));
    const unique = [...new Set(ticks)].sort((a, b) => a - b);
    const result = await this.#decoder!.decode(
      {
        input: plan.input,
        frameTimes: unique.map((tick) => (tick * plan.msPerTick) / 1000),
        toleranceSec: plan.msPerTick / 2000,
        format: page.format,
        jpegQuality: page.jpegQuality,
        ...(page.width !== undefined ? { width: page.width } : {}),
        ...(page.height !== undefined ? { height: page.height } : {}),
      },
      signal,
    );
    if ('error' in result) return fail(result.error);
    if (result.images.length !== unique.length) {
      return fail(`ffmpeg produced ${result.images.length} images for ${unique.length} frames`);
    }
    indexes.forEach((i, n) => {
      const content = Buffer.from(result.images[unique.indexOf(ticks[n]!)]!).toString('base64');
      if (content.length > MAX_IMAGE_CONTENT) images[i]!.Error = 'MEDIA_ERROR';
      else images[i]!.ImageContent = content;
    });
  }
}
