// The page's training loop (www/session/training-loop.js) in Node, with the real wasm trainer and a browser stand-in
// whose frames and tasks the test runs by hand: what the loop does when frames come, stop, or come late.
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { bundled as bytes, core, pageModule } from './common.mjs';

const { Trainer } = core;
const { TrainingLoop, batchesPerSecond, chunkDeadline } = await pageModule('session/training-loop.js');

// The browser: frame callbacks wait until `frame()`; posted messages wait in `tasks` until `runTasks()`.
let frameCallbacks;
let tasks;
beforeEach(() => {
  frameCallbacks = new Map();
  tasks = [];
});
let nextFrameId = 1;
globalThis.requestAnimationFrame = (callback) => {
  frameCallbacks.set(nextFrameId, callback);
  return nextFrameId++;
};
globalThis.cancelAnimationFrame = (id) => frameCallbacks.delete(id);
globalThis.MessageChannel = class {
  constructor() {
    this.port1 = { onmessage: null, close() {} };
    this.port2 = { postMessage: () => tasks.push(() => this.port1.onmessage({ data: null })) };
  }
};

/** A frame that began `ago` ms before now: its callbacks run (and may ask for the next frame). */
function frame(ago = 0) {
  const callbacks = [...frameCallbacks.values()];
  frameCallbacks.clear();
  callbacks.forEach((callback) => callback(performance.now() - ago));
}

/** Runs the queued tasks, and those they queue, until none is left; returns how many ran. */
function runTasks() {
  let ran = 0;
  while (tasks.length) {
    // A chunk trains about a frame's time, a slice a millisecond: thousands mean the chain never ends.
    if (ran > 2000) throw new Error('the loop keeps queueing work with no frame to pace it');
    tasks.shift()();
    ran += 1;
  }
  return ran;
}

function loopFor(options, handlers = {}, batchesPerSecond = Infinity) {
  const trainer = Trainer.fromNpz(bytes, { learningRate: 0.1, batchSize: 256, seed: 0, ...options });
  const seen = { evaluations: [], finished: 0, errors: [], batches: 0 };
  const loop = new TrainingLoop(trainer, {
    onBatches: (progress) => (seen.batches = progress.totalBatches),
    onEvaluation: (result) => seen.evaluations.push(result),
    onFinish: () => (seen.finished += 1),
    onError: (error) => seen.errors.push(error.message),
    ...handlers,
  }, null, batchesPerSecond);
  return { loop, seen, trainer };
}

test('training starts at once, and stops of itself when no frame comes (a hidden tab)', () => {
  const { loop, seen, trainer } = loopFor({ epochs: 1000 });
  loop.start({ batchSize: 256, epochs: 1000 });
  assert.equal(seen.evaluations.length, 1, 'the untrained model is scored first');
  assert.equal(tasks.length, 1, 'the first chunk is queued without waiting for a frame');
  runTasks();
  const before = seen.batches;
  assert.ok(before > 0, 'it trained');
  assert.equal(tasks.length, 0, 'with no frame, the chain of chunks ends');
  assert.ok(loop.running && !loop.finished, 'paused by the browser, not stopped');
  frame();
  assert.equal(tasks.length, 1, 'the next frame starts a chunk');
  runTasks();
  assert.ok(seen.batches > before, 'and training goes on');
  loop.pause();
  trainer.free();
});

test('pause and resume, however quick, never queue a second chunk', () => {
  const { loop, seen, trainer } = loopFor({ epochs: 1000 });
  loop.start({ batchSize: 256, epochs: 1000 });
  loop.pause();
  loop.resume(); // before the queued chunk has run
  loop.pause();
  loop.resume();
  assert.equal(tasks.length, 1);
  assert.equal(frameCallbacks.size, 1, 'one frame asked for');
  frame();
  assert.equal(tasks.length, 1);
  runTasks();
  loop.pause();
  const paused = seen.batches;
  frame();
  assert.equal(runTasks(), 0, 'paused: no frame callback, no chunk');
  assert.equal(seen.batches, paused);
  trainer.free();
});

