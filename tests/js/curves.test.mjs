// The learning curves' points (www/session/curves.js): the smoothed loss, the previous run kept beside a new
// one, and the compact stored form that brings a finished run's curves back from localStorage.
import { test } from 'node:test';
import assert from 'node:assert/strict';

const root = new URL('../../', import.meta.url);
const { Curves, smoothingWeight } = await import(new URL('www/session/curves.js', root));

const STORED_LIMIT = 60_000; // characters of JSON

/** A repeatable stand-in for Math.random. */
function randomFrom(seed) {
  let state = seed;
  return () => (state = (state * 16807) % 2147483647) / 2147483647;
}

/**
 * A run like the page's: batches added a quarter epoch at a time, the test set scored at the start and after
 * each quarter, the whole-batch softmax beside it when comparing.
 */
function run(batchesPerEpoch, epochs, compare = false, previous = null) {
  const random = randomFrom(7);
  const curves = new Curves(batchesPerEpoch, epochs, compare, previous);
  curves.addEvaluation({ atBatch: 0, testAccuracy: 0.1 }, compare ? { testAccuracy: 0.1 } : null);
  const quarter = Math.round(batchesPerEpoch / 4);
  for (let batch = 0; batch < batchesPerEpoch * epochs; ) {
    const count = Math.min(quarter, batchesPerEpoch - (batch % batchesPerEpoch));
    const losses = [];
    const accuracies = [];
    const twins = [];
    for (let i = 0; i < count; i += 1) {
      const mean = 0.25 + 2 * Math.exp(-(batch + i) / batchesPerEpoch);
      losses.push(mean * (0.6 + 0.8 * random()));
      accuracies.push(Math.round(64 * Math.min(1, 1 - mean / 3 + 0.1 * (random() - 0.5))) / 64);
      twins.push(mean * 1.5 * (0.6 + 0.8 * random()));
    }
    curves.addBatches(losses, accuracies, compare ? twins : []);
    batch += count;
    const accuracy = 0.94 - 0.5 * Math.exp(-batch / batchesPerEpoch) + 0.001 * random();
    curves.addEvaluation({ atBatch: batch, testAccuracy: accuracy }, compare ? { testAccuracy: accuracy - 0.15 } : null);
  }
  return curves;
}

/** What toJSON stores, as it comes back from storage. */
const throughStorage = (curves) => JSON.parse(JSON.stringify(curves));

/** The (x, value) points of `values` that are not null. */
const points = (curves, values) => curves.x.flatMap((x, i) => (values[i] === null ? [] : [[x, values[i]]]));

test('the smoothing window is about a quarter epoch, and at least a few batches', () => {
  const windowOf = (batchesPerEpoch) => Math.round(2 / (1 - smoothingWeight(batchesPerEpoch)) - 1);
  assert.equal(windowOf(31), 8, 'the homework run');
  assert.equal(windowOf(125), 31, 'the best preset');
  assert.equal(windowOf(4), 5, 'short epochs');
});

test('the smoothed loss starts at the first loss and follows a step change', () => {
  const curves = new Curves(31, 10);
  curves.addBatches([2.3], [0.1]);
  assert.ok(Math.abs(curves.smoothedLoss[1] - 2.3) < 1e-12, 'debiased: the first point is the first loss, not a fraction of it');
  curves.addBatches(new Array(20).fill(2.3), new Array(20).fill(0.1));
  curves.smoothedLoss.slice(1).forEach((v) => assert.ok(Math.abs(v - 2.3) < 1e-12, `a constant loss stays: ${v}`));
  curves.addBatches(new Array(40).fill(0.3), new Array(40).fill(0.9));
  const after = curves.smoothedLoss.slice(22);
  assert.ok(after[0] < 2.3 && after[0] > 1.5, `one batch later it has moved, not jumped: ${after[0]}`);
  after.slice(1).forEach((v, i) => assert.ok(v < after[i], 'it falls at every batch'));
  assert.ok(Math.abs(after[24] - 0.3) < 0.02, `three windows later it has arrived: ${after[24]}`);
  assert.equal(curves.smoothedLoss.length, curves.x.length);
});

