/**
 * A real S3 endpoint for tests: Ceph's radosgw (Debian package `radosgw`, Ceph 16.2) on a
 * single-node Ceph cluster started in a temp directory — one monitor, one OSD on the `memstore`
 * object store (RADOS objects in the OSD's memory, no disk preparation), no cephx. Every daemon
 * runs in the foreground as our child and is killed by `stop()`. Pacific's radosgw has no
 * RADOS-free mode (`rgw_backend_store=dbstore` is not compiled into Debian's build), so this is
 * the smallest real setup. Returns `reason` when a piece is missing or does not come up.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from './postgres.js';
import { reapOnExit } from './reaper.js';

export interface RadosgwServer {
  /** endpoint=…&region=… for the s3:// URL. */
  query: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

const BINARIES = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'ceph', 'monmaptool', 'ceph-authtool'];
const ACCESS_KEY = 'KVIDEOTESTKEY';
const SECRET_KEY = 'KVIDEOTESTSECRET';

function exec(cmd: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

function config(dir: string, fsid: string, monPort: number, rgwPort: number): string {
  return `[global]
fsid = ${fsid}
mon_host = v2:127.0.0.1:${monPort}
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
# With auth none, daemons must not insist on "secure" connection mode.
ms_mon_client_mode = crc
ms_client_mode = crc
ms_mon_cluster_mode = crc
ms_cluster_mode = crc
ms_service_mode = crc
ms_mon_service_mode = crc
osd_objectstore = memstore
memstore_device_bytes = 2147483648
osd_pool_default_size = 1
osd_pool_default_min_size = 1
mon_allow_pool_size_one = true
osd_crush_chooseleaf_type = 0
osd_pool_default_pg_autoscale_mode = off
osd_pool_default_pg_num = 8
mon_max_pg_per_osd = 1000
run_dir = ${dir}
log_file = ${dir}/$name.log
admin_socket = ${dir}/$name.asok
keyring = ${dir}/keyring
[mon.a]
mon_data = ${dir}/mon
[osd.0]
osd_data = ${dir}/osd0
[client.rgw]
rgw_frontends = beast endpoint=127.0.0.1:${rgwPort}
`;
}

async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
}

export async function startRadosgw(bucket: string): Promise<{ server: RadosgwServer } | { reason: string }> {
  if (process.env.KVIDEO_TEST_S3 === 's3rver') return { reason: 'KVIDEO_TEST_S3=s3rver' };
  const missing = BINARIES.filter((b) => !['/usr/bin', '/usr/sbin'].some((d) => existsSync(join(d, b))));
  if (missing.length > 0)
    return { reason: `not installed: ${missing.join(', ')} (apt-get install radosgw ceph-mon ceph-osd)` };
  const dir = mkdtempSync(join(tmpdir(), 'kvideo-ceph-'));
  const children: ChildProcess[] = [];
  let reaper: { cancel(): void } | undefined;
  const stop = async (): Promise<void> => {
    for (const child of children.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
    reaper?.cancel();
  };
  try {
    const [monPort, rgwPort] = [await freePort(), await freePort()];
    const conf = join(dir, 'ceph.conf');
    const fsid = randomUUID();
    mkdirSync(join(dir, 'mon'));
    mkdirSync(join(dir, 'osd0'));
    writeFileSync(conf, config(dir, fsid, monPort, rgwPort));
    const daemon = (bin: string, args: string[]): void => {
      const child = spawn(bin, ['-f', '-c', conf, ...args], { stdio: 'ignore' });
      child.on('error', () => undefined);
      children.push(child);
      reaper?.cancel();
      const pids = children.map((c) => c.pid).filter((p) => p !== undefined);
      reaper = reapOnExit(`kill -9 ${pids.join(' ')} 2>/dev/null; rm -rf ${dir}`);
    };
    await exec('ceph-authtool', [
      '--create-keyring',
      join(dir, 'keyring'),
      '--gen-key',
      '-n',
      'mon.',
      '--cap',
      'mon',
      'allow *',
    ]);
    await exec('monmaptool', [
      '--create',
      '--addv',
      'a',
      `[v2:127.0.0.1:${monPort}]`,
      '--fsid',
      fsid,
      join(dir, 'monmap'),
    ]);
    await exec('ceph-mon', [
      '-c',
      conf,
      '--mkfs',
      '-i',
      'a',
      '--monmap',
      join(dir, 'monmap'),
      '--keyring',
      join(dir, 'keyring'),
    ]);
    daemon('ceph-mon', ['-i', 'a']);
    await waitFor('ceph-mon', 60_000, async () => {
      await exec('ceph', ['-c', conf, '--connect-timeout', '5', 'osd', 'create'], 15_000);
      return true;
    });
    await exec('ceph-osd', ['-c', conf, '-i', '0', '--mkfs']);
    daemon('ceph-osd', ['-i', '0']);
    daemon('radosgw', ['-n', 'client.rgw', '--no-mon-config']);
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    await waitFor('radosgw', 120_000, async () => (await fetch(endpoint)).ok);
    await exec('radosgw-admin', [
      '-c',
      conf,
      '-n',
      'client.rgw',
      '--no-mon-config',
      'user',
      'create',
      '--uid=kvideo',
      '--display-name=kvideo',
      `--access-key=${ACCESS_KEY}`,
      `--secret=${SECRET_KEY}`,
    ]);
    const s3 = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
    });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    s3.destroy();
    console.log(
      `# object store: radosgw (Ceph ${(await exec('radosgw', ['--version'])).split(' ')[2]}, single-node memstore cluster)`,
    );
    return {
      server: {
        query: `endpoint=${endpoint}&region=us-east-1`,
        accessKeyId: ACCESS_KEY,
        secretAccessKey: SECRET_KEY,
        stop,
      },
    };
  } catch (err) {
    await stop();
    return { reason: (err as Error).message.split('\n')[0] ?? 'radosgw did not start' };
  }
}