test('a short run scores every epoch, then the final model on both sets, and finishes once', () => {
  const { loop, seen, trainer } = loopFor({ epochs: 3 });
  loop.start({ batchSize: 256, epochs: 3 });
  for (let frames = 0; seen.finished === 0 && frames < 1000; frames += 1) {
    runTasks();
    frame();
  }
  runTasks();
  assert.equal(seen.finished, 1);
  assert.equal(seen.batches, 3 * 31);
  // Untrained, after epochs 1 and 2, then the final model (the end of epoch 3) with its training accuracy.
  assert.deepEqual(seen.evaluations.map((e) => e.atBatch), [0, 31, 62, 93]);
  assert.ok(seen.evaluations.slice(0, 3).every((e) => Number.isNaN(e.trainAccuracy)));
  const final = seen.evaluations.at(-1);
  assert.ok(final.trainAccuracy > 0.8 && final.testAccuracy > 0.8, JSON.stringify(final));
  assert.ok(loop.finished && !loop.running);
  assert.equal(frameCallbacks.size, 0, 'no frame asked for after the end');
  trainer.free();
});

test('late frames make chunks stop before the next frame is due; frames on time let them run on', () => {
  const { loop, trainer } = loopFor({ epochs: 1000 });
  loop.start({ batchSize: 256, epochs: 1000 });
  runTasks();
  // Frames every 16.7 ms teach the loop the period; then frames 40 ms apart are late.
  const start = performance.now();
  for (let i = 0; i < 5; i += 1) {
    const callbacks = [...frameCallbacks.values()];
    frameCallbacks.clear();
    callbacks.forEach((callback) => callback(start + i * 16.7));
  }
  const onTime = loop.allowance;
  assert.ok(onTime > 0, 'frames on time: training may run past the due time until the frame comes');
  for (let i = 0; i < 20; i += 1) {
    const callbacks = [...frameCallbacks.values()];
    frameCallbacks.clear();
    callbacks.forEach((callback) => callback(start + 100 + i * 40));
  }
  assert.ok(loop.allowance < 0, `late frames: chunks end before the frame is due (${loop.allowance} ms)`);
  tasks.length = 0;
  loop.pause();
  trainer.free();
});

test('a paced run trains only the batches due by now, ends its chunks there, and still finishes', () => {
  const rate = 100; // batches a second: a homework epoch (31 batches) every 0.3 s
  const { loop, seen, trainer } = loopFor({ epochs: 2 }, {}, rate);
  const started = performance.now();
  loop.start({ batchSize: 256, epochs: 2 });
  runTasks();
  const due = (at) => 1 + Math.floor(((at - started) * rate) / 1000);
  assert.ok(seen.batches >= 1 && seen.batches <= due(performance.now()), `${seen.batches} batches at the start`);
  assert.equal(tasks.length, 0, 'what was due is trained: no more chunks until the next frame');
  const unpaced = loopFor({ epochs: 2 });
  unpaced.loop.start({ batchSize: 256, epochs: 2 });
  runTasks();
  assert.ok(unpaced.seen.batches > seen.batches, 'at full speed a chunk trains far more');
  unpaced.loop.pause();
  unpaced.trainer.free();
  // Frames keep coming: each trains what became due, epoch ends are scored, and the run ends.
  while (seen.finished === 0) {
    const before = seen.batches;
    frame();
    runTasks();
    assert.ok(seen.batches - before <= due(performance.now()) - before + 1);
  }
  assert.equal(seen.batches, 62);
  const scored = seen.evaluations.map((e) => e.atBatch);
  assert.ok([0, 31, 62].every((at) => scored.includes(at)), `the start and each epoch's end are scored: ${scored}`);
  trainer.free();
});

test('the watchable pace: the homework in about 3 s, the best settings in about 4 s, long runs at most 120 ms an epoch', () => {
  const seconds = (batchesPerEpoch, epochs) => (batchesPerEpoch * epochs) / batchesPerSecond('watch', batchesPerEpoch, epochs);
  assert.equal(seconds(31, 10), 3);
  assert.ok(Math.abs(seconds(125, 30) - 4) < 1e-9);
  assert.ok(Math.abs(seconds(31, 1000) - 120) < 1e-9, 'an epoch every 120 ms at the fastest');
  assert.equal(batchesPerSecond('full', 31, 10), Infinity);
});

