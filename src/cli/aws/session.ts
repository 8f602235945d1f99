/**
 * One CLI invocation's connection to AWS-compatible endpoints: region, credentials and transport
 * settings resolved from the global options, and AWS SDK v3 clients built from them. The SDK does
 * endpoint resolution, SigV4 signing (service `kinesisvideo`), retries and streaming; this
 * module adds what the AWS CLI does around it (timeouts, TLS options, unsigned requests, the
 * v1 retry budget) and captures each raw response so output can be printed as the CLI prints it.
 *
 * SDK modules are imported lazily: `kvideo help` and argument errors never load them.
 */
import { readFileSync } from 'node:fs';
import { CliError } from '../errors.js';
import type { GlobalOptions } from '../args/global-options.js';
import type { DebugLog } from '../debug-log.js';
import type { ServiceName } from '../model.js';
import { captureMiddleware, type Exchange } from './capture.js';
import { describeCallError } from './call-errors.js';

export interface SdkClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<Record<string, unknown>>;
  destroy(): void;
  config: { region(): Promise<string> };
}

type CommandCtor = new (input: unknown) => {
  middlewareStack: { add(mw: unknown, options: Record<string, unknown>): void };
};

async function loadModule(service: ServiceName): Promise<Record<string, unknown>> {
  switch (service) {
    case 'kinesisvideo':
      return (await import('@aws-sdk/client-kinesis-video')) as unknown as Record<string, unknown>;
    case 'kinesis-video-media':
      return (await import('@aws-sdk/client-kinesis-video-media')) as unknown as Record<string, unknown>;
    case 'kinesis-video-archived-media':
      return (await import('@aws-sdk/client-kinesis-video-archived-media')) as unknown as Record<
        string,
        unknown
      >;
  }
}

const CLIENT_CLASS: Record<ServiceName, string> = {
  kinesisvideo: 'KinesisVideoClient',
  'kinesis-video-media': 'KinesisVideoMediaClient',
  'kinesis-video-archived-media': 'KinesisVideoArchivedMediaClient',
};

/** Unsigned requests (`--no-sign-request`): the SDK's noAuth scheme, so no credentials are loaded. */
const NO_AUTH = {
  httpAuthSchemeProvider: () => [{ schemeId: 'smithy.api#noAuth' }],
  httpAuthSchemes: [
    {
      schemeId: 'smithy.api#noAuth',
      identityProvider: () => async () => ({}),
      signer: { sign: async (request: unknown) => request },
    },
  ],
};

const NO_CREDENTIALS =
  'Unable to locate credentials. You can configure credentials by running "aws configure".';

export class AwsSession {
  readonly #globals: GlobalOptions;
  readonly #debug: DebugLog;
  readonly #clients: SdkClient[] = [];
  #region: string | undefined;
  #credentials: unknown;

  constructor(globals: GlobalOptions, debug: DebugLog) {
    this.#globals = globals;
    this.#debug = debug;
    const p = globals.profile;
    if (p.name !== 'default' && !p.exists)
      throw new CliError(`The config profile (${p.name}) could not be found`);
  }

  get debug(): DebugLog {
    return this.#debug;
  }

