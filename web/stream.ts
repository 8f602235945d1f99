/**
 * GET /streams/<name>: a live HLS player (hls.js, the page's own copy) that starts muted on its
 * own, the fragment timeline of the last hours (ListFragments) with click-to-play (a LIVE_REPLAY
 * session from the clicked time), "download clip" (GetClip) for a chosen range, the stream's
 * tags (ListTagsForStream) and example GetMedia/PutMedia commands.
 */
import { listFragments, type Fragment, type KvsApi, type StreamInfo } from './api.js';
import { exampleCommands } from './commands.js';
import { bytes, clock, errorText, h } from './dom.js';
import { renderTimeline } from './timeline.js';

declare const Hls: {
  new (config?: object): HlsPlayer;
  isSupported(): boolean;
  Events: { ERROR: string; MANIFEST_PARSED: string };
};
interface HlsPlayer {
  loadSource(url: string): void;
  attachMedia(video: HTMLVideoElement): void;
  on(event: string, cb: (event: string, data: { fatal?: boolean; details?: string }) => void): void;
  destroy(): void;
}

/** Timeline windows in hours; 3 h by default (the last hours, as the console shows). */
const WINDOWS_H = [0.25, 1, 3, 12, 24];

export function streamPage(root: HTMLElement, api: KvsApi, name: string): void {
  const status = h('p', { class: 'status' });
  const info = h('dl', { class: 'info' });
  const video = h('video', { id: 'player', muted: true, autoplay: true, playsinline: true, controls: true });
  video.muted = true;
  const mode = h('p', { class: 'mode' }, 'Starting LIVE…');
  const timelineBox = h('div', {});
  const windowSelect = h(
    'select',
    { id: 'window' },
    ...WINDOWS_H.map((n) => h('option', { value: String(n) }, n < 1 ? `last ${n * 60} min` : `last ${n} h`)),
  );
  windowSelect.value = '3';
  const clipStart = h('input', { id: 'clip-start', size: '22' });
  const clipEnd = h('input', { id: 'clip-end', size: '22' });
  const clipStatus = h('span', { class: 'clip-status' });
  const tagsBox = h('dl', { class: 'tags' });
  const commandsBox = h('div', { class: 'commands' });
  root.append(
    h('header', {}, h('a', { href: '/', class: 'back' }, '← kvideo'), h('h1', {}, name)),
    status,
    h(
      'section',
      { class: 'player' },
      video,
      h(
        'div',
        {},
        mode,
        info,
        h('button', { id: 'go-live', onclick: () => void play('LIVE') }, 'Back to live'),
      ),
    ),
    h('section', {}, h('h2', {}, 'Fragments ', windowSelect), timelineBox),
    h(
      'section',
      {},
      h('h2', {}, 'Download a clip (GetClip)'),
      h(
        'form',
        { id: 'clip', class: 'clip' },
        h('label', {}, 'from ', clipStart),
        h('label', {}, 'to ', clipEnd),
        h('button', { type: 'submit', id: 'download-clip' }, 'Download clip'),
        clipStatus,
      ),
    ),
    h('section', {}, h('h2', {}, 'Tags'), tagsBox),
    h('section', {}, h('h2', {}, 'Commands'), commandsBox),
  );

  let hls: HlsPlayer | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  /** Opens an HLS session (LIVE, or LIVE_REPLAY from a time) and hands its URL to hls.js. */
  async function play(playbackMode: 'LIVE' | 'LIVE_REPLAY', fromMs?: number): Promise<void> {
    clearTimeout(retry);
    try {
      const origin = await api.endpoint(name, 'GET_HLS_STREAMING_SESSION_URL');
      const out = await api.call<{ HLSStreamingSessionURL: string }>(
        'getHLSStreamingSessionURL',
        {
          StreamName: name,
          PlaybackMode: playbackMode,
          ...(fromMs === undefined
            ? {}
            : {
                HLSFragmentSelector: {
                  FragmentSelectorType: 'SERVER_TIMESTAMP',
                  TimestampRange: { StartTimestamp: fromMs / 1000 },
                },
              }),
        },
        origin,
      );
      hls?.destroy();
      hls = new Hls({ liveSyncDurationCount: 2 });
      hls.on(Hls.Events.ERROR, (_e, data) => {
        if (data.fatal) {
          mode.textContent = `Player error (${data.details ?? 'unknown'}); retrying…`;
          retry = setTimeout(() => void play(playbackMode, fromMs), 3000);
        }
      });
      hls.loadSource(out.HLSStreamingSessionURL);
      hls.attachMedia(video);
      video.muted = true;
      video.play().catch(() => undefined);
      mode.textContent =
        playbackMode === 'LIVE' ? '● LIVE' : `Replay from ${clock(fromMs ?? 0)} (LIVE_REPLAY)`;
      mode.className = `mode ${playbackMode === 'LIVE' ? 'live' : 'replay'}`;
    } catch (err) {
      // No fragments yet (or the producer has not started): try again shortly.
      mode.textContent = `Waiting for media: ${errorText(err)}`;
      retry = setTimeout(() => void play(playbackMode, fromMs), 3000);
    }
  }

  async function loadInfo(): Promise<void> {
    const { StreamInfo: s } = await api.call<{ StreamInfo: StreamInfo }>('describeStream', {
      StreamName: name,
    });
    info.replaceChildren(
      ...[
        ['Status', s.Status],
        ['Media type', s.MediaType ?? '—'],
        ['Retention', s.DataRetentionInHours ? `${s.DataRetentionInHours} h` : 'none'],
        ['Created', clock(s.CreationTime * 1000)],
        ['ARN', s.StreamARN],
      ].flatMap(([k, v]) => [h('dt', {}, k!), h('dd', {}, v!)]),
    );
    const { Tags } = await api.call<{ Tags?: Record<string, string> }>('listTagsForStream', {
      StreamName: name,
    });
    const entries = Object.entries(Tags ?? {});
    tagsBox.replaceChildren(
      ...(entries.length
        ? entries.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])
        : [h('dd', {}, 'No tags.')]),
    );
    commandsBox.replaceChildren(
      ...exampleCommands(location.origin, name).map((c) =>
        h('div', {}, h('h3', {}, c.title), h('pre', {}, c.text)),
      ),
    );
  }

  let fragments: Fragment[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  async function loadTimeline(): Promise<void> {
    clearTimeout(timer);
    try {
      const toMs = Date.now();
      const fromMs = toMs - Number(windowSelect.value) * 3600_000;
      fragments = await listFragments(api, name, fromMs, toMs);
      timelineBox.replaceChildren(
        renderTimeline(fragments, fromMs, toMs, (ms) => void play('LIVE_REPLAY', ms)),
      );
      if (!clipStart.value && fragments.length) {
        // Default clip: the last 20 s of stored media.
        const last = fragments.at(-1)!;
        const end = last.ServerTimestamp * 1000 + last.FragmentLengthInMilliseconds;
        clipStart.value = new Date(
          Math.max(fragments[0]!.ServerTimestamp * 1000, end - 20_000),
        ).toISOString();
        clipEnd.value = new Date(end).toISOString();
      }
      status.textContent = `${fragments.length} fragment(s), ${bytes(fragments.reduce((n, f) => n + f.FragmentSizeInBytes, 0))} in the window · updated ${new Date().toLocaleTimeString()}`;
    } catch (err) {
      status.textContent = errorText(err);
    }
    timer = setTimeout(() => void loadTimeline(), 10_000);
  }
  windowSelect.addEventListener('change', () => void loadTimeline());

  root.querySelector('#clip')!.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      clipStatus.textContent = 'Packaging…';
      try {
        const start = Date.parse(clipStart.value);
        const end = Date.parse(clipEnd.value);
        if (!Number.isFinite(start) || !Number.isFinite(end))
          throw new Error('Give both times as ISO 8601, e.g. 2026-12-01T20:00:00Z');
        const origin = await api.endpoint(name, 'GET_CLIP');
        const blob = await api.media(
          'getClip',
          {
            StreamName: name,
            ClipFragmentSelector: {
              FragmentSelectorType: 'SERVER_TIMESTAMP',
              TimestampRange: { StartTimestamp: start / 1000, EndTimestamp: end / 1000 },
            },
          },
          origin,
        );
        const a = h('a', {
          href: URL.createObjectURL(blob),
          download: `${name}-${new Date(start).toISOString().replace(/[:.]/g, '-')}.mp4`,
        });
        document.body.append(a);
        a.click();
        a.remove();
        clipStatus.textContent = `Downloaded ${bytes(blob.size)}.`;
      } catch (err) {
        clipStatus.textContent = errorText(err);
      }
    })();
  });

  loadInfo().catch((err: unknown) => (status.textContent = errorText(err)));
  void loadTimeline();
  void play('LIVE');
}
