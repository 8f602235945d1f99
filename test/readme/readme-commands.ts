/**
 * Reads the commands out of README.md's fenced `sh` blocks, section by section, as a reader would
 * type them: continuation lines joined, trailing `# comments` dropped. The README test runs them,
 * so the README's first screen cannot drift from what the code does.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

export interface ShBlock {
  /** The `## ` heading the block is under ('' for the part before the first heading). */
  section: string;
  commands: string[];
}

/** Drops a trailing comment (whitespace, `#`, space) outside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote !== "'") i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && i > 0 && /\s/.test(line[i - 1]!)) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

export function shBlocks(markdown: string = readFileSync(README, 'utf8')): ShBlock[] {
  const blocks: ShBlock[] = [];
  let section = '';
  let current: string[] | undefined;
  for (const line of markdown.split('\n')) {
    if (current) {
      if (line.startsWith('```')) {
        const commands: string[] = [];
        let pending = '';
        for (const raw of current) {
          const text = stripComment(raw);
          if (text.endsWith('\\')) {
            pending += `${text.slice(0, -1).trimEnd()} `;
            continue;
          }
          const command = (pending + text.trim()).trim();
          pending = '';
          if (command) commands.push(command);
        }
        blocks.push({ section, commands });
        current = undefined;
      } else current.push(line);
      continue;
    }
    if (line.startsWith('## ')) section = line.slice(3).trim();
    else if (line.trim() === '```sh') current = [];
  }
  return blocks;
}

/** The commands of the sh blocks under the given sections, in README order. */
export function commandsIn(sections: readonly string[], markdown?: string): string[] {
  return shBlocks(markdown)
    .filter((b) => sections.includes(b.section))
    .flatMap((b) => b.commands);
}