  /** --region, AWS_DEFAULT_REGION, then the SDK's region provider (AWS_REGION, profile `region`). */
  async region(): Promise<string> {
    if (this.#region) return this.#region;
    let region = this.#globals.region;
    if (!region) {
      const mod = await loadModule('kinesisvideo');
      const Ctor = mod.KinesisVideoClient as new (c: object) => SdkClient;
      const probe = new Ctor({ profile: this.#globals.profile.name });
      region = await probe.config.region().catch(() => undefined);
      probe.destroy();
    }
    if (!region) {
      throw new CliError(
        'You must specify a region. You can also configure your region by running "aws configure".',
        255,
        false,
      );
    }
    this.#debug.log('kvideo.session', `Resolved region: ${region}`);
    return (this.#region = region);
  }

  /**
   * Credentials as botocore orders them: an explicit --profile beats environment keys; otherwise
   * environment keys first; then the SDK's default chain for the profile.
   */
  async #credentialProvider(): Promise<unknown> {
    if (this.#credentials) return this.#credentials;
    const env = process.env;
    let provider: () => Promise<unknown>;
    if (!this.#globals.explicitProfile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
      const creds = {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      };
      provider = async () => creds;
    } else {
      const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
      const chain = defaultProvider({ profile: this.#globals.profile.name });
      provider = () => chain();
    }
    this.#credentials = async () => {
      try {
        return await provider();
      } catch (err) {
        this.#debug.log('kvideo.credentials', `credential chain failed: ${(err as Error).message}`);
        throw new CliError(NO_CREDENTIALS, 255, false);
      }
    };
    return this.#credentials;
  }

  /** The signing credentials (undefined with --no-sign-request), for requests the SDK does not model. */
  async credentials(): Promise<
    (() => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>) | undefined
  > {
    if (!this.#globals.signRequest) return undefined;
    return (await this.#credentialProvider()) as () => Promise<{
      accessKeyId: string;
      secretAccessKey: string;
    }>;
  }

  /** TLS options for raw requests: --no-verify-ssl and --ca-bundle / AWS_CA_BUNDLE / ca_bundle. */
  tlsOptions(): { rejectUnauthorized: boolean; ca?: Buffer } {
    return (this.#requestHandler() as { httpsAgent: { rejectUnauthorized: boolean; ca?: Buffer } })
      .httpsAgent;
  }

  #requestHandler(): object {
    const g = this.#globals;
    let ca: Buffer | undefined;
    if (g.caBundle) {
      try {
        ca = readFileSync(g.caBundle);
      } catch {
        throw new CliError(
          `Could not find a suitable TLS CA certificate bundle, invalid path: ${g.caBundle}`,
          255,
        );
      }
    }
    return {
      // 0 disables a timeout, as --cli-*-timeout 0 does in the AWS CLI.
      connectionTimeout: g.connectTimeoutMs || undefined,
      socketTimeout: g.readTimeoutMs || undefined,
      httpsAgent: { rejectUnauthorized: g.verifySsl, ...(ca ? { ca } : {}) },
    };
  }

  async client(service: ServiceName, endpoint: string | undefined): Promise<SdkClient> {
    const region = await this.region();
    const mod = await loadModule(service);
    const Ctor = mod[CLIENT_CLASS[service]] as new (c: object) => SdkClient;
    const g = this.#globals;
    const client = new Ctor({
      region,
      profile: g.profile.name,
      ...(endpoint ? { endpoint } : {}),
      ...(g.signRequest ? { credentials: await this.#credentialProvider() } : NO_AUTH),
      maxAttempts: g.maxAttempts,
      requestHandler: this.#requestHandler(),
      customUserAgent: 'kvideo-cli/0.1.0',
    });
    this.#clients.push(client);
    return client;
  }

  /**
   * Sends one operation. The exchange records the raw response (body included unless the
   * output streams) so callers can print it as botocore parsed it; failures become the AWS
   * CLI's messages (`An error occurred (Code) when calling the Op operation: ...`).
   */
  async send(
    client: SdkClient,
    service: ServiceName,
    operation: string,
    input: unknown,
    options: { streaming?: boolean; abortSignal?: AbortSignal } = {},
  ): Promise<{ output: Record<string, unknown>; exchange: Exchange }> {
    const mod = await loadModule(service);
    const Ctor = mod[`${operation}Command`] as CommandCtor;
    const command = new Ctor(input);
    const exchange: Exchange = { attempts: 0 };
    command.middlewareStack.add(captureMiddleware(exchange, this.#debug, options.streaming ?? false), {
      step: 'deserialize',
      priority: 'low',
      name: 'kvideoCaptureMiddleware',
    });
    this.#debug.log('kvideo.client', `Calling ${operation} with params: ${JSON.stringify(input)}`);
    try {
      const output = await client.send(command, { abortSignal: options.abortSignal });
      return { output, exchange };
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw describeCallError(err, operation, exchange);
    }
  }

  destroy(): void {
    for (const c of this.#clients.splice(0)) c.destroy();
  }
}