test('the loop trains its floor however much a frame costs: four fifths of the time on a slow device, frames begun within 70 ms', () => {
  const frame = { started: 1000, trainingFrom: 1000, frameDueBy: 1016.7, frameBegan: 1000 };
  // A fast device: a frame costs 2 ms besides training, so frames decide: train until just past the next.
  assert.equal(chunkDeadline({ ...frame, allowance: 8, renderMs: 2 }), 1017.7);
  // Nor do 4 ms: the floor is two thirds then, which they leave (four fifths would make every frame late).
  assert.equal(chunkDeadline({ ...frame, allowance: 8, renderMs: 4 }), 1017.7);
  // A slow one: the page's rendering takes 10 ms, more than half a frame, and late frames have cut the
  // allowance to half a period before the frame is due. Frames alone would leave a 1-ms slice; the floor
  // is four fifths, as rendering takes more than half a 60-Hz frame.
  const slow = { ...frame, allowance: -8.35, renderMs: 10 };
  const trains = chunkDeadline(slow) - frame.trainingFrom;
  assert.ok(trains / (trains + slow.renderMs) >= 4 / 5 - 1e-9, `trains ${trains} ms of every ${trains + slow.renderMs}`);
  // A later slice of the same frame ends where the floor does, not a floor later.
  assert.equal(chunkDeadline({ ...slow, started: 1020 }), chunkDeadline(slow));
  assert.equal(chunkDeadline(slow), 1040);
  // Never a chunk so long that a tap would wait a long task for it: with 30 ms of rendering the floor
  // would be 120 ms of training; a chunk stops after 40.
  assert.equal(chunkDeadline({ ...slow, renderMs: 30 }), 1040);
  // Nor so long that the next frame's due time comes more than 70 ms after this one began (on vsync it
  // begins at the next one, 83 ms at 60 Hz): after a costly frame (a refresh of the charts took 50 ms:
  // training begins 50 ms after the frame did), the chunk is shorter.
  assert.equal(chunkDeadline({ ...slow, started: 1050, trainingFrom: 1050, renderMs: 12 }), 1070);
  // A frame that took longer than that alone: a short slice, then the next frame.
  assert.equal(chunkDeadline({ ...slow, started: 1100, trainingFrom: 1100, renderMs: 12 }), 1101);
});

test('a diverging run stops the loop and reports why', () => {
  const { loop, seen, trainer } = loopFor({ epochs: 5, learningRate: 3e38 });
  loop.start({ batchSize: 256, epochs: 5 });
  runTasks();
  assert.equal(seen.errors.length, 1);
  assert.match(seen.errors[0], /overflowed .*try a smaller learning rate/);
  assert.ok(!loop.running);
  frame();
  assert.equal(runTasks(), 0, 'nothing runs after the error');
  assert.equal(seen.finished, 0);
  trainer.free();
});

test("a new run starts from what the last run's loop measured of this device, not from a fast display", () => {
  const first = loopFor({ epochs: 2 });
  const fresh = loopFor({ epochs: 2 });
  const measure = (loop) => {
    const { period, recentIntervals, allowance, renderMs } = loop;
    return { period, recentIntervals, allowance, renderMs };
  };
  assert.deepEqual(measure(fresh.loop), { period: 1000 / 60, recentIntervals: [], allowance: 1000 / 120, renderMs: 0 });
  // A slow phone: frames 33 ms apart, late, each costing 20 ms besides training.
  const slow = { period: 1000 / 30, recentIntervals: [33.4, 33.3], allowance: -16.7, renderMs: 20 };
  Object.assign(first.loop, slow);
  const next = new TrainingLoop(fresh.trainer, { onBatches() {}, onEvaluation() {}, onFinish() {}, onError() {} }, null, Infinity, first.loop);
  assert.deepEqual(measure(next), slow);
  next.recentIntervals.push(40);
  assert.deepEqual(first.loop.recentIntervals, [33.4, 33.3], 'its own copy');
  first.trainer.free();
  fresh.trainer.free();
});

test('on a slow device a run waits for its first frame before it trains, so that the frame comes at once', () => {
  const before = loopFor({ epochs: 2 });
  Object.assign(before.loop, { renderMs: 20 });
  const { trainer } = loopFor({ epochs: 2 });
  const seen = { batches: 0 };
  const handlers = { onBatches: (p) => (seen.batches = p.totalBatches), onEvaluation() {}, onFinish() {}, onError() {} };
  const loop = new TrainingLoop(trainer, handlers, null, Infinity, before.loop);
  loop.start({ batchSize: 256, epochs: 2 });
  assert.equal(tasks.length, 0, 'no chunk before the first frame');
  frame();
  assert.equal(tasks.length, 1, 'the first frame starts the first chunk');
  runTasks();
  assert.ok(seen.batches > 0);
  loop.dispose();
  before.trainer.free();
  trainer.free();
});

