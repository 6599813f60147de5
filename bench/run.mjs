// `make bench`: every benchmark in one go on this machine, printed as one table and saved to
// bench/results/latest.{json,md}. See BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, atFullSpeed, launchBrowser, serveStatic, setting } from '../tests/e2e/harness.mjs';
import { SLOWDOWNS, recordFramesAndLongTasks, slowPhone, slowPhoneTable } from './slow-phones.mjs';
import { median, percentile } from './stats.js';

const RESULTS = join(ROOT, 'bench', 'results');
const PAGE_EPOCHS = 400; // a run of about three seconds
const PAGE_RUNS = 7;
/** The share of the unchunked throughput a run of the page's loop keeps. */
const keeps = (run) => run.samplesPerSecond / run.unchunkedSamplesPerSecond;
const log = (...parts) => console.error('bench:', ...parts);

function numpy(data, dtype, epochs) {
  log(`numpy ${dtype} on ${data}`);
  const out = execFileSync('python3', [join(ROOT, 'bench/numpy_bench.py'), join(RESULTS, `${data}.npz`), '--dtype', dtype, '--epochs', String(epochs)]);
  return JSON.parse(out);
}

async function inPage(browser, url, cpuSlowdown = 1) {
  const page = await browser.newPage();
  if (cpuSlowdown > 1) {
    // A phone's speed, as Lighthouse's mobile run assumes.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
  }
  await page.goto(url);
  const result = await page.evaluate(() => window.benchResult);
  await page.close();
  if (result.error) throw new Error(`${url}: ${result.error}`);
  return result;
}

/**
 * The yardstick: the page's trainer run unchunked for the same PAGE_EPOCHS epochs, an epoch a call, the page
 * idle meanwhile (it blocks the page for about as long as a run takes), `count` times a little apart; each
 * timed start to end like the page's run. Taken before and after the run, so that a slow spell of this VM
 * weighs on both sides alike.
 */
function unchunkedRuns(page, count) {
  return page.evaluate(
    async ({ epochs, count }) => {
      const trainer = window.trainingLoop.trainer;
      const runs = [];
      for (let run = 0; run < count; run += 1) {
        await new Promise((resolve) => setTimeout(resolve, run ? 100 : 500));
        trainer.restart({ epochs, learningRate: 0.1, batchSize: 256, seed: run, softmax: 'row' });
        let progress = trainer.progress();
        const at = performance.now();
        while (!progress.done) progress = trainer.step(progress.batchesPerEpoch);
        runs.push((progress.totalBatches * 256) / ((performance.now() - at) / 1000));
      }
      return runs;
    },
    { epochs: PAGE_EPOCHS, count },
  );
}

/** The real page: train PAGE_EPOCHS epochs with its own requestAnimationFrame loop, recording every frame. */
async function pageLoop(browser, url) {
  log('the page, training with its requestAnimationFrame loop');
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(recordFramesAndLongTasks);
  await page.addInitScript(() => {
    // When training ends, as the page sees it (not when the test harness hears of it).
    window.stateChanges = [];
    new MutationObserver(() => window.stateChanges.push({ state: document.body.dataset.state, at: performance.now() })).observe(
      document,
      { subtree: true, attributeFilter: ['data-state'] },
    );
  });
  const navigationStarted = Date.now();
  await page.goto(atFullSpeed(url)); // full speed: what the loop can do, not the pace a visitor watches
  await page.waitForSelector('body[data-state="ready"]');
  const usableMs = await page.evaluate(() => performance.getEntriesByName('usable')[0].startTime);
  const loadMs = Date.now() - navigationStarted;
  // A one-epoch run first: it makes the trainer that the unchunked runs below use.
  await setting(page, 'epochs', '1');
  await page.click('#train-button');
  await page.waitForSelector('body[data-state="done"]');
  const before = await unchunkedRuns(page, 2);
  await setting(page, 'epochs', String(PAGE_EPOCHS));
  const started = await page.evaluate(() => {
    const at = performance.now();
    document.querySelector('#train-button').click();
    return at;
  });
  await page.waitForSelector('body[data-state="done"]', { timeout: 120_000 });
  const { finished, frameTimes, longTasks, batches, loop } = await page.evaluate(() => ({
    finished: window.stateChanges.findLast((change) => change.state === 'done').at,
    frameTimes: window.frameTimes,
    longTasks: window.longTasks,
    batches: Number(document.querySelector('#progress').value),
    loop: window.trainingLoop.stats,
  }));
  const after = await unchunkedRuns(page, 2);
  const unchunked = [...before, ...after];
  await context.close();
  const during = frameTimes.filter((t) => t >= started && t <= finished);
  const intervals = during.slice(1).map((t, i) => t - during[i]);
  return {
    epochs: PAGE_EPOCHS,
    samplesPerSecond: (batches * 256) / ((finished - started) / 1000),
    seconds: (finished - started) / 1000,
    frames: intervals.length,
    medianFrameMs: median(intervals),
    p95FrameMs: percentile(intervals, 95),
    maxFrameMs: Math.max(...intervals),
    longTasks: longTasks.filter((t) => t.start >= started && t.start <= finished).length,
    longestTaskMs: Math.max(0, ...longTasks.filter((t) => t.start >= started).map((t) => t.duration)),
    usableMs,
    loadMs,
    loop,
    // Before the first chunk trains (setting up the run, scoring the untrained model), and after the last
    // batch (scoring the final model on both sets, then the page's own finishing: results, saving the model).
    startMs: loop.firstChunkAt - started,
    endMs: finished - loop.trainedAt,
    unchunkedSamplesPerSecond: median(unchunked),
    unchunkedRuns: unchunked.map(Math.round),
    // From the first chunk to the last batch: the run without setting it up and finishing it.
    whileTrainingSamplesPerSecond: (batches * 256) / ((loop.trainedAt - loop.firstChunkAt) / 1000),
  };
}

