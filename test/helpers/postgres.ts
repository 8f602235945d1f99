/**
 * Starts a throw-away PostgreSQL server for one test file: Debian's binaries, `initdb` into a temp
 * directory, `pg_ctl` on a free 127.0.0.1 port, stopped and removed again by `stop()`. No system
 * service is used. PostgreSQL refuses to run as root, so under root the server runs as the
 * `postgres` system user (created by Debian's package). Tests skip with `reason` when none of
 * this is possible.
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { reapOnExit } from './reaper.js';

export interface PgServer {
  /** postgres://kvideo@127.0.0.1:<port>/kvideo */
  url: string;
  stop(): Promise<void>;
}

export type PgStart = { server: PgServer } | { reason: string };

function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function exec(cmd: string, args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Runs a PostgreSQL binary as the unprivileged user when we are root. */
function asPgUser(bin: string, args: string[]): Promise<string> {
  if (userInfo().uid !== 0) return exec(bin, args);
  return exec('runuser', ['-u', 'postgres', '--', bin, ...args]);
}

export async function startPostgres(): Promise<PgStart> {
  const bin = binDir();
  if (!bin) return { reason: 'PostgreSQL is not installed (apt-get install postgresql)' };
  const dir = mkdtempSync(join(tmpdir(), 'kvideo-pg-'));
  const data = join(dir, 'data');
  try {
    if (userInfo().uid === 0) {
      const ids = (await exec('id', ['-u', 'postgres'])).trim();
      const gid = (await exec('id', ['-g', 'postgres'])).trim();
      chownSync(dir, Number(ids), Number(gid));
      chmodSync(dir, 0o700);
    }
    await asPgUser(join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'kvideo',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    const port = await freePort();
    // fsync off: the test data is thrown away, and the machine is shared; commit semantics are unchanged.
    const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    await asPgUser(join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-o',
      opts,
      '-w',
      '-t',
      '120',
      'start',
    ]);
    const stopCmd = `${userInfo().uid === 0 ? 'runuser -u postgres -- ' : ''}${join(bin, 'pg_ctl')} -D ${data} -m immediate stop`;
    const reaper = reapOnExit(`${stopCmd} >/dev/null 2>&1; rm -rf ${dir}`);
    await asPgUser(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'kvideo', 'kvideo']);
    return {
      server: {
        url: `postgres://kvideo@127.0.0.1:${port}/kvideo`,
        async stop() {
          await asPgUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']).catch(
            () => undefined,
          );
          rmSync(dir, { recursive: true, force: true });
          reaper.cancel();
        },
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return { reason: `PostgreSQL could not start: ${(err as Error).message.split('\n')[0]}` };
  }
}