test("the final scoring is sliced by what scoring the test set cost, so that a slow phone's last task is not a long one", () => {
  // A stand-in trainer on a slow phone: scoring costs 10 µs a sample (the clock is the stand-in's), training
  // runs to the deadline it is given, and the run ends after a few batches.
  let now = 0;
  const real = Object.getOwnPropertyDescriptor(globalThis, 'performance');
  Object.defineProperty(globalThis, 'performance', { value: { now: () => now }, configurable: true });
  const slices = [];
  let scored = 0;
  const report = (batches) => ({ batchLosses: [2.3], batchAccuracies: [0.1], totalBatches: batches, batch: batches, batchesPerEpoch: 4, epoch: 0, epochEnded: batches === 4, done: batches === 4, diverged: false });
  let batches = 0;
  const trainer = {
    progress: () => report(0),
    datasetInfo: () => ({ testSamples: 2000 }),
    stepUntil(deadline) {
      now = Math.max(now + 1, deadline);
      batches += 1;
      return report(batches);
    },
    evaluateStep(max, includeTrain) {
      if (!includeTrain) {
        now += 2000 * 0.01;
        return { testAccuracy: 0.5, trainAccuracy: NaN, atBatch: batches };
      }
      const samples = Math.min(max, 10_000 - scored);
      slices.push(samples * 0.01);
      now += samples * 0.01;
      scored += samples;
      return scored < 10_000 ? undefined : { testAccuracy: 0.9, trainAccuracy: 0.9, atBatch: batches };
    },
  };
  try {
    const loop = new TrainingLoop(trainer, { onBatches() {}, onEvaluation() {}, onFinish() {}, onError: (e) => assert.fail(e) });
    loop.start({ batchSize: 256, epochs: 1 });
    for (let frames = 0; !loop.finished && frames < 100; frames += 1) {
      runTasks();
      now += 5;
      frame();
    }
    assert.ok(loop.finished && scored === 10_000, 'both sets scored');
    assert.ok(slices.length > 1, `in slices: ${slices.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    assert.ok(Math.max(...slices) <= 45, `each slice under a long task's 50 ms: ${slices.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  } finally {
    Object.defineProperty(globalThis, 'performance', real);
  }
});

test("a scoring that would end past its chunk's deadline waits for the next chunk, and every early epoch is still scored", () => {
  // A stand-in trainer whose epochs are a batch of 3 ms, and scoring the test set 10 ms (the clock is the
  // stand-in's): after a few batches a chunk has no room left for a scoring.
  let now = 0;
  const real = Object.getOwnPropertyDescriptor(globalThis, 'performance');
  Object.defineProperty(globalThis, 'performance', { value: { now: () => now }, configurable: true });
  const report = (batches) => ({ batchLosses: [2.3], batchAccuracies: [0.1], totalBatches: batches, batch: 0, batchesPerEpoch: 1, epoch: batches, epochEnded: true, done: batches === 30, diverged: false });
  let batches = 0;
  let chunkDeadline = null; // the deadline the running chunk trains to; null before its first batch
  const late = [];
  const scoredAt = [];
  const trainer = {
    progress: () => report(0),
    datasetInfo: () => ({ testSamples: 2000 }),
    stepUntil(deadline) {
      now += 3;
      batches += 1;
      chunkDeadline = deadline;
      return report(batches);
    },
    evaluateStep(max, includeTrain) {
      now += includeTrain ? 1 : 10;
      if (includeTrain) return { testAccuracy: 0.9, trainAccuracy: 0.9, atBatch: batches };
      scoredAt.push(batches);
      if (chunkDeadline !== null && now > chunkDeadline) late.push(now - chunkDeadline);
      return { testAccuracy: 0.5, trainAccuracy: NaN, atBatch: batches };
    },
  };
  try {
    const loop = new TrainingLoop(trainer, { onBatches() {}, onEvaluation() {}, onFinish() {}, onError: (e) => assert.fail(e) });
    loop.start({ batchSize: 256, epochs: 30 });
    for (let frames = 0; !loop.finished && frames < 200; frames += 1) {
      while (tasks.length) {
        chunkDeadline = null; // a scoring a chunk begins with (one that waited) is not late
        tasks.shift()();
      }
      now += 2;
      frame();
    }
    assert.ok(loop.finished, 'the run finished');
    assert.deepEqual(late, [], 'no scoring in the middle of a chunk ends past its deadline');
    for (let epoch = 0; epoch < 20; epoch += 1) assert.ok(scoredAt.includes(epoch), `epoch ${epoch} scored: ${scoredAt}`);
  } finally {
    Object.defineProperty(globalThis, 'performance', real);
  }
});
