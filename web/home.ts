/**
 * GET /: every stream (ListStreams) with status, media type, retention, live/idle state and ingest
 * bitrate (ListFragments of the last minutes), storage used (GET /metrics), a thumbnail (GetImages,
 * a placeholder when the server has no ffmpeg), create and delete; refreshed every 5 s.
 */
import { listFragments, storedBytes, type KvsApi, type StreamInfo } from './api.js';
import { age, bitrate, bytes, errorText, h } from './dom.js';

const REFRESH_MS = 5000;
/** A stream is live when its newest fragment is this recent (KVS fragments are a few seconds). */
const LIVE_MS = 15_000;
const WINDOW_MS = 60_000;

interface Row {
  stream: StreamInfo;
  newestMs: number | undefined;
  bitsPerSecond: number;
  thumbnail?: string;
}

async function describeRow(api: KvsApi, stream: StreamInfo, now: number): Promise<Row> {
  let recent = await listFragments(api, stream.StreamName, now - WINDOW_MS, now, 2);
  const windowBytes = recent.reduce((sum, f) => sum + f.FragmentSizeInBytes, 0);
  if (recent.length === 0) recent = await listFragments(api, stream.StreamName, now - 86_400_000, now, 1);
  const newest = recent.at(-1);
  const row: Row = {
    stream,
    newestMs: newest ? newest.ServerTimestamp * 1000 : undefined,
    bitsPerSecond: (windowBytes * 8) / (WINDOW_MS / 1000),
  };
  if (newest) row.thumbnail = await thumbnail(api, stream.StreamName, newest.ServerTimestamp);
  return row;
}

let imagesRefused = false;
async function thumbnail(api: KvsApi, stream: string, atSeconds: number): Promise<string | undefined> {
  if (imagesRefused) return undefined;
  try {
    const origin = await api.endpoint(stream, 'GET_IMAGES');
    const out = await api.call<{ Images: { ImageContent?: string }[] }>(
      'getImages',
      {
        StreamName: stream,
        ImageSelectorType: 'SERVER_TIMESTAMP',
        StartTimestamp: atSeconds,
        EndTimestamp: atSeconds + 1,
        SamplingInterval: 3000,
        Format: 'JPEG',
        WidthPixels: 160,
        MaxResults: 1,
      },
      origin,
    );
    const content = out.Images[0]?.ImageContent;
    return content ? `data:image/jpeg;base64,${content}` : undefined;
  } catch (err) {
    // No ffmpeg on the server: stop asking, show placeholders (GetImages says how to enable it).
    if ((err as { status?: number }).status === 501 || /ffmpeg/i.test(errorText(err))) imagesRefused = true;
    return undefined;
  }
}

export function homePage(root: HTMLElement, api: KvsApi): void {
  const table = h('tbody');
  const status = h('p', { class: 'status' });
  const name = h('input', {
    name: 'name',
    placeholder: 'stream name',
    required: true,
    pattern: '[a-zA-Z0-9_.\\-]+',
  });
  const retention = h('input', { name: 'retention', type: 'number', min: '0', value: '24' });
  const mediaType = h('input', { name: 'media', placeholder: 'video/h264', value: 'video/h264' });
  const form = h(
    'form',
    { class: 'create', id: 'create-stream' },
    name,
    h('label', {}, 'retention (h) ', retention),
    h('label', {}, 'media type ', mediaType),
    h('button', { type: 'submit' }, 'Create stream'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void api
      .call('createStream', {
        StreamName: name.value,
        DataRetentionInHours: Number(retention.value),
        ...(mediaType.value ? { MediaType: mediaType.value } : {}),
      })
      .then(() => {
        name.value = '';
        return refresh();
      })
      .catch((err: unknown) => (status.textContent = errorText(err)));
  });
  root.append(
    h('header', {}, h('h1', {}, 'kvideo'), h('span', { class: 'sub' }, 'Kinesis Video Streams, self-hosted')),
    form,
    status,
    h(
      'table',
      { class: 'streams' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['', 'Stream', 'Status', 'Media type', 'Retention', 'State', 'Ingest', 'Stored', ''].map((t) =>
            h('th', {}, t),
          ),
        ),
      ),
      table,
    ),
  );

  let timer: ReturnType<typeof setTimeout> | undefined;
  async function refresh(): Promise<void> {
    clearTimeout(timer);
    try {
      const now = Date.now();
      const list = await api.call<{ StreamInfoList: StreamInfo[] }>('listStreams', { MaxResults: 10000 });
      const [rows, stored] = await Promise.all([
        Promise.all(list.StreamInfoList.map((s) => describeRow(api, s, now))),
        storedBytes(api),
      ]);
      table.replaceChildren(...rows.map((r) => renderRow(r, stored.get(r.stream.StreamName), now)));
      if (rows.length === 0)
        table.append(h('tr', {}, h('td', { colspan: '9', class: 'empty' }, 'No streams yet.')));
      status.textContent = `${rows.length} stream(s) · updated ${new Date().toLocaleTimeString()}`;
      document.body.dataset.loaded = '1';
    } catch (err) {
      status.textContent = errorText(err);
    }
    timer = setTimeout(() => void refresh(), REFRESH_MS);
  }

  function renderRow(row: Row, stored: number | undefined, now: number): HTMLElement {
    const s = row.stream;
    const live = row.newestMs !== undefined && now - row.newestMs < LIVE_MS;
    const state =
      row.newestMs === undefined
        ? 'idle · no fragment in 24 h'
        : `${live ? 'live' : 'idle'} · last fragment ${age(now - row.newestMs)}`;
    const link = `/streams/${encodeURIComponent(s.StreamName)}`;
    return h(
      'tr',
      { 'data-stream': s.StreamName },
      h(
        'td',
        { class: 'thumb' },
        row.thumbnail
          ? h('img', { src: row.thumbnail, alt: `${s.StreamName} thumbnail` })
          : h('div', { class: 'placeholder' }, '▶'),
      ),
      h('td', {}, h('a', { href: link }, s.StreamName)),
      h('td', {}, s.Status),
      h('td', {}, s.MediaType ?? '—'),
      h('td', {}, s.DataRetentionInHours ? `${s.DataRetentionInHours} h` : 'none'),
      h('td', { class: live ? 'live' : 'idle' }, state),
      h('td', {}, bitrate(row.bitsPerSecond)),
      h('td', {}, bytes(stored)),
      h(
        'td',
        {},
        h(
          'button',
          {
            class: 'danger',
            onclick: () => {
              if (!confirm(`Delete stream ${s.StreamName} and all its media?`)) return;
              void api
                .call('deleteStream', { StreamARN: s.StreamARN })
                .then(refresh)
                .catch((err: unknown) => (status.textContent = errorText(err)));
            },
          },
          'Delete',
        ),
      ),
    );
  }

  void refresh();
}
