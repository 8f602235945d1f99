/**
 * Summarises a V8 .cpuprofile (from `npm run bench -- --profile DIR`, i.e. node --cpu-prof on the
 * server child): the functions with the most self time, and with the most total (inclusive) time.
 *
 *   node dist/bench/profile-top.js DIR/CPU.*.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/(dist|node_modules)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
}

export function summarise(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfByLabel = new Map<string, number>();
  const totalByLabel = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    selfByLabel.set(label(node), (selfByLabel.get(label(node)) ?? 0) + us);
    // Inclusive: count once per distinct label on the stack.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!);
      if (seen.has(l)) continue;
      seen.add(l);
      totalByLabel.set(l, (totalByLabel.get(l) ?? 0) + us);
    }
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = selfByLabel.get('(idle)') ?? 0;
  const busy = total - idle;
  const lines: string[] = [];
  const pct = (us: number): string => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  lines.push(
    `profile: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (percentages of busy)`,
  );
  lines.push('\nself time:');
  for (const [l, us] of [...selfByLabel]
    .filter(([l]) => l !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)) {
    lines.push(`  ${pct(us)} ${(us / 1000).toFixed(0).padStart(7)} ms  ${l}`);
  }
  lines.push('\ntotal time:');
  for (const [l, us] of [...totalByLabel]
    .filter(([l]) => l !== '(idle)' && l !== '(root)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)) {
    lines.push(`  ${pct(us)} ${(us / 1000).toFixed(0).padStart(7)} ms  ${l}`);
  }
  return lines.join('\n');
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' } } });
for (const file of positionals) {
  console.log(`== ${file}`);
  console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(values.top ?? 25)));
}
