// The page on slow phones: at 390×844 with touch, its CPU throttled through the DevTools protocol
// (Emulation.setCPUThrottlingRate) 1×, 4×, 6× and 8×, a visitor's homework run first, then the best
// preset in the same page, at full speed. For each: the best preset's time and its ratio to the 1× time;
// its training (once the data are straightened) against the same run unchunked at that speed (the throttle
// slows wasm more than its factor: about 11× at 8×); the share of it spent training; the frames (median /
// 95th percentile / longest interval) and long tasks; and the longest task of the first run, from the first
// press of Train to half a second after it ended.
//
//   node bench/run.mjs --phones      this table alone

export const SLOWDOWNS = [1, 4, 6, 8];

/**
 * Run in the page before its own scripts (`page.addInitScript`): records every frame's time in
 * `window.frameTimes` and every long task (> 50 ms) in `window.longTasks`, as { start, duration }.
 */
export function recordFramesAndLongTasks() {
  window.frameTimes = [];
  window.longTasks = [];
  const record = (now) => {
    window.frameTimes.push(now);
    requestAnimationFrame(record);
  };
  requestAnimationFrame(record);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
}

/** Runs the page at `url` (dist/) slowed `slowdown` times; resolves to the best preset's figures. */
export async function slowPhone(browser, url, slowdown) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  await page.addInitScript(recordFramesAndLongTasks);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: slowdown });
  await page.goto(`${url}?pace=full`);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
  const firstPress = await page.evaluate(() => performance.now());
  await page.tap('#train-button');
  await page.waitForSelector('body[data-state="done"]', { timeout: 300_000 });
  // The whole first run, and what its end draws (the weights, the results: in tasks of their own).
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
  const firstLongest = await page.evaluate(
    (from) => Math.max(0, ...window.longTasks.filter((t) => t.start >= from).map((t) => t.duration)),
    firstPress,
  );
  await page.check('input[name="preset"][value="best"]');
  const started = await page.evaluate(() => {
    const at = performance.now();
    document.querySelector('#train-button').click();
    return at;
  });
  await page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 600_000, polling: 200 });
  const result = await page.evaluate((from) => {
    // Frames and long tasks while it trains: from the press of Train to the last batch (the drawing of the
    // finished model that follows is in tasks of its own, each under 50 ms at 4×: see the first run's).
    const done = window.trainingLoop.stats.trainedAt;
    const frames = window.frameTimes.filter((t) => t >= from && t <= done);
    const intervals = frames.slice(1).map((t, i) => t - frames[i]).sort((a, b) => a - b);
    const at = (q) => intervals[Math.min(intervals.length - 1, Math.floor(q * intervals.length))] ?? 0;
    const { stats, trainer } = window.trainingLoop;
    // The yardstick at this speed: the same run unchunked, at once (the data are already straightened).
    const started = performance.now();
    trainer.restart(trainer.config());
    while (!trainer.progress().done) trainer.step(1_000_000);
    const unchunkedMs = performance.now() - started;
    return {
      seconds: (stats.trainedAt - from) / 1000,
      runSeconds: (stats.trainedAt - stats.firstChunkAt) / 1000, // once its data are straightened
      unchunkedSeconds: unchunkedMs / 1000,
      trainShare: stats.trainMs / (stats.trainedAt - stats.firstChunkAt), // of the run, once its data are straightened
      frames: { median: at(0.5), p95: at(0.95), max: intervals.at(-1) ?? 0 },
      longTasks: window.longTasks.filter((t) => t.start >= from && t.start <= done).length,
    };
  }, started);
  await context.close();
  return { slowdown, firstLongestTaskMs: firstLongest, ...result };
}

/** The markdown table of `runs` (one per slowdown, the first at 1×). */
export function slowPhoneTable(runs) {
  const base = runs[0].seconds;
  const rows = runs.map(
    (r) =>
      `| ${r.slowdown}× | ${r.seconds.toFixed(2)} s | ${(r.seconds / base).toFixed(1)}× (${(r.seconds / (base * r.slowdown)).toFixed(2)} of linear) | ` +
      `${r.runSeconds.toFixed(2)} s ÷ ${r.unchunkedSeconds.toFixed(2)} s = ${(r.runSeconds / r.unchunkedSeconds).toFixed(2)} | ` +
      `${Math.round(r.trainShare * 100)} % | ${r.frames.median.toFixed(1)} / ${r.frames.p95.toFixed(1)} / ${r.frames.max.toFixed(1)} ms | ` +
      `${r.longTasks} | ${Math.round(r.firstLongestTaskMs)} ms |`,
  );
  return [
    '| CPU | best preset after a homework run | time ÷ 1× (÷ linear) | its training ÷ the same unchunked at this speed | training share | frames: median / p95 / max | long tasks | longest task, first run |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