test('losses a log scale cannot show are gaps that the smoothing steps over', () => {
  const gappy = new Curves(31, 1);
  const plain = new Curves(31, 1);
  gappy.addBatches([1, NaN, 2, Infinity, 0, -1, 4, undefined, 3], new Array(9).fill(0.5));
  plain.addBatches([1, 2, 4, 3], new Array(4).fill(0.5));
  assert.deepEqual(gappy.batchLoss, [null, 1, null, 2, null, null, null, 4, null, 3]);
  assert.deepEqual(
    gappy.smoothedLoss.filter((v) => v !== null),
    plain.smoothedLoss.filter((v) => v !== null),
    'the same average as without the gaps',
  );
  assert.deepEqual(gappy.smoothedLoss.map((v) => v === null), gappy.batchLoss.map((v) => v === null));
  const compared = new Curves(31, 1, true);
  compared.addBatches([1, 2], [0.5, 0.5], [Infinity, 5]);
  const [none, skipped, first] = compared.twinSmoothedLoss;
  assert.deepEqual([none, skipped], [null, null], "the whole-batch softmax's too");
  assert.ok(Math.abs(first - 5) < 1e-12, `and its first value is its first loss: ${first}`);
});

test('a new run keeps the run before as its previous run, but not the runs before that', () => {
  const first = run(31, 2);
  const second = new Curves(31, 2, false, first);
  assert.equal(second.previous, first);
  second.addBatches([1, 1], [0.5, 0.5]);
  const third = new Curves(31, 2, false, second);
  assert.equal(third.previous.previous, null, 'no chain of every run so far');
  assert.deepEqual(third.previous.smoothedLoss, second.smoothedLoss);
  assert.equal(second.previous, first, 'the run itself is left as it was');
  assert.equal(new Curves(31, 2).previous, null);
  assert.equal(new Curves(31, 2, false, new Curves(31, 2)).previous, null, 'a run without points is not kept');
  const ready = new Curves(31, 2, false, second); // made ready for training, then trained
  assert.equal(new Curves(31, 2, true, ready).previous.smoothedLoss, second.smoothedLoss, 'it passes its previous run on');
});

test('a finished run comes back from storage with the points the charts draw', () => {
  for (const [batchesPerEpoch, epochs, compare] of [[125, 30, false], [125, 30, true], [31, 10, true]]) {
    const curves = run(batchesPerEpoch, epochs, compare);
    const back = Curves.fromJSON(throughStorage(curves));
    const name = `${batchesPerEpoch}×${epochs}${compare ? ', comparing' : ''}`;
    assert.ok(back, name);
    assert.equal(back.previous, null);
    assert.ok(back.revision > 0, 'a revision the charts have not drawn');
    assert.deepEqual([back.batchesPerEpoch, back.epochs, back.compare], [batchesPerEpoch, epochs, compare]);
    assert.equal(back.x.at(-1), curves.x.at(-1), 'up to the last batch');
    assert.equal(back.evaluations, curves.evaluations);
    assert.equal(back.twinEvaluations, curves.twinEvaluations);
    const close = (a, b, what) => {
      assert.equal(a.length, b.length, what);
      a.forEach(([x, v], i) => {
        assert.equal(x, b[i][0], `${what} at the same epoch`);
        assert.ok(Math.abs(v - b[i][1]) <= 5e-4 * Math.abs(b[i][1]), `${what} at ${x}: ${v} for ${b[i][1]}`);
      });
    };
    close(points(back, back.testAccuracy), points(curves, curves.testAccuracy), `${name}: every test accuracy`);
    close(points(back, back.trainAccuracy), points(curves, curves.trainAccuracy), `${name}: every epoch's accuracy`);
    close(points(back, back.twinTest), points(curves, curves.twinTest), `${name}: the whole-batch softmax's`);
    // The smoothed loss where it was kept, as it was; and kept often enough to look the same.
    const smoothed = new Map(points(curves, curves.smoothedLoss));
    const kept = points(back, back.smoothedLoss);
    close(kept, kept.map(([x]) => [x, smoothed.get(x)]), `${name}: the smoothed loss`);
    const gaps = kept.slice(1).map(([x], i) => Math.round((x - kept[i][0]) * batchesPerEpoch));
    assert.ok(Math.max(...gaps) <= 5, `${name}: at most 5 batches between smoothed points (${Math.max(...gaps)})`);
    if (batchesPerEpoch * epochs <= 800) assert.deepEqual(back.x, curves.x, `${name}: a short run keeps every batch`);
  }
});

