/**
 * The runner shared by the commands whose output is a media stream saved to `outfile`
 * (get-media, get-media-for-fragment-list): like `aws kinesis-video-media get-media`, the payload
 * goes to the file and the response metadata (`{"ContentType": "video/webm"}`) is printed per
 * --output afterwards. With outfile `-` the payload goes to stdout and the metadata to stderr,
 * so `kvideo get-media ... - | ffplay -` gets nothing but media on its stdin.
 */
import { parseInvocation, type Invocation } from '../args/invocation.js';
import type { ArgDef } from '../args/arg-table.js';
import { toSdkInput, validateParams } from '../args/validate.js';
import { resolveDataEndpoint } from '../aws/data-endpoint.js';
import { AwsSession } from '../aws/session.js';
import { formatOptions, type CommandContext, type CommandDef } from '../command.js';
import { EXIT, InterruptedError } from '../errors.js';
import { renderCommandHelp } from '../help/render.js';
import { operationDef, shapeOf, type OperationName } from '../model.js';
import { formatResponse } from '../output/formatter.js';
import { printOutput } from '../output/pager.js';
import { parseOutput } from '../output/shape-parse.js';
import { BrokenPipe, OutputTarget } from './outfile.js';
import { Progress } from './progress.js';
import { receiveMedia, type MediaResponse, type ReceiveOptions } from './receive.js';

export interface MediaRunSpec {
  operation: OperationName;
  dataPlaneApi: string;
  /** The operation input for a session, resuming after `token` when given. */
  input(params: Record<string, unknown>, token: string | undefined): Record<string, unknown>;
  /** Command-specific options (follow, limits, tags) from the parsed arguments. */
  options(
    inv: Invocation,
    params: Record<string, unknown>,
  ): Promise<Partial<ReceiveOptions> & { noProgress?: boolean }>;
}

export async function runMediaCommand(
  command: CommandDef,
  spec: MediaRunSpec,
  table: ArgDef[],
  argv: readonly string[],
  ctx: CommandContext,
): Promise<number> {
  const def = operationDef(spec.operation);
  const inv = await parseInvocation(def.service, table, argv, ctx.globals);
  if (inv === 'help') {
    await printOutput(renderCommandHelp(command), ctx.globals.pager);
    return EXIT.ok;
  }
  const outfile = inv.outfile!;
  const extra = await spec.options(inv, inv.params);
  const session = new AwsSession(ctx.globals, ctx.debug);
  const inputShape = shapeOf(def.service, def.input!);
  let out: OutputTarget | undefined;
  try {
    await session.region();
    validateParams(def.service, inputShape, inv.params);
    const endpoint = await resolveDataEndpoint(
      session,
      ctx.globals.endpointUrl,
      spec.dataPlaneApi,
      inv.params,
    );
    const client = await session.client(def.service, endpoint);
    const call = async (token: string | undefined, signal: AbortSignal): Promise<MediaResponse> => {
      const input = toSdkInput(def.service, inputShape, spec.input(inv.params, token));
      const { output, exchange } = await session.send(client, def.service, spec.operation, input, {
        streaming: true,
        abortSignal: signal,
      });
      return { payload: output.Payload as MediaResponse['payload'], exchange };
    };
    const progress = new Progress(
      Boolean(process.stderr.isTTY) && !ctx.globals.debug && !extra.noProgress && extra.tags?.path !== '-',
    );
    let result;
    try {
      result = await receiveMedia({
        call,
        open: async () => (out = await OutputTarget.open(outfile)),
        follow: false,
        aligned: false,
        untilTag: 'AWS_KINESISVIDEO_SERVER_TIMESTAMP',
        progress,
        interrupt: ctx.interrupt,
        debug: ctx.debug,
        ...extra,
      });
    } catch (err) {
      // The reading end of `- | player` went away: stop quietly, like a filter in a pipeline.
      if (err instanceof BrokenPipe) return EXIT.ok;
      throw err;
    } finally {
      progress.finish();
      await out?.close();
      await extra.tags?.close();
    }
    if (result.stop === 'interrupt') throw new InterruptedError(outfile === '-');
    if (!result.exchange) return EXIT.ok;
    const metadata = parseOutput(def.service, def.output, {}, result.exchange.headers ?? {});
    const text = await formatResponse(spec.operation, metadata, formatOptions(ctx.globals));
    if (outfile === '-') process.stderr.write(text);
    else await printOutput(text, ctx.globals.pager);
    return EXIT.ok;
  } finally {
    session.destroy();
  }
}