function wasmSize() {
  const assets = join(ROOT, 'dist', 'assets');
  const file = readdirSync(assets).find((name) => name.endsWith('.wasm'));
  const bytes = readFileSync(join(assets, file));
  return { bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}

const k = (value) => `${Math.round(value / 1000).toLocaleString('en')}k`;
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
const mib = (bytes) => `${Math.round(bytes / 2 ** 20)} MiB`;
const pct = (a, b) => `${Math.round((100 * a) / b)} %`;

/** Shares of the training's wall-clock time: training / scoring the test set / page updates / the browser. */
function timeShares({ loop, seconds }) {
  const wall = seconds * 1000;
  const parts = [loop.trainMs, loop.evaluateMs, loop.workMs - loop.trainMs - loop.evaluateMs];
  parts.push(wall - parts[0] - parts[1] - parts[2]);
  return parts.map((ms) => `${Math.round((100 * ms) / wall)} %`).join(' / ');
}

function table(r) {
  const wasm = r.wasm8k.samplesPerSecond;
  const rows = [
    ['wasm (this project), in Chromium', r.wasm8k, r.wasm64k],
    ['numpy float64 (the seed code)', r.numpy64_8k, r.numpy64_64k],
    ['numpy float32 (the seed code)', r.numpy32_8k, r.numpy32_64k],
    ['TF.js 4.22 wasm backend, in Chromium', r.tfjs8k, r.tfjs64k],
  ];
  const lines = [
    '| trainer | samples/s, 8k train | samples/s, 64k train | wasm ÷ this (8k) | test accuracy (8k) |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(([name, a, b]) =>
      `| ${name} | ${k(a.samplesPerSecond)} | ${k(b.samplesPerSecond)} | ${ratio(wasm, a.samplesPerSecond)} | ${a.testAccuracy.toFixed(4)} (${a.epochs + (a.warmup ?? 0)} epochs) |`),
    '',
    '| the page while training (requestAnimationFrame loop) | value | target |',
    '| --- | --- | --- |',
    `| throughput, ${r.page.epochs} epochs on 8k (wall clock, evaluations included; the median run of ${PAGE_RUNS} by the share below) | ${k(r.page.samplesPerSecond)} samples/s | |`,
    `| … of the same trainer unchunked in the same page (${k(r.page.unchunkedSamplesPerSecond)}); all ${PAGE_RUNS} runs | ${pct(r.page.samplesPerSecond, r.page.unchunkedSamplesPerSecond)}; ${r.pageRuns.map((run) => pct(run.keeps, 1)).join(', ')} | ≥ 85 % |`,
    `| … of the unchunked benchmark page above (${k(wasm)}) | ${pct(r.page.samplesPerSecond, wasm)} | |`,
    `| throughput while training, from the first chunk to the last batch (no set-up, final scoring or results) | ${k(r.page.whileTrainingSamplesPerSecond)} samples/s = ${pct(r.page.whileTrainingSamplesPerSecond, r.page.unchunkedSamplesPerSecond)} of unchunked | |`,
    `| share of the time: training / scoring the test set / page updates / the browser (rendering, idle) | ${timeShares(r.page)} | |`,
    `| frame interval: median / 95th percentile / max | ${r.page.medianFrameMs.toFixed(1)} / ${r.page.p95FrameMs.toFixed(1)} / ${r.page.maxFrameMs.toFixed(1)} ms over ${r.page.frames} frames | p95 ≤ 20 ms |`,
    `| long tasks (> 50 ms) while training | ${r.page.longTasks} | 0 |`,
    `| page usable (bundled data loaded, Train enabled) after navigation | ${Math.round(r.page.usableMs)} ms | ≤ 1000 ms |`,
    `| wasm memory after loading and training the bundled 8k / the full MNIST's size (60k + 10k), loaded at once (\`fromNpz\`) | ${mib(r.wasm8k.wasmMemoryBytes)} / ${mib(r.wasmFull.wasmMemoryBytes)} (loading took ${Math.round(r.wasmFull.loadMs)} ms) | |`,
    `| loading with deskewing (straightening every image once), at once: 8k / full size | ${Math.round(r.wasm8kDeskew.loadMs)} ms (${Math.round(r.wasm8kLoad.loadMs)} ms without) / ${Math.round(r.wasmFullDeskew.loadMs)} ms (${Math.round(r.wasmFull.loadMs)} ms without), ${mib(r.wasmFullDeskew.wasmMemoryBytes)} | |`,
    `| loading the full size in 8-ms slices as the page does (\`Loader\`): time / longest slice / wasm memory | ${Math.round(r.wasmFullSliced.loadMs)} ms / ${r.wasmFullSliced.longestSliceMs.toFixed(1)} ms / ${mib(r.wasmFullSliced.wasmMemoryBytes)} | ≤ 600 ms, ≤ 160 MiB |`,
    `| … deskewing too | ${Math.round(r.wasmFullSlicedDeskew.loadMs)} ms / ${r.wasmFullSlicedDeskew.longestSliceMs.toFixed(1)} ms / ${mib(r.wasmFullSlicedDeskew.wasmMemoryBytes)} | |`,
    `| … at a phone's speed (CPU 4× slower): full size / the bundled 8k: time / longest slice | ${Math.round(r.wasmFullSlicedPhone.loadMs)} ms / ${r.wasmFullSlicedPhone.longestSliceMs.toFixed(1)} ms; ${Math.round(r.wasm8kSlicedPhone.loadMs)} ms / ${r.wasm8kSlicedPhone.longestSliceMs.toFixed(1)} ms | no task > 50 ms |`,
    `| wasm size: raw / gzip -9 | ${(r.wasmSize.bytes / 1024).toFixed(0)} KB / ${(r.wasmSize.gzipBytes / 1024).toFixed(0)} KB | ≤ 250 KB gzipped |`,
  ];
  return lines.join('\n');
}

