/**
 * The DASH MPD of a session (spec §7.5): static for ON_DEMAND, dynamic for LIVE and LIVE_REPLAY;
 * one AdaptationSet per track; a SegmentList whose SegmentTimeline lists each fragment as one S
 * element (so DisplayFragmentNumber / DisplayFragmentTimestamp can add `kvs:fn` / `kvs:ts` to it)
 * and whose SegmentURLs name the fragments directly, so no server state maps segment numbers to
 * fragments. Media times are the fragments' producer times, the time base of the packaged tfdt;
 * availabilityStartTime and presentationTimeOffset tie them to the wall clock (session.origin).
 *
 * Owns: MPD syntax. Must not know: storage, HTTP, packaging internals.
 */
import type { DemuxedFragment, PackagedTrack } from '../packaging/index.js';
import type { PlaybackSession } from './session.js';
import type { Timeline } from './timeline.js';
import type { StreamFigures } from './hls-playlist.js';

const KVS_NS = 'https://kinesisvideo.amazonaws.com/dash';

function duration(seconds: number): string {
  return `PT${Math.max(0, seconds).toFixed(3)}S`;
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The end of a track's samples in `tail` (the last listed fragment, demuxed), in track ticks. */
function tailEnd(track: PackagedTrack, tail: DemuxedFragment | undefined): number | undefined {
  const last = tail?.samples.get(track.trackNumber)?.at(-1);
  return last ? last.dts + last.duration : undefined;
}

function trackSet(
  session: PlaybackSession,
  token: string,
  track: PackagedTrack,
  timeline: Timeline,
  figures: StreamFigures,
  tail: DemuxedFragment | undefined,
): string {
  const scale = track.timescale;
  const tick = (ms: number): number => Math.round((ms * scale) / 1000);
  const pto = tick(session.origin.producerMs);
  const entries = timeline.entries;
  const s: string[] = [];
  const urls: string[] = [];
  const tokenQ = `SessionToken=${encodeURIComponent(token)}`;
  entries.forEach((e, i) => {
    const t = tick(e.meta.producerTimestampMs);
    const next = entries[i + 1];
    // Back-to-back fragments get exactly adjacent S elements; otherwise the fragment's own duration.
    const nextT = next ? tick(next.meta.producerTimestampMs) : undefined;
    const own = Math.max(1, tick(e.meta.durationMs));
    let d = nextT !== undefined && nextT > t && Math.abs(nextT - t - own) <= tick(50) ? nextT - t : own;
    // The last fragment's duration counts every sample of the track (an audio track often
    // outlasts the video-based fragment duration), so no player cuts its final frames.
    const end = next ? undefined : tailEnd(track, tail);
    if (end !== undefined && end - t > d) d = end - t;
    let attrs = `t="${t}" d="${d}"`;
    if (session.displayFragmentNumber) attrs += ` kvs:fn="${e.meta.fragmentNumber}"`;
    if (session.displayTimestamp) attrs += ` kvs:ts="${(e.timeMs / 1000).toFixed(3)}"`;
    s.push(`          <S ${attrs}/>`);
    urls.push(
      `        <SegmentURL media="${xml(`getMP4MediaFragment.mp4?FragmentNumber=${e.meta.fragmentNumber}&${tokenQ}&TrackNumber=${track.trackNumber}`)}"/>`,
    );
  });
  const isVideo = track.kind === 'video';
  const rep = [
    `id="${track.trackNumber}"`,
    `codecs="${track.codecString}"`,
    `bandwidth="${Math.max(1, Math.round(isVideo ? figures.bandwidth : 128_000))}"`,
  ];
  if (isVideo && track.width && track.height) rep.push(`width="${track.width}" height="${track.height}"`);
  if (isVideo && figures.frameRate) rep.push(`frameRate="${Math.round(figures.frameRate * 1000)}/1000"`);
  if (!isVideo && track.sampleRate) rep.push(`audioSamplingRate="${track.sampleRate}"`);
  const init = xml(
    `getMP4InitFragment.mp4?${tokenQ}&TrackNumber=${track.trackNumber}&SequenceNumber=${session.headerId}`,
  );
  return [
    `    <AdaptationSet id="${track.trackNumber}" contentType="${track.kind}" mimeType="${track.kind}/mp4" segmentAlignment="true" startWithSAP="1">`,
    `      <Representation ${rep.join(' ')}>`,
    `      <SegmentList timescale="${scale}" presentationTimeOffset="${pto}">`,
    `        <Initialization sourceURL="${init}"/>`,
    '        <SegmentTimeline>',
    ...s,
    '        </SegmentTimeline>',
    ...urls,
    '      </SegmentList>',
    '      </Representation>',
    '    </AdaptationSet>',
  ].join('\n');
}

export function renderDashManifest(
  session: PlaybackSession,
  token: string,
  tracks: readonly PackagedTrack[],
  timeline: Timeline,
  figures: StreamFigures,
  nowMs: number,
  tail?: DemuxedFragment,
): string {
  const entries = timeline.entries;
  const maxSeg = entries.reduce((m, e) => Math.max(m, e.meta.durationMs), 1000) / 1000;
  const isStatic = session.mode === 'ON_DEMAND';
  const mpd = [
    'xmlns="urn:mpeg:dash:schema:mpd:2011"',
    `xmlns:kvs="${KVS_NS}"`,
    'profiles="urn:mpeg:dash:profile:isoff-live:2011"',
    `type="${isStatic ? 'static' : 'dynamic'}"`,
    `minBufferTime="${duration(Math.min(maxSeg, 2))}"`,
    `maxSegmentDuration="${duration(maxSeg)}"`,
  ];
  if (isStatic) {
    const last = entries.at(-1);
    const endMs = last ? last.meta.producerTimestampMs + last.meta.durationMs : session.origin.producerMs;
    const tailEndMs = tail ? tail.startTimeMs + tail.durationMs : 0;
    const total = (Math.max(endMs, tailEndMs) - session.origin.producerMs) / 1000;
    mpd.push(`mediaPresentationDuration="${duration(total)}"`);
  } else {
    const window = entries.reduce((sum, e) => sum + e.meta.durationMs, 0) / 1000;
    mpd.push(
      `availabilityStartTime="${new Date(session.origin.wallMs).toISOString()}"`,
      `publishTime="${new Date(nowMs).toISOString()}"`,
      'minimumUpdatePeriod="PT1S"',
      `timeShiftBufferDepth="${duration(Math.max(window, maxSeg))}"`,
      `suggestedPresentationDelay="${duration(Math.min(window, maxSeg * 3))}"`,
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<MPD ${mpd.join(' ')}>`,
    '  <Period id="0" start="PT0S">',
    ...tracks.map((t) => trackSet(session, token, t, timeline, figures, tail)),
    '  </Period>',
    // The server's clock inline, so a player needs no outside time source to find the live edge.
    ...(isStatic
      ? []
      : [
          `  <UTCTiming schemeIdUri="urn:mpeg:dash:utc:direct:2014" value="${new Date(nowMs).toISOString()}"/>`,
        ]),
    '</MPD>',
    '',
  ].join('\n');
}
