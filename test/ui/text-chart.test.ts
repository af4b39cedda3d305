import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columnChart, fitColumns } from '../../src/ui/text-chart.js';

test('columnChart: bars scale to the maximum, newest at the right, gaps stay blank', () => {
  const lines = columnChart([0, 3, undefined, 10], { height: 2, width: 6 });
  assert.equal(lines.length, 2);
  // Labels: top = 10, bottom = 0, padded to the same width, then the axis and 6 columns (2 of padding).
  assert.equal(lines[0], '10 ┤     █');
  // 3 of 10 on two rows is 4.8 eighths: five eighths of the bottom row.
  assert.equal(lines[1], ' 0 ┤   ▅ █');
});

test('columnChart: a small positive value is never drawn as zero; an all-zero series keeps a 0..1 scale', () => {
  const [bottom] = columnChart([1000, 1], { height: 1, width: 2 }).slice(-1);
  assert.match(bottom!, /█▁$/);
  const zero = columnChart([0, 0], { height: 3, width: 2 });
  assert.deepEqual(zero.map((l) => l.split('┤')[0]!.trim()), ['1', '0.5', '0']);
  assert.ok(zero.every((l) => l.endsWith('  ')), zero.join('\n'));
});

test('fitColumns keeps the maximum of each bucket so a spike survives resampling', () => {
  const values = Array.from({ length: 100 }, (_, i) => (i === 37 ? 500 : 1));
  const fitted = fitColumns(values, 10);
  assert.equal(fitted.length, 10);
  assert.equal(fitted[3], 500);
  assert.equal(fitted.filter((v) => v === 1).length, 9);
  assert.deepEqual(fitColumns([1, undefined], 5), [1, undefined]);
});
