/**
 * `kvideo serve`: starts the server from flags and KVIDEO_* environment variables, logs JSON
 * lines with pino, and shuts down cleanly on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadCredentialsFile } from './auth/index.js';
import { createKvideoServer } from './server.js';
import { LIMITS_USAGE, LIMIT_OPTIONS, limitsFromFlags } from './serve-limits.js';

export const SERVE_USAGE = `usage: kvideo serve [options]

  --port N              port to listen on (env KVIDEO_PORT, default 4567)
  --host ADDR           address to bind (env KVIDEO_HOST, default 127.0.0.1)
  --data-dir DIR        embedded storage directory (env KVIDEO_DATA_DIR, default ./data)
  --cluster URL         cluster mode: postgres://user:pass@host:port/db for metadata and the fragment
                        index, instead of --data-dir (env KVIDEO_CLUSTER); needs --object-store
  --object-store URL    s3://[key:secret@]bucket/prefix?endpoint=URL&region=R for fragment payloads
                        (env KVIDEO_OBJECT_STORE; credentials otherwise from the AWS environment)
  --region R            region written into stream ARNs (env KVIDEO_REGION, default us-west-2)
  --account-id N        account id written into stream ARNs (env KVIDEO_ACCOUNT_ID, default 000000000000)
  --public-endpoint URL origin returned by GetDataEndpoint (env KVIDEO_PUBLIC_ENDPOINT, default: the bound address)
  --log-level LEVEL     trace|debug|info|warn|error|silent (env KVIDEO_LOG_LEVEL, default info)
  --auth FILE           enforce SigV4 with the keys in FILE (JSON or YAML, see README)
                        (env KVIDEO_AUTH_FILE; default: any credentials are accepted)
  --tls-cert FILE       serve HTTPS with this PEM certificate chain (env KVIDEO_TLS_CERT)
  --tls-key FILE        private key of --tls-cert, PEM (env KVIDEO_TLS_KEY)
  --ffmpeg PATH         ffmpeg binary GetImages decodes with (env KVIDEO_FFMPEG; default: ffmpeg
                        on PATH; without one GetImages answers an error saying so)
  --metrics-public      serve GET /metrics without SigV4 even with --auth (env KVIDEO_METRICS_PUBLIC=1;
                        Prometheus cannot sign scrapes). GET /health is always public.
  --no-console          do not serve the web console on GET / (env KVIDEO_NO_CONSOLE=1)
  --rebuild-index       set meta.lmdb aside and rebuild it from the segments and stream journals
                        (done automatically when start-up finds the index unreadable)
${LIMITS_USAGE}`;

/** True for addresses only this host can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(h);
}

/** The warning logged when the server is reachable beyond this host without --auth (issue #11). */
export function exposureWarning(host: string, auth: boolean): string | undefined {
  if (auth || isLoopbackHost(host)) return undefined;
  return (
    `listening on ${host} without --auth: anyone who can reach this address can read, write and ` +
    'delete every stream. Set --auth FILE (and --tls-cert/--tls-key); see README "Running beyond loopback".'
  );
}

export async function serve(argv: string[]): Promise<void> {
  const env = process.env;
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      cluster: { type: 'string' },
      'object-store': { type: 'string' },
      region: { type: 'string' },
      'account-id': { type: 'string' },
      'public-endpoint': { type: 'string' },
      ...LIMIT_OPTIONS,
      'log-level': { type: 'string' },
      auth: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      ffmpeg: { type: 'string' },
      'metrics-public': { type: 'boolean' },
      'no-console': { type: 'boolean' },
      'rebuild-index': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(SERVE_USAGE);
    return;
  }
  const port = Number(values.port ?? env.KVIDEO_PORT ?? 4567);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port: ${values.port}`);
  const host = values.host ?? env.KVIDEO_HOST ?? '127.0.0.1';
  const dataDir = values['data-dir'] ?? env.KVIDEO_DATA_DIR ?? './data';
  const postgresUrl = values.cluster ?? env.KVIDEO_CLUSTER;
  const objectStoreUrl = values['object-store'] ?? env.KVIDEO_OBJECT_STORE;
  if (!postgresUrl !== !objectStoreUrl)
    throw new Error('--cluster and --object-store must be given together');
  const cluster = postgresUrl && objectStoreUrl ? { postgresUrl, objectStoreUrl } : undefined;
  const logger = pino({ level: values['log-level'] ?? env.KVIDEO_LOG_LEVEL ?? 'info', base: undefined });
  const limitSettings = limitsFromFlags(values, env);
  const authFile = values.auth ?? env.KVIDEO_AUTH_FILE;
  const credentials = authFile ? loadCredentialsFile(authFile) : undefined;
  const tlsCert = values['tls-cert'] ?? env.KVIDEO_TLS_CERT;
  const tlsKey = values['tls-key'] ?? env.KVIDEO_TLS_KEY;
  if (!tlsCert !== !tlsKey) throw new Error('--tls-cert and --tls-key must be given together');
  const tls = tlsCert && tlsKey ? { cert: readFileSync(tlsCert), key: readFileSync(tlsKey) } : undefined;

  const ffmpeg = values.ffmpeg ?? env.KVIDEO_FFMPEG;
  const metricsPublic = values['metrics-public'] ?? env.KVIDEO_METRICS_PUBLIC === '1';
  const kvideo = await createKvideoServer({
    ...(cluster ? { cluster } : { dataDir }),
    ...(ffmpeg ? { ffmpeg } : {}),
    metricsPublic,
    console: !(values['no-console'] ?? env.KVIDEO_NO_CONSOLE === '1'),
    logger,
    identity: {
      ...((values.region ?? env.KVIDEO_REGION) ? { region: values.region ?? env.KVIDEO_REGION } : {}),
      ...((values['account-id'] ?? env.KVIDEO_ACCOUNT_ID)
        ? { accountId: values['account-id'] ?? env.KVIDEO_ACCOUNT_ID }
        : {}),
    },
    ...limitSettings,
    publicEndpoint: values['public-endpoint'] ?? env.KVIDEO_PUBLIC_ENDPOINT,
    ...(credentials ? { credentials } : {}),
    ...(tls ? { tls } : {}),
    ...(values['rebuild-index'] ? { rebuildIndex: true } : {}),
  });
  const origin = await kvideo.listen(port, host);
  logger.info(
    {
      origin,
      ...(cluster ? { storage: redacted(cluster) } : { dataDir }),
      auth: credentials ? `${credentials.size} key(s) from ${authFile}` : 'any credentials',
    },
    'kvideo listening',
  );
  const warning = exposureWarning(host, credentials !== undefined);
  if (warning) logger.warn({ host }, warning);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    kvideo.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** The storage URLs without passwords or keys, for the start-up log line. */
function redacted(cluster: { postgresUrl: string; objectStoreUrl: string }): Record<string, string> {
  const strip = (raw: string): string => {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    if (url.username && url.protocol === 's3:') url.username = '***';
    return url.toString();
  };
  return { cluster: strip(cluster.postgresUrl), objectStore: strip(cluster.objectStoreUrl) };
}