/** `node bench/run.mjs --page`: only the page's loop (PAGE_RUNS runs), for tuning it; prints a line a run. */
async function pageOnly() {
  const site = await serveStatic(ROOT.replace(/\/$/, ''));
  const browser = await launchBrowser();
  try {
    for (let run = 0; run < PAGE_RUNS; run += 1) {
      const page = await pageLoop(browser, `${site.url}dist/index.html`);
      console.log(
        `${k(page.samplesPerSecond)} samples/s = ${pct(page.samplesPerSecond, page.unchunkedSamplesPerSecond)} of ` +
          `${k(page.unchunkedSamplesPerSecond)} unchunked; frame shares ${timeShares(page)}; frames ` +
          `${page.medianFrameMs.toFixed(1)} / ${page.p95FrameMs.toFixed(1)} / ${page.maxFrameMs.toFixed(1)} ms; ` +
          `long tasks ${page.longTasks}; unchunked runs ${page.unchunkedRuns}; while training ${k(page.whileTrainingSamplesPerSecond)}; start ${page.startMs.toFixed(1)} ms, end ${page.endMs.toFixed(1)} ms; ` +
          JSON.stringify(page.loop),
      );
    }
  } finally {
    await browser.close();
    await site.close();
  }
}

async function main() {
  execFileSync('python3', [join(ROOT, 'bench/prepare_data.py')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const results = {
    machine: { cpu: cpus()[0].model, cores: cpus().length, node: process.version },
    numpy64_8k: numpy('mnist_8k', 'float64', 10),
    numpy32_8k: numpy('mnist_8k', 'float32', 10),
    numpy64_64k: numpy('mnist_64k', 'float64', 5),
    numpy32_64k: numpy('mnist_64k', 'float32', 5),
  };
  const site = await serveStatic(ROOT.replace(/\/$/, ''));
  const browser = await launchBrowser();
  try {
    results.machine.chromium = browser.version();
    log('wasm on 8k');
    results.wasm8k = await inPage(browser, `${site.url}bench/wasm.html?epochs=30&data=results/mnist_8k.npz`);
    log('wasm on 64k');
    results.wasm64k = await inPage(browser, `${site.url}bench/wasm.html?epochs=5&warmup=2&data=results/mnist_64k.npz`);
    log('wasm on the full MNIST size: memory');
    results.wasmFull = await inPage(browser, `${site.url}bench/wasm.html?epochs=1&warmup=0&data=results/mnist_full_size.npz`);
    log('loading with deskewing: 8k and the full MNIST size');
    results.wasm8kDeskew = await inPage(browser, `${site.url}bench/wasm.html?epochs=1&warmup=0&deskew=1&data=results/mnist_8k.npz`);
    results.wasm8kLoad = await inPage(browser, `${site.url}bench/wasm.html?epochs=1&warmup=0&data=results/mnist_8k.npz`);
    results.wasmFullDeskew = await inPage(browser, `${site.url}bench/wasm.html?epochs=1&warmup=0&deskew=1&data=results/mnist_full_size.npz`);
    log('loading in slices as the page does: the full MNIST size, at this machine\'s speed and 4× slower');
    const sliced = `${site.url}bench/wasm.html?epochs=1&warmup=0&sliced=1&data=results/mnist_full_size.npz`;
    results.wasmFullSliced = await inPage(browser, sliced);
    results.wasmFullSlicedDeskew = await inPage(browser, `${sliced}&deskew=1`);
    results.wasmFullSlicedPhone = await inPage(browser, sliced, 4);
    results.wasm8kSlicedPhone = await inPage(browser, `${site.url}bench/wasm.html?epochs=1&warmup=0&sliced=1&data=results/mnist_8k.npz`, 4);
    log('TF.js on 8k');
    results.tfjs8k = await inPage(browser, `${site.url}bench/tfjs.html?epochs=3&data=mnist_8k`);
    log('TF.js on 64k');
    results.tfjs64k = await inPage(browser, `${site.url}bench/tfjs.html?epochs=2&data=mnist_64k`);
  } finally {
    await browser.close();
  }
  // The page's runs in a browser of their own, as a visitor's would be (not one that has just run TF.js and
  // a full-size data set); the median of PAGE_RUNS, the run most exposed to the machine's noise.
  const pageBrowser = await launchBrowser();
  try {
    const runs = [];
    for (let run = 0; run < PAGE_RUNS; run += 1) runs.push(await pageLoop(pageBrowser, `${site.url}dist/index.html`));
    runs.sort((a, b) => keeps(a) - keeps(b));
    results.page = runs[Math.floor(PAGE_RUNS / 2)];
    results.pageRuns = runs.map((run) => ({ samplesPerSecond: Math.round(run.samplesPerSecond), keeps: keeps(run) }));
  } finally {
    await pageBrowser.close();
    await site.close();
  }
  results.wasmSize = wasmSize();
  const markdown = table(results);
  writeFileSync(join(RESULTS, 'latest.json'), JSON.stringify(results, null, 2));
  writeFileSync(join(RESULTS, 'latest.md'), `${markdown}\n`);
  console.log(`\nMachine: ${results.machine.cpu}, ${results.machine.cores} cores; Chromium ${results.machine.chromium}; numpy ${results.numpy64_8k.numpy}; TF.js ${results.tfjs8k.tfjs}\n`);
  console.log(markdown);
}

/** `node bench/run.mjs --phones`: only the slow-phone table (bench/slow-phones.mjs). */
async function phonesOnly() {
  const site = await serveStatic(ROOT.replace(/\/$/, ''));
  const browser = await launchBrowser();
  try {
    const runs = [];
    for (const slowdown of SLOWDOWNS) {
      log(`the page on a phone, CPU ${slowdown}× slower`);
      runs.push(await slowPhone(browser, `${site.url}dist/index.html`, slowdown));
    }
    console.log(slowPhoneTable(runs));
    return runs;
  } finally {
    await browser.close();
    await site.close();
  }
}

const modes = { '--page': pageOnly, '--phones': phonesOnly };
await (modes[process.argv.find((arg) => arg in modes)] ?? main)();
