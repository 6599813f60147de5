// The points a learning chart draws (www/views/chart-points.js): a run's curves and the previous run's on
// one x axis, thinned to about a point per pixel column without losing an evaluation or the run's end.
import { test } from 'node:test';
import assert from 'node:assert/strict';

const root = new URL('../../', import.meta.url);
const { chartPoints } = await import(new URL('www/views/chart-points.js', root));

/** Curves of `batches` batches of `perEpoch` each, the test set scored at every epoch's end. */
function curves(batches, perEpoch, previous = null) {
  const x = Array.from({ length: batches + 1 }, (_, i) => i / perEpoch);
  return {
    x,
    loss: x.map((_, i) => 2 / (1 + i)),
    test: x.map((_, i) => (i % perEpoch === 0 ? 0.5 + i / (2 * batches) : null)),
    previous,
  };
}

const SERIES = [
  { of: (c) => c.loss },
  { of: (c) => c.test, stop: true },
  { of: (c) => c.test, stop: true, previous: true },
];

test('a short run is drawn whole: every point, the run ending on the last', () => {
  const run = curves(40, 10);
  const { data, last } = chartPoints(run, SERIES.slice(0, 2), 300);
  assert.deepEqual(data, [run.x, run.loss, run.test]);
  assert.equal(last, 40);
});

test('a long run is thinned to about a point per column, keeping every evaluation and the last point', () => {
  const run = curves(5000, 125); // 40 epochs of 125 batches
  const { data, last } = chartPoints(run, SERIES.slice(0, 2), 250);
  const [x, loss, test] = data;
  assert.ok(x.length >= 250 && x.length <= 250 + 41 + 2, `${x.length} points`);
  assert.equal(test.filter((v) => v !== null).length, 41, 'the untrained model and 40 epochs');
  assert.equal(x.at(-1), 40);
  assert.equal(last, x.length - 1);
  // Each kept point is the run's point at that x.
  x.forEach((at, i) => assert.equal(loss[i], run.loss[Math.round(at * 125)]));
});

test('the previous run shares the x axis: each series at its own points, null at the other run’s', () => {
  const previous = curves(30, 10); // 3 epochs of 10 batches
  const run = curves(8, 4, previous); // 2 epochs of 4: x in quarters, some of them also the previous run's
  const { data, last } = chartPoints(run, SERIES, 300);
  const [x, loss, test, before] = data;
  assert.deepEqual(x, [...new Set([...run.x, ...previous.x])].sort((a, b) => a - b));
  x.forEach((at, i) => {
    const own = run.x.indexOf(at);
    const old = previous.x.indexOf(at);
    assert.equal(loss[i], own >= 0 ? run.loss[own] : null, `loss at ${at}`);
    assert.equal(test[i], own >= 0 ? run.test[own] : null, `test at ${at}`);
    assert.equal(before[i], old >= 0 ? previous.test[old] : null, `previous at ${at}`);
  });
  assert.equal(x[last], 2, "the run's last point, not the previous run's");
  // Thinned, the previous run's evaluations all stay.
  const long = chartPoints(curves(400, 100, curves(3000, 100)), SERIES, 50);
  assert.equal(long.data[3].filter((v) => v !== null).length, 31);
  assert.equal(long.data[0][long.last], 4);
});
