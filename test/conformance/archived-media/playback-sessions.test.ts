/**
 * GetHLSStreamingSessionURL / GetDASHStreamingSessionURL and the playback resources through the
 * official SDK v3 and plain HTTP: URL shape, every request rule and error (modes, ranges,
 * retention, media types, codec private data), tokens (forged, expired, surviving a restart,
 * no SigV4 under --auth), CORS, quotas and their switch, playlists and manifests per parameter,
 * live windows, and fragments removed by retention while a session is open.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CreateStreamCommand, DeleteStreamCommand } from '@aws-sdk/client-kinesis-video';
import {
  GetDASHStreamingSessionURLCommand,
  GetHLSStreamingSessionURLCommand,
  type GetHLSStreamingSessionURLCommandInput,
  type KinesisVideoArchivedMediaClient,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { buildCredentialStore } from '../../../src/auth/credentials.js';
import { EbmlId } from '../../../src/mkv/ids.js';
import { concatBytes, stringElement, uintElement, writeElement } from '../../../src/mkv/writer.js';
import { UNLIMITED_PLAYBACK } from '../../../src/playback/index.js';
import { clusters, ebmlHeader } from '../../helpers/mkv-stream.js';
import { archivedClient, baseOf, ingestFile, makeFixture } from '../../helpers/playback.js';
import { putMediaRaw } from '../../helpers/put-media.js';
import {
  captureError,
  controlPlaneClient,
  startServer,
  tempDir,
  TEST_CREDENTIALS,
  type TestServer,
} from '../../helpers/server.js';
import { ffmpegMissing } from '../../helpers/tools.js';

let offsetMs = 0;
const clock = { now: () => Date.now() + offsetMs };

/** A synthetic stream header with one video track of the given codec and codec private data. */
function header(codecId: string, codecPrivate?: Uint8Array): Uint8Array {
  return concatBytes([
    ebmlHeader(),
    Uint8Array.of(0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
    writeElement(EbmlId.Info, [uintElement(EbmlId.TimecodeScale, 1_000_000)]),
    writeElement(EbmlId.Tracks, [
      writeElement(EbmlId.TrackEntry, [
        uintElement(EbmlId.TrackNumber, 1),
        uintElement(EbmlId.TrackUID, 1),
        uintElement(EbmlId.TrackType, 1),
        stringElement(EbmlId.CodecID, codecId),
        ...(codecPrivate ? [writeElement(EbmlId.CodecPrivate, codecPrivate)] : []),
      ]),
    ]),
  ]);
}

async function get(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

describe('playback sessions', { skip: ffmpegMissing }, () => {
  let srv: TestServer;
  let am: KinesisVideoArchivedMediaClient;
  let dir: string;
  let file: string;
  const producerStartMs = Date.now() - 3600_000;
  const range = (over: { start?: number; end?: number | null } = {}) => ({
    FragmentSelectorType: 'PRODUCER_TIMESTAMP' as const,
    TimestampRange: {
      StartTimestamp: new Date(over.start ?? producerStartMs),
      ...(over.end === null ? {} : { EndTimestamp: new Date(over.end ?? producerStartMs + 60_000) }),
    },
  });
  const hls = async (input: Partial<GetHLSStreamingSessionURLCommandInput>): Promise<string> =>
    (await am.send(new GetHLSStreamingSessionURLCommand({ StreamName: 'cam', ...input })))
      .HLSStreamingSessionURL!;

  before(async () => {
    dir = tempDir('kvideo-sessions-');
    // One fragment per segment file, so retention (which drops whole segments) can remove one.
    srv = await startServer({ dataDir: dir + '/data', clock, segmentBytes: 1 });
    am = archivedClient(srv.endpoint);
    file = await makeFixture(dir, 'av.mkv', { seconds: 4, audio: true });
    const kv = controlPlaneClient(srv.endpoint);
    for (const [name, hours] of [
      ['cam', 24],
      ['live', 24],
      ['no-retention', 0],
      ['vp8', 1],
      ['no-cpd', 1],
      ['bad-cpd', 1],
      ['empty', 1],
    ] as const) {
      await kv.send(new CreateStreamCommand({ StreamName: name, DataRetentionInHours: hours }));
    }
    kv.destroy();
    await ingestFile(srv.endpoint, 'cam', file, producerStartMs);
    await ingestFile(srv.endpoint, 'no-retention', file, producerStartMs);
    for (const [name, head] of [
      ['vp8', header('V_VP8')],
      ['no-cpd', header('V_MPEG4/ISO/AVC')],
      ['bad-cpd', header('V_MPEG4/ISO/AVC', Uint8Array.of(1, 2, 3))],
    ] as const) {
      const res = await putMediaRaw({
        endpoint: srv.endpoint,
        headers: { 'x-amzn-stream-name': name, 'x-amzn-fragment-timecode-type': 'ABSOLUTE' },
        pieces: [head, ...clusters(2, producerStartMs)],
      });
      assert.equal(res.acks.filter((a) => a.EventType === 'PERSISTED').length, 2, JSON.stringify(res.acks));
    }
  });
  after(async () => {
    am.destroy();
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the URL has the KVS shape on this server’s origin', async () => {
    const url = await hls({ PlaybackMode: 'ON_DEMAND', HLSFragmentSelector: range() });
    assert.match(
      url,
      new RegExp(`^${srv.endpoint}/hls/v1/getHLSMasterPlaylist\\.m3u8\\?SessionToken=[A-Za-z0-9_~-]+$`),
    );
    const dash = await am.send(
      new GetDASHStreamingSessionURLCommand({
        StreamName: 'cam',
        PlaybackMode: 'ON_DEMAND',
        DASHFragmentSelector: range(),
      }),
    );
    assert.match(
      dash.DASHStreamingSessionURL!,
      new RegExp(`^${srv.endpoint}/dash/v1/getDASHManifest\\.mpd\\?SessionToken=`),
    );
  });

  describe('request rules', () => {
    const cases: [string, Partial<GetHLSStreamingSessionURLCommandInput>, string, RegExp?][] = [
      ['LIVE with a TimestampRange', { HLSFragmentSelector: range() }, 'InvalidArgumentException'],
      ['ON_DEMAND without a selector', { PlaybackMode: 'ON_DEMAND' }, 'InvalidArgumentException'],
      [
        'LIVE_REPLAY without a range',
        { PlaybackMode: 'LIVE_REPLAY', HLSFragmentSelector: { FragmentSelectorType: 'SERVER_TIMESTAMP' } },
        'InvalidArgumentException',
      ],
      [
        'ON_DEMAND without EndTimestamp',
        { PlaybackMode: 'ON_DEMAND', HLSFragmentSelector: range({ end: null }) },
        'InvalidArgumentException',
      ],
      [
        'End before Start',
        { PlaybackMode: 'ON_DEMAND', HLSFragmentSelector: range({ end: producerStartMs - 1000 }) },
        'InvalidArgumentException',
      ],
      [
        'a range over 24 hours',
        { PlaybackMode: 'ON_DEMAND', HLSFragmentSelector: range({ end: producerStartMs + 25 * 3600_000 }) },
        'InvalidArgumentException',
      ],
      [
        'SERVER_TIMESTAMP ending in the future',
        {
          PlaybackMode: 'ON_DEMAND',
          HLSFragmentSelector: {
            FragmentSelectorType: 'SERVER_TIMESTAMP',
            TimestampRange: {
              StartTimestamp: new Date(Date.now() - 60_000),
              EndTimestamp: new Date(Date.now() + 60_000),
            },
          },
        },
        'InvalidArgumentException',
      ],
      ['Expires below 300', { Expires: 299 }, 'InvalidArgumentException'],
      ['Expires above 43200', { Expires: 43201 }, 'InvalidArgumentException'],
      [
        'MaxMediaPlaylistFragmentResults above 5000',
        { MaxMediaPlaylistFragmentResults: 5001 },
        'InvalidArgumentException',
      ],
      [
        'no fragments in the range',
        {
          PlaybackMode: 'ON_DEMAND',
          HLSFragmentSelector: range({ start: producerStartMs - 7200_000, end: producerStartMs - 3600_000 }),
        },
        'ResourceNotFoundException',
        /^No fragments found/,
      ],
      ['LIVE without fragments in the last 30 s', {}, 'ResourceNotFoundException', /^No fragments found/],
      ['an unknown stream', { StreamName: 'nope' }, 'ResourceNotFoundException'],
      [
        'a stream without retention',
        { StreamName: 'no-retention', PlaybackMode: 'ON_DEMAND', HLSFragmentSelector: range() },
        'NoDataRetentionException',
      ],
      [
        'a VP8 track',
        { StreamName: 'vp8', PlaybackMode: 'ON_DEMAND', HLSFragmentSelector: range() },
        'UnsupportedStreamMediaTypeException',
      ],
      [
        'H.264 without codec private data',
        { StreamName: 'no-cpd', PlaybackMode: 'ON_DEMAND', HLSFragmentSelector: range() },
        'MissingCodecPrivateDataException',
      ],
      [
        'H.264 with broken codec private data',
        { StreamName: 'bad-cpd', PlaybackMode: 'ON_DEMAND', HLSFragmentSelector: range() },
        'InvalidCodecPrivateDataException',
      ],
      [
        'an empty stream',
        { StreamName: 'empty', PlaybackMode: 'ON_DEMAND', HLSFragmentSelector: range() },
        'ResourceNotFoundException',
      ],
    ];
    for (const [name, input, code, message] of cases) {
      test(`${name} → ${code}`, async () => {
        // "LIVE without recent fragments": cam's fragments were ingested moments ago, so move the clock.
        if (name.startsWith('LIVE without')) offsetMs = 120_000;
        try {
          const err = await captureError(() => hls(input));
          assert.equal(err.name, code, err.message);
          if (message) assert.match(err.message, message);
        } finally {
          offsetMs = 0;
        }
      });
    }
    test('DASH shares the rules', async () => {
      const err = await captureError(() =>
        am.send(
          new GetDASHStreamingSessionURLCommand({
            StreamName: 'vp8',
            PlaybackMode: 'ON_DEMAND',
            DASHFragmentSelector: range(),
          }),
        ),
      );
      assert.equal(err.name, 'UnsupportedStreamMediaTypeException');
    });
  });

  describe('playlists', () => {
    test('master: CODECS from the codec private data, RESOLUTION, FRAME-RATE, BANDWIDTH, an audio rendition', async () => {
      const master = await get(await hls({ PlaybackMode: 'ON_DEMAND', HLSFragmentSelector: range() }));
      assert.equal(master.status, 200);
      assert.equal(master.headers.get('content-type'), 'application/vnd.apple.mpegurl');
      const inf = lines(master.text).find((l) => l.startsWith('#EXT-X-STREAM-INF:'))!;
      assert.match(inf, /CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"/);
      assert.match(inf, /RESOLUTION=320x240/);
      assert.match(inf, /FRAME-RATE=25\.000/);
      assert.match(inf, /BANDWIDTH=[1-9][0-9]+/);
      assert.match(inf, /AUDIO="audio"/);
      assert.match(
        master.text,
        /#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio".*URI="getHLSMediaPlaylist\.m3u8\?SessionToken=[^"]+&TrackNumber=2"/,
      );
      assert.match(master.text, /\ngetHLSMediaPlaylist\.m3u8\?SessionToken=[^&\n]+&TrackNumber=1\n/);
    });

    test('ON_DEMAND media playlist: VOD, EXT-X-MAP, EXTINF from durations, PROGRAM-DATE-TIME, ENDLIST', async () => {
      const url = await hls({
        PlaybackMode: 'ON_DEMAND',
        HLSFragmentSelector: range(),
        DisplayFragmentTimestamp: 'ALWAYS',
        DiscontinuityMode: 'NEVER',
      });
      const base = baseOf(url);
      const master = await get(url);
      const mediaPath = lines(master.text).find((l) => l.startsWith('getHLSMediaPlaylist'))!;
      const media = lines((await get(base + mediaPath)).text);
      assert.deepEqual(media.slice(0, 3), ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-PLAYLIST-TYPE:VOD']);
      assert.ok(media.includes('#EXT-X-MEDIA-SEQUENCE:0'));
      assert.equal(media.at(-1), '#EXT-X-ENDLIST');
      assert.equal(media.filter((l) => l.startsWith('#EXT-X-MAP:')).length, 1);
      assert.equal(media.filter((l) => l === '#EXT-X-DISCONTINUITY').length, 0);
      const extinf = media.filter((l) => l.startsWith('#EXTINF:'));
      assert.equal(extinf.length, 4);
      for (const l of extinf) assert.match(l, /^#EXTINF:(0\.9|1\.0)\d\d,$/);
      const pdt = media
        .filter((l) => l.startsWith('#EXT-X-PROGRAM-DATE-TIME:'))
        .map((l) => Date.parse(l.slice(25)));
      assert.equal(pdt[0], producerStartMs);
      const fragments = media.filter((l) => l.startsWith('getMP4MediaFragment.mp4?FragmentNumber='));
      assert.equal(fragments.length, 4);
      // Every resource a player would fetch answers, with CORS.
      const init = media.find((l) => l.startsWith('#EXT-X-MAP:'))!.match(/URI="([^"]+)"/)![1]!;
      for (const path of [init, ...fragments]) {
        const res = await fetch(base + path);
        assert.equal(res.status, 200, path);
        assert.equal(res.headers.get('content-type'), 'video/mp4');
        assert.equal(res.headers.get('access-control-allow-origin'), '*');
        const bytes = Buffer.from(await res.arrayBuffer());
        assert.equal(bytes.toString('latin1', 4, 8), path === init ? 'ftyp' : 'styp');
      }
    });

    test('DiscontinuityMode: ALWAYS before every fragment (default for SERVER_TIMESTAMP), MPEG-TS playlist', async () => {
      const url = await hls({
        PlaybackMode: 'ON_DEMAND',
        ContainerFormat: 'MPEG_TS',
        HLSFragmentSelector: {
          FragmentSelectorType: 'SERVER_TIMESTAMP',
          TimestampRange: {
            StartTimestamp: new Date(Date.now() - 600_000),
            EndTimestamp: new Date(Date.now() - 1),
          },
        },
      });
      const master = lines((await get(url)).text);
      assert.match(
        master.find((l) => l.startsWith('#EXT-X-STREAM-INF'))!,
        /CODECS="avc1\.[0-9a-f]+,mp4a\.40\.2"/,
      );
      assert.ok(!master.some((l) => l.startsWith('#EXT-X-MEDIA:')), 'TS carries audio in the same segments');
      const media = lines((await get(baseOf(url) + master.at(-1)!)).text);
      assert.equal(media.filter((l) => l === '#EXT-X-DISCONTINUITY').length, 4);
      assert.ok(!media.some((l) => l.startsWith('#EXT-X-MAP')));
      const ts = media.filter((l) => l.startsWith('getTSFragment.ts?FragmentNumber='));
      assert.equal(ts.length, 4);
      const seg = await fetch(baseOf(url) + ts[0]);
      assert.equal(seg.headers.get('content-type'), 'video/mp2t');
      const bytes = Buffer.from(await seg.arrayBuffer());
      assert.equal(bytes.length % 188, 0);
      assert.equal(bytes[0], 0x47);
    });

    test('LIVE: a sliding window of the newest fragments, media sequence advancing as new ones arrive', async () => {
      await ingestFile(srv.endpoint, 'live', file, Date.now() - 20_000);
      const url = await hls({ StreamName: 'live', MaxMediaPlaylistFragmentResults: 3 });
      const base = baseOf(url);
      const path = `getHLSMediaPlaylist.m3u8?${url.split('?')[1]}&TrackNumber=1`;
      const first = lines((await get(base + path)).text);
      assert.ok(
        !first.includes('#EXT-X-ENDLIST') && !first.some((l) => l.startsWith('#EXT-X-PLAYLIST-TYPE')),
      );
      assert.ok(first.includes('#EXT-X-MEDIA-SEQUENCE:0'));
      const before = first.filter((l) => l.startsWith('getMP4MediaFragment'));
      assert.equal(before.length, 3);
      await ingestFile(srv.endpoint, 'live', file, Date.now() - 16_000);
      const second = lines((await get(base + path)).text);
      const now = second.filter((l) => l.startsWith('getMP4MediaFragment'));
      assert.equal(now.length, 3);
      assert.ok(second.includes('#EXT-X-MEDIA-SEQUENCE:4'), second.join('\n'));
      assert.ok(!now.includes(before[0]!));
    });

    test('DASH: static MPD for ON_DEMAND with kvs:fn / kvs:ts on each S element', async () => {
      const out = await am.send(
        new GetDASHStreamingSessionURLCommand({
          StreamName: 'cam',
          PlaybackMode: 'ON_DEMAND',
          DASHFragmentSelector: range(),
          DisplayFragmentNumber: 'ALWAYS',
          DisplayFragmentTimestamp: 'ALWAYS',
        }),
      );
      const mpd = await get(out.DASHStreamingSessionURL!);
      assert.equal(mpd.headers.get('content-type'), 'application/dash+xml');
      assert.match(mpd.text, /<MPD [^>]*type="static"/);
      const s = mpd.text.match(/<S [^>]+>/g)!;
      assert.equal(s.length, 8, 'four fragments per track');
      assert.match(s[0]!, /kvs:fn="\d{47}" kvs:ts="\d+\.\d{3}"/);
      assert.match(mpd.text, /codecs="avc1\.[0-9a-f]{6}"/);
      assert.match(mpd.text, /codecs="mp4a\.40\.2"/);
      const plain = await am.send(
        new GetDASHStreamingSessionURLCommand({
          StreamName: 'cam',
          PlaybackMode: 'ON_DEMAND',
          DASHFragmentSelector: range(),
        }),
      );
      assert.doesNotMatch((await get(plain.DASHStreamingSessionURL!)).text, /kvs:fn=|kvs:ts=/);
    });

    test('DASH: dynamic MPD for LIVE_REPLAY', async () => {
      const out = await am.send(
        new GetDASHStreamingSessionURLCommand({
          StreamName: 'cam',
          PlaybackMode: 'LIVE_REPLAY',
          DASHFragmentSelector: range(),
        }),
      );
      const mpd = (await get(out.DASHStreamingSessionURL!)).text;
      assert.match(mpd, /<MPD [^>]*type="dynamic"[^>]*availabilityStartTime="[^"]+"/);
      assert.match(mpd, /<SegmentTimeline>/);
    });
  });

  describe('tokens and HTTP', () => {
    test('a forged or truncated token gets 403 with CORS', async () => {
      const url = await hls({ PlaybackMode: 'ON_DEMAND', HLSFragmentSelector: range() });
      const flip = (text: string, at: number): string =>
        text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
      const tilde = url.lastIndexOf('~');
      const forgedPayload = flip(url, url.indexOf('SessionToken=') + 40);
      const forgedMac = flip(url, tilde + 5);
      for (const bad of [forgedPayload, forgedMac, url.slice(0, -3), url.slice(0, tilde)]) {
        const res = await get(bad);
        assert.equal(res.status, 403, bad);
        assert.equal(res.headers.get('x-amzn-errortype'), 'NotAuthorizedException');
        assert.equal(res.headers.get('access-control-allow-origin'), '*');
      }
    });

    test('an expired token gets 403 "Streaming session token is expired"', async () => {
      const url = await hls({ PlaybackMode: 'ON_DEMAND', HLSFragmentSelector: range(), Expires: 300 });
      assert.equal((await get(url)).status, 200);
      offsetMs = 301_000;
      try {
        const res = await get(url);
        assert.equal(res.status, 403);
        assert.match(JSON.parse(res.text).Message as string, /Streaming session token is expired/);
      } finally {
        offsetMs = 0;
      }
    });

    test('preflight OPTIONS is answered for any playback resource', async () => {
      const url = await hls({ PlaybackMode: 'ON_DEMAND', HLSFragmentSelector: range() });
      const res = await fetch(url, {
        method: 'OPTIONS',
        headers: {
          Origin: 'http://example.test',
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'range',
        },
      });
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.match(res.headers.get('access-control-allow-methods')!, /GET/);
      assert.equal(res.headers.get('access-control-allow-headers'), 'range');
    });

    test('a fragment outside the session, or removed by retention while the session is open, is 404', async () => {
      const url = await hls({
        PlaybackMode: 'ON_DEMAND',
        HLSFragmentSelector: range(),
        MaxMediaPlaylistFragmentResults: 10,
      });
      const base = baseOf(url);
      const token = url.split('SessionToken=')[1]!;
      const media = lines(
        (await get(`${base}getHLSMediaPlaylist.m3u8?SessionToken=${token}&TrackNumber=1`)).text,
      );
      const fragment = media.find((l) => l.startsWith('getMP4MediaFragment'))!;
      await ingestFile(srv.endpoint, 'live', file, Date.now() - 10_000);
      const live = await hls({ StreamName: 'live' });
      const liveToken = live.split('SessionToken=')[1]!;
      const number = fragment.match(/FragmentNumber=(\d+)/)![1]!;
      const outside = await get(
        `${base}getMP4MediaFragment.mp4?FragmentNumber=${number}&SessionToken=${liveToken}&TrackNumber=1`,
      );
      assert.equal(outside.status, 404);
      // Retention removes cam's first fragment (cut-off just after its server timestamp).
      const stream = srv.kvideo.storage.meta.getByName('cam')!;
      const meta = srv.kvideo.storage.fragments.getFragment(stream.streamId, number)!;
      await srv.kvideo.storage.fragments.applyRetention(stream.streamId, meta.serverTimestampMs + 1);
      const gone = await get(base + fragment);
      assert.equal(gone.status, 404);
      assert.equal(gone.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
      const after = lines(
        (await get(`${base}getHLSMediaPlaylist.m3u8?SessionToken=${token}&TrackNumber=1`)).text,
      );
      assert.ok(!after.includes(fragment), 'the playlist no longer lists the removed fragment');
    });

    test('unknown resource, wrong container, bad parameters', async () => {
      await ingestFile(srv.endpoint, 'live', file, Date.now() - 5_000);
      const url = await hls({ StreamName: 'live' });
      const q = url.split('?')[1]!;
      const base = baseOf(url);
      assert.equal((await get(`${base}getSomething.m3u8?${q}`)).status, 404);
      assert.equal((await get(`${base}getTSFragment.ts?${q}&FragmentNumber=1`)).status, 400);
      assert.equal((await get(`${base}getMP4MediaFragment.mp4?${q}`)).status, 400);
      assert.equal((await get(`${base}getHLSMediaPlaylist.m3u8?${q}&TrackNumber=9`)).status, 400);
      assert.equal((await get(`${base}getHLSMediaPlaylist.m3u8`)).status, 400);
      assert.equal(
        (await get(url.replace('/hls/v1/getHLSMasterPlaylist.m3u8', '/dash/v1/getDASHManifest.mpd'))).status,
        400,
      );
    });

    test('a deleted stream ends its sessions', async () => {
      const kv = controlPlaneClient(srv.endpoint);
      await kv.send(new CreateStreamCommand({ StreamName: 'short-lived', DataRetentionInHours: 1 }));
      await ingestFile(srv.endpoint, 'short-lived', file, Date.now() - 10_000);
      const url = (await am.send(new GetHLSStreamingSessionURLCommand({ StreamName: 'short-lived' })))
        .HLSStreamingSessionURL!;
      assert.equal((await get(url)).status, 200);
      await kv.send(
        new DeleteStreamCommand({ StreamARN: srv.kvideo.storage.meta.getByName('short-lived')!.streamArn }),
      );
      kv.destroy();
      assert.equal((await get(url)).status, 404);
    });
  });

  describe('quotas', () => {
    test('5 master playlist requests per second per session, then ClientLimitExceededException', async () => {
      const url = await hls({ PlaybackMode: 'ON_DEMAND', HLSFragmentSelector: range() });
      const frozen = Date.now();
      offsetMs = 0;
      const realNow = clock.now;
      clock.now = () => frozen;
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) statuses.push((await get(url)).status);
        assert.deepEqual(statuses, [200, 200, 200, 200, 200, 400]);
        const res = await get(url);
        assert.equal(res.headers.get('x-amzn-errortype'), 'ClientLimitExceededException');
      } finally {
        clock.now = realNow;
      }
    });
  });
});

describe('playback sessions across restarts, with --auth, and unthrottled', { skip: ffmpegMissing }, () => {
  test('a token outlives the server process; playback resources need no SigV4; quotas can be lifted', async () => {
    const dir = tempDir('kvideo-restart-');
    const file = await makeFixture(dir, 'v.mkv', { seconds: 2 });
    const credentials = buildCredentialStore({
      credentials: [
        { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: TEST_CREDENTIALS.secretAccessKey },
      ],
    });
    let srv = await startServer({ dataDir: `${dir}/data` });
    const start = Date.now() - 600_000;
    try {
      const kv = controlPlaneClient(srv.endpoint);
      await kv.send(new CreateStreamCommand({ StreamName: 'cam', DataRetentionInHours: 1 }));
      kv.destroy();
      await ingestFile(srv.endpoint, 'cam', file, start);
      const am = archivedClient(srv.endpoint);
      const url = (
        await am.send(
          new GetHLSStreamingSessionURLCommand({
            StreamName: 'cam',
            PlaybackMode: 'ON_DEMAND',
            HLSFragmentSelector: {
              FragmentSelectorType: 'PRODUCER_TIMESTAMP',
              TimestampRange: { StartTimestamp: new Date(start), EndTimestamp: new Date(start + 60_000) },
            },
          }),
        )
      ).HLSStreamingSessionURL!;
      am.destroy();
      const pathAndQuery = url.slice(srv.endpoint.length);
      const before = await get(url);
      assert.equal(before.status, 200);
      await srv.close({ keepData: true });
      srv = await startServer({
        dataDir: `${dir}/data`,
        credentials,
        limits: { playback: UNLIMITED_PLAYBACK },
      });
      const after = await get(srv.endpoint + pathAndQuery);
      assert.equal(after.status, 200, after.text);
      assert.equal(after.text, before.text);
      // Unthrottled: well over 5 requests in a burst all succeed.
      const statuses = await Promise.all(
        Array.from({ length: 12 }, async () => (await get(srv.endpoint + pathAndQuery)).status),
      );
      assert.ok(
        statuses.every((s) => s === 200),
        statuses.join(),
      );
      // The JSON APIs still need SigV4 under --auth.
      const unsigned = await fetch(`${srv.endpoint}/getHLSStreamingSessionURL`, {
        method: 'POST',
        body: '{}',
      });
      assert.equal(unsigned.status, 403);
    } finally {
      await srv.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
