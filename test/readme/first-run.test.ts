/**
 * Follows README.md literally on a fresh data dir: the first screen's `npm start` (on a free port
 * and a temporary data dir, through KVIDEO_PORT / KVIDEO_DATA_DIR, so the command itself is
 * unchanged), then every command of the "First run" and "Sending media" blocks, run by bash in an
 * empty directory with only the README's endpoint URL replaced by the server's. Each command's
 * output is checked against what the README says about it; a command this test does not know
 * fails it, so the README cannot drift from what the code does.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  KinesisVideoArchivedMediaClient,
  ListFragmentsCommand,
} from '@aws-sdk/client-kinesis-video-archived-media';
import { readChunks } from '../cli/helpers/chunks.js';
import { REPO } from '../cli/helpers/run-cli.js';
import { awsCliMissing } from '../helpers/aws-cli.js';
import { tempDir, TEST_CREDENTIALS, TEST_REGION } from '../helpers/server.js';
import { countKeyFrames, ffmpegMissing } from '../helpers/tools.js';
import { commandsIn, README } from './readme-commands.js';

const README_URL = 'http://127.0.0.1:4567';
const readme = readFileSync(README, 'utf8');
const missing = ffmpegMissing || awsCliMissing;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm start` as the README says, in its own process group (npm, sh and node all stop). */
function npmStart(dataDir: string): Promise<{ child: ChildProcess; endpoint: string; log: () => string }> {
  const child = spawn('npm', ['start'], {
    cwd: REPO,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KVIDEO_PORT: '0', KVIDEO_DATA_DIR: dataDir },
  });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not listen: ${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"origin":"(http:\/\/[^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, endpoint: m[1]!, log: () => out });
      }
    });
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}): ${out}`)));
  });
}

describe('README first run, followed literally', { skip: missing }, () => {
  const dataDir = tempDir('kvideo-readme-data-');
  const work = tempDir('kvideo-readme-work-');
  let server: Awaited<ReturnType<typeof npmStart>>;
  let env: NodeJS.ProcessEnv;
  let exports = '';
  let clipFragments = 0;
  let archived: KinesisVideoArchivedMediaClient;

  const sh = (command: string, timeoutMs = 120_000): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        'bash',
        ['-c', `${exports}\n${command.replaceAll(README_URL, server.endpoint)}`],
        { cwd: work, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) =>
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
      );
    });

  const fragmentCount = async (): Promise<number> => {
    const out = await archived.send(new ListFragmentsCommand({ StreamName: 'cam-1' }));
    return out.Fragments?.length ?? 0;
  };
  /** The fragment count once it reaches `expected`, or after 20 s of waiting for it. */
  const settledCount = async (expected: number): Promise<number> => {
    const until = Date.now() + 20_000;
    let n = await fragmentCount();
    while (n < expected && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      n = await fragmentCount();
    }
    return n;
  };

  before(async () => {
    // `./bin/kvideo` resolves in the work directory as it does in the checkout.
    symlinkSync(join(REPO, 'bin'), join(work, 'bin'));
    env = { PATH: process.env.PATH, HOME: tempDir(), AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '' };
    server = await npmStart(dataDir);
    archived = new KinesisVideoArchivedMediaClient({
      endpoint: server.endpoint,
      region: TEST_REGION,
      credentials: TEST_CREDENTIALS,
    });
  });
  after(() => {
    archived?.destroy();
    if (server?.child.pid) process.kill(-server.child.pid, 'SIGTERM');
  });

  test('the first screen is two commands: start the server, run the tests', () => {
    assert.deepEqual(commandsIn(['']), ['npm ci && npm start', 'npm test']);
    assert.match(readme, /npm ci && npm start +# server on http:\/\/127\.0\.0\.1:4567, data in \.\/data/);
    // npm start ran above (npm ci is what produced this checkout's node_modules; npm test is this).
    assert.match(server.log(), /> node \.\/bin\/kvideo serve/);
  });

  test('every First run and Sending media command works as the README says', async (t) => {
    const commands = commandsIn(['First run', 'Sending media']);
    assert.ok(commands.length >= 6, commands.join('\n'));
    for (const command of commands) {
      // Every URL in them is the one the first screen announces (and this test replaces).
      for (const url of command.match(/https?:\/\/[^\s/]+/g) ?? []) assert.equal(url, README_URL, command);
      await t.test(command.slice(0, 100), async () => {
        await step(command);
      });
    }
  });

  async function step(command: string): Promise<void> {
    if (command.startsWith('export ')) {
      exports += `${command}\n`;
      const run = await sh('env');
      assert.match(run.stdout, /^AWS_ACCESS_KEY_ID=/m);
      return;
    }
    if (/^aws kinesisvideo create-stream .*--data-retention-in-hours 24/.test(command)) {
      const run = await sh(command);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /"StreamARN": "arn:aws:kinesisvideo:us-west-2:\d+:stream\/cam-1\/\d+"/);
      return;
    }
    if (/^ffmpeg -f lavfi .* in\.mkv$/.test(command)) {
      const run = await sh(command);
      assert.equal(run.code, 0, run.stderr);
      clipFragments = await countKeyFrames(join(work, 'in.mkv'));
      assert.ok(clipFragments >= 5, `${clipFragments} key frames`);
      return;
    }
    if (/^\.\/bin\/kvideo put-media .* in\.mkv$/.test(command)) {
      // A default x264 encode (B-frames) with AAC: every fragment must be stored.
      const before = await fragmentCount();
      const run = await sh(command);
      assert.equal(run.code, 0, run.stderr);
      const n = clipFragments;
      assert.match(
        run.stderr,
        new RegExp(`^put-media: ${n} fragments sent, ${n} received, ${n} persisted, 0 errors$`, 'm'),
      );
      assert.equal((await settledCount(before + n)) - before, n);
      return;
    }
    const maxFragments = /^\.\/bin\/kvideo get-media .*--max-fragments (\d+) (\S+)$/.exec(command);
    if (maxFragments) {
      // Bounded: with fewer fragments stored than asked for it would wait at the live edge.
      const run = await sh(command, 60_000);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, '{\n    "ContentType": "video/webm"\n}\n');
      const chunks = readChunks(readFileSync(join(work, maxFragments[2]!)));
      assert.equal(chunks.length, Number(maxFragments[1]));
      assert.ok(chunks.every((c) => c.complete));
      return;
    }
    const awsGet = /^aws kinesis-video-media get-media .*--cli-read-timeout (\d+) (\S+)$/.exec(command);
    if (awsGet) {
      // As the README warns: at the live edge only the read timeout ends it, with exit 255.
      const run = await sh(command);
      assert.equal(run.code, 255, run.stderr);
      assert.match(run.stderr, /Read timeout on endpoint URL: "None"/);
      assert.ok(readme.includes('Read timeout on endpoint URL: "None"'));
      const file = join(work, awsGet[2]!);
      assert.ok(existsSync(file) && statSync(file).size > 0, 'the AWS CLI wrote what it read');
      return;
    }
    if (/^ffmpeg -re -i in\.mkv .*\/putMedia$/.test(command)) {
      // ffmpeg as a live producer, straight to the server: all fragments stored.
      const before = await fragmentCount();
      const run = await sh(command);
      assert.equal(run.code, 0, run.stderr);
      // ffmpeg does not wait for ACKs: its last fragments may still be being persisted.
      const stored = (await settledCount(before + clipFragments)) - before;
      assert.equal(stored, clipFragments, 'all fragments stored');
      return;
    }
    assert.fail(`README command not covered by this test: ${command}`);
  }
});
