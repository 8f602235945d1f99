/** The server-wide byte budget (src/core/memory-budget.ts) and the parser limits that feed it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryBudget } from '../../../src/core/memory-budget.js';
import { MkvLimitError } from '../../../src/mkv/ebml.js';
import { EbmlId } from '../../../src/mkv/ids.js';
import { MkvIngestParser } from '../../../src/mkv/ingest-parser.js';
import { buildTags, concatBytes } from '../../../src/mkv/writer.js';
import { PRODUCER_HEADER, numberedCluster } from '../../reliability/harness.js';

test('accounts share one budget; an increase over it is refused and changes nothing', () => {
  const budget = new MemoryBudget(100);
  const a = budget.account();
  const b = budget.account();
  assert.equal(a.set(60), true);
  assert.equal(b.set(50), false, '60 + 50 > 100');
  assert.equal(b.held, 0);
  assert.equal(b.set(40), true);
  assert.equal(budget.used, 100);
  assert.equal(a.set(10), true, 'decreases always succeed');
  assert.equal(b.set(90), true);
  a.close();
  assert.equal(budget.used, 90);
  assert.equal(a.set(5), false, 'a closed account holds nothing more');
  b.close();
  b.close();
  assert.equal(budget.used, 0);
  const unlimited = new MemoryBudget(0).account();
  assert.equal(unlimited.set(Number.MAX_SAFE_INTEGER), true);
});

test('a Tags element after the first Cluster is limited (MkvLimitError naming Tags), small ones pass', () => {
  const tags = buildTags([{ name: 'NOTE', value: 'x'.repeat(200) }]);
  const ok = new MkvIngestParser({ maxTagsSize: 1024 });
  const events = [...ok.push(concatBytes([PRODUCER_HEADER, numberedCluster(0, 0, 100), tags])), ...ok.end()];
  assert.ok(events.some((e) => e.type === 'tags'));

  const big = buildTags([{ name: 'NOTE', value: 'x'.repeat(4000) }]);
  const parser = new MkvIngestParser({ maxTagsSize: 1024 });
  parser.push(concatBytes([PRODUCER_HEADER, numberedCluster(0, 0, 100)]));
  assert.ok(parser.bufferedBytes < 64 * 1024, `${parser.bufferedBytes} bytes buffered`);
  assert.throws(
    () => parser.push(big),
    (err: unknown) => err instanceof MkvLimitError && err.elementId === EbmlId.Tags,
  );
  // The default is far below the old 64 MiB: a 60 MB declared Tags element is refused at its header.
  const defaults = new MkvIngestParser();
  defaults.push(concatBytes([PRODUCER_HEADER, numberedCluster(0, 0, 100)]));
  const head = Uint8Array.of(0x12, 0x54, 0xc3, 0x67, 0x01, 0x00, 0x00, 0x00, 0x03, 0x93, 0x87, 0x00);
  assert.throws(() => defaults.push(head), MkvLimitError);
});
