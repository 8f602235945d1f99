/**
 * GetMedia (spec §6): validates the selector, enforces the per-stream call-rate and connection
 * limits, and returns the chunk stream. Errors found before the first byte are HTTP errors;
 * later ones are in-stream error tags (spec §6.5).
 */
import type { media } from '../../api/index.js';
import { clientLimitExceeded, connectionLimitExceeded } from '../../core/errors.js';
import { createChunkStream } from '../../media/chunk-stream.js';
import { resolveStartSelector } from '../../media/start-selector.js';
import type { ActionServices, MediaResult, RequestContext } from '../context.js';

export async function getMedia(
  input: media.GetMediaInput,
  services: ActionServices,
  ctx: RequestContext,
): Promise<MediaResult> {
  const stream = services.streams.resolve(input);
  const { getMediaLimits: limiter } = services;
  if (!limiter.calls.tryAcquire(stream.streamId)) {
    throw clientLimitExceeded('Too many GetMedia calls per second for this stream.');
  }
  const start = resolveStartSelector(services.fragments, stream.streamId, input.StartSelector);
  const release = limiter.connections.tryOpen(stream.streamId);
  if (!release) throw connectionLimitExceeded('Too many concurrent GetMedia connections for this stream.');
  const body = createChunkStream({
    store: services.fragments,
    streamId: stream.streamId,
    start,
    clock: services.clock,
    signal: ctx.signal,
    maxSessionMs: services.limits.getMediaMaxSessionMs,
    idleEndMs: services.limits.getMediaIdleEndMs,
    bytesPerSecond: services.limits.getMediaBytesPerSecond,
    onChunk: (f) =>
      services.metrics.getMediaFragmentSent(stream.streamName, services.clock.now() - f.serverTimestampMs),
  });
  body.once('close', release);
  return { kind: 'media', contentType: 'video/webm', body };
}
