/** The bounded stream label: first N names kept, the rest aggregated, ARNs reduced, slots freed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OTHER_STREAMS, StreamLabels } from '../../../src/metrics/stream-labels.js';

test('caps distinct stream labels and frees a slot on release', () => {
  const labels = new StreamLabels(2);
  assert.equal(labels.label('a'), 'a');
  assert.equal(labels.label('arn:aws:kinesisvideo:us-west-2:000000000000:stream/b/1700000000000'), 'b');
  assert.equal(labels.label('b'), 'b');
  assert.equal(labels.label('c'), OTHER_STREAMS);
  assert.ok(labels.release('a'));
  assert.equal(labels.label('c'), 'c');
  assert.equal(labels.label('a'), OTHER_STREAMS);
});
