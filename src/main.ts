/**
 * Entry point of ./bin/kvideo: `serve` starts the server; every other command is the AWS-CLI-style
 * client in src/cli.
 */
import { putMediaCommand, PUT_MEDIA_USAGE } from './cli/commands/put-media.js';
import { serve, SERVE_USAGE } from './serve-command.js';

const USAGE = `usage: kvideo <command> [options]

commands:
  serve        run the kvideo server (kvideo serve --help)
  put-media    send a Matroska file or stdin to PutMedia

${SERVE_USAGE}
${PUT_MEDIA_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      await serve(rest);
      return -1;
    case 'put-media':
      return putMediaCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`kvideo: unknown command '${command}'\n\n${USAGE}`);
      return 252;
  }
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
