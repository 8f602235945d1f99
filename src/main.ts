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

// A command that waits on something nobody will ever resolve lets the event loop run dry, and
// Node would then exit 0 with nothing said (kvideo put-media once did so when the server was
// down): never let that pass for success.
let settled = false;
process.once('beforeExit', () => {
  if (settled) return;
  process.stderr.write('kvideo: internal error: the command stopped without finishing\n');
  process.exitCode = 255;
});

main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    settled = true;
    process.stderr.write(`kvideo: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 255;
  },
);
