/**
 * The runner shared by commands that call one KVS operation and print its JSON response
 * (create-stream, describe-stream, list-streams, delete-stream, get-data-endpoint,
 * update-data-retention, list-fragments): parse arguments, validate parameters as botocore does,
 * call through the AWS SDK (paginating like the AWS CLI unless --no-paginate), then print the
 * response exactly as the AWS CLI v1 would for the same bytes (see src/cli/output).
 */
import { buildArgTable, type ArgDef } from './args/arg-table.js';
import { parseInvocation, type Invocation } from './args/invocation.js';
import { toSdkInput, validateParams } from './args/validate.js';
import { resolveDataEndpoint } from './aws/data-endpoint.js';
import { AwsSession } from './aws/session.js';
import { formatOptions, type CommandDef } from './command.js';
import { CliError, EXIT } from './errors.js';
import { renderCommandHelp } from './help/render.js';
import { operationDef, PAGINATORS, shapeOf, type OperationName } from './model.js';
import { formatPaged, formatResponse } from './output/formatter.js';
import { printOutput } from './output/pager.js';
import { parsePyJson } from './output/py-json.js';
import type { Json } from './output/py-value.js';
import { parseOutput } from './output/shape-parse.js';
import { paginate, type PagingArgs } from './paginate.js';

export interface JsonCommandSpec {
  name: string;
  operation: OperationName;
  summary: string;
  /** For data-plane operations: the GetDataEndpoint API name used without --endpoint-url. */
  dataPlaneApi?: string;
  /** CLI-only arguments appended to the model's (kvideo extensions). */
  extra?: readonly ArgDef[];
  /** When it returns a sink, each response page goes to it instead of being printed. */
  sink?(inv: Invocation): PageSink | undefined;
}

export interface PageSink {
  page(response: Record<string, unknown>): Promise<void>;
  finish(): Promise<void>;
}

const PAGING_ARGS = ['starting-token', 'page-size', 'max-items'] as const;

function pagingArgs(values: Map<string, unknown>): PagingArgs {
  const num = (k: string): number | undefined => (values.has(k) ? Number(values.get(k)) : undefined);
  const token = values.get('starting-token');
  return {
    ...(typeof token === 'string' ? { startingToken: token } : {}),
    ...(values.has('page-size') ? { pageSize: num('page-size') } : {}),
    ...(values.has('max-items') ? { maxItems: num('max-items') } : {}),
  };
}

export function jsonOperationCommand(spec: JsonCommandSpec): CommandDef {
  const def = operationDef(spec.operation);
  const command: CommandDef = {
    name: spec.name,
    service: def.service,
    summary: spec.summary,
    table: () => buildArgTable(spec.operation, { extra: spec.extra ?? [] }),
    help: { operation: spec.operation },
    async run(argv, ctx) {
      const table = command.table();
      const inv = await parseInvocation(def.service, table, argv, ctx.globals);
      if (inv === 'help') {
        await printOutput(renderCommandHelp(command), ctx.globals.pager);
        return EXIT.ok;
      }
      const paginator = PAGINATORS[spec.operation];
      // awscli check_should_enable_pagination: using the service's own paging members turns
      // automatic pagination off; paging arguments then conflict with it.
      const manual = paginator && (paginator.inputToken in inv.params || paginator.limitKey in inv.params);
      const paginated = paginator !== undefined && ctx.globals.paginate && !manual;
      if (paginator && !paginated) {
        const used = PAGING_ARGS.filter((a) => inv.values.has(a));
        if (used.length > 0) {
          throw new CliError(
            `Error during pagination: Cannot specify --no-paginate along with pagination arguments: ${used.map((u) => `--${u}`).join(', ')}`,
          );
        }
      }
      const sink = spec.sink?.(inv);
      const session = new AwsSession(ctx.globals, ctx.debug);
      try {
        await session.region();
        const inputShape = def.input ? shapeOf(def.service, def.input) : undefined;
        const endpoint = spec.dataPlaneApi
          ? await resolveDataEndpoint(session, ctx.globals.endpointUrl, spec.dataPlaneApi, inv.params)
          : ctx.globals.endpointUrl;
        const client = await session.client(def.service, endpoint);
        const callPage = async (params: Record<string, unknown>): Promise<Record<string, unknown>> => {
          if (inputShape) validateParams(def.service, inputShape, params);
          const input = inputShape ? toSdkInput(def.service, inputShape, params) : {};
          const { exchange } = await session.send(client, def.service, spec.operation, input, {
            abortSignal: ctx.interrupt,
          });
          const text = exchange.body?.toString('utf8') ?? '';
          const body: Json = text.trim() === '' ? {} : parsePyJson(text);
          const page = parseOutput(def.service, def.output, body, exchange.headers ?? {});
          await sink?.page(page);
          return page;
        };
        if (sink) {
          if (paginated) await paginate(paginator, inv.params, pagingArgs(inv.values), callPage);
          else await callPage(inv.params);
          await sink.finish();
          return EXIT.ok;
        }
        const options = formatOptions(ctx.globals);
        const text = paginated
          ? await formatPaged(
              spec.operation,
              await paginate(paginator, inv.params, pagingArgs(inv.values), callPage),
              options,
            )
          : await formatResponse(spec.operation, await callPage(inv.params), options);
        await printOutput(text, ctx.globals.pager);
        return EXIT.ok;
      } finally {
        session.destroy();
      }
    },
  };
  return command;
}