test("the best preset's run, compared, is stored in under 60 KB of JSON", () => {
  for (const compare of [false, true]) {
    const curves = run(125, 30, compare);
    assert.equal(curves.x.length - 1, 3750);
    const size = JSON.stringify(curves).length;
    assert.ok(size < STORED_LIMIT, `${size} characters${compare ? ', comparing' : ''}`);
  }
});

test('a stored form that is not one toJSON wrote gives null, and never throws', () => {
  const good = throughStorage(run(31, 10, true));
  assert.ok(Curves.fromJSON(good), 'the untouched form is read');
  const edited = (change) => {
    const copy = structuredClone(good);
    change(copy);
    return copy;
  };
  const n = good.at.length;
  const bad = {
    nothing: null,
    'a number': 3,
    'a string': JSON.stringify(good),
    'an array': [good],
    'an empty object': {},
    'another format': edited((s) => (s.format = 2)),
    'no batches per epoch': edited((s) => delete s.batchesPerEpoch),
    'batches per epoch as text': edited((s) => (s.batchesPerEpoch = '31')),
    'zero epochs': edited((s) => (s.epochs = 0)),
    'fractional epochs': edited((s) => (s.epochs = 2.5)),
    'infinite batches per epoch': edited((s) => (s.batchesPerEpoch = Infinity)),
    'compare as text': edited((s) => (s.compare = 'yes')),
    'no points': edited((s) => (s.at = [])),
    'points not from the start': edited((s) => (s.at[0] = 1)),
    'points out of order': edited((s) => ([s.at[1], s.at[2]] = [s.at[2], s.at[1]])),
    'a point past the run': edited((s) => (s.at[n - 1] = 31 * 10 + 1)),
    'a fractional batch': edited((s) => (s.at[1] = 0.5)),
    'a short series': edited((s) => s.loss.pop()),
    'a long series': edited((s) => s.test.push(0.5)),
    'a missing series': edited((s) => delete s.smoothed),
    'a series as text': edited((s) => (s.train = String(s.train))),
    'text in a series': edited((s) => (s.accuracy[3] = '0.5')),
    'NaN in a series': edited((s) => (s.smoothed[3] = NaN)),
    'a negative loss': edited((s) => (s.loss[3] = -1)),
    'an accuracy over 1': edited((s) => (s.test[1] = 1.5)),
    'comparing without the other softmax': edited((s) => delete s.twinTest),
    'huge arrays': edited((s) => {
      const huge = 1_000_000;
      s.at = Array.from({ length: huge }, (_, i) => i);
      for (const key of ['loss', 'smoothed', 'accuracy', 'train', 'test', 'twinLoss', 'twinSmoothed', 'twinTest']) {
        s[key] = new Array(huge).fill(null);
      }
      s.epochs = 1_000_000;
    }),
    'a field that throws': Object.defineProperty(structuredClone(good), 'at', {
      get() {
        throw new Error('no');
      },
    }),
  };
  for (const [what, stored] of Object.entries(bad)) assert.equal(Curves.fromJSON(stored), null, what);
  assert.ok(Curves.fromJSON(edited((s) => (s.extra = 'ignored'))), 'unknown fields do no harm');
});

test('a run brought back from storage can be the previous run of the next', () => {
  const back = Curves.fromJSON(throughStorage(run(125, 30)));
  const next = new Curves(31, 10, false, back);
  assert.equal(next.previous, back);
  assert.deepEqual(Curves.fromJSON(throughStorage(next)).previous, null, 'a stored run holds no previous run');
});

test('once lessons change the model after its run, a note says the curves end with the run', async () => {
  const { curvesNote, initialState } = await import(new URL('www/session/state.js', root));
  const curves = run(8, 2);
  const atEnd = curves.testAccuracy.findLast((value) => value !== null);
  const done = { ...initialState(), phase: 'done', curves, options: { softmax: 'row' }, testAccuracy: atEnd };
  assert.equal(curvesNote(done), '', 'the figures are the curves’ last points: nothing to say');
  assert.equal(curvesNote({ ...done, testAccuracy: Math.round(atEnd * 1000) / 1000 }), '', 'nor when they differ by less than is shown');
  const taught = { ...done, testAccuracy: atEnd + 0.002 };
  assert.match(curvesNote(taught), /^The curves and the loss end with the training run; the accuracies above are the model now/);
  assert.equal(curvesNote({ ...taught, phase: 'running' }), '', 'while a run goes, figures and curves move together');
});
