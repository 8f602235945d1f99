/**
 * Entry point of ./bin/kvideo: `serve` starts the server (src/serve-command.ts); every other
 * command is the AWS-CLI-style client (src/cli/run.ts). The client is loaded only when needed,
 * so `kvideo serve` does not pay for it and the client never loads the server.
 */

const SERVE_SUMMARY = 'Run the kvideo server (kvideo serve --help for its options).';

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'serve') {
    const { serve } = await import('./serve-command.js');
    await serve(argv.slice(1));
    return -1;
  }
  const { runCli } = await import('./cli/run.js');
  return runCli(argv, SERVE_SUMMARY);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`kvideo: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 255;
  },
);
