// The built page in headless Chromium, served from a sub-path like any static host would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, ellipse, frames, line, number, openPage, setting, siteAndBrowser, stroke, trainToTheEnd } from './harness.mjs';

const shared = siteAndBrowser();

test('the built page has a strict Content-Security-Policy and no inline script', async () => {
  const html = await readFile(join(ROOT, 'dist', 'index.html'), 'utf8');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval';/);
  const scripts = html.match(/<script[^>]*>[^<]*<\/script>/g);
  assert.equal(scripts.length, 1);
  assert.match(scripts[0], /^<script type="module" crossorigin src="[^"]+"><\/script>$/, 'one script, from a file');
  assert.doesNotMatch(html, /\son[a-z]+=/, 'no inline event handlers');
});

test('the built page previews itself: Open Graph and Twitter card tags, and a 1200×630 picture of the page', async () => {
  const html = await readFile(join(ROOT, 'dist', 'index.html'), 'utf8');
  const meta = (key) => html.match(new RegExp(`<meta (?:property|name)="${key}" content="([^"]*)"`))?.[1];
  assert.equal(meta('og:title'), 'Softmax regression on MNIST, in your browser');
  assert.match(meta('og:description'), /^Train softmax regression on real MNIST digits/);
  assert.equal(meta('twitter:card'), 'summary_large_image');
  assert.match(meta('og:image:alt'), /drawn 7/);
  const image = meta('og:image');
  assert.equal(meta('twitter:image'), image);
  // Relative unless the build was told where the site is served (SITE_URL): then absolute, under it.
  const site = process.env.SITE_URL;
  assert.equal(image, site ? `${site.replace(/\/?$/, '/')}preview.png` : 'preview.png');
  const png = await readFile(join(ROOT, 'dist', 'preview.png'));
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1200, 630]);
  assert.deepEqual([meta('og:image:width'), meta('og:image:height')], ['1200', '630']);
});

test('the page loads clean, shows the bundled data and trains to the homework accuracy', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  assert.match(await page.textContent('#data-summary'), /8,000 training and 2,000 test images of 28×28/);
  assert.equal(await page.locator('#class-counts .count').count(), 10);
  assert.equal(await page.textContent('#progress-text'), 'Ready');

  await trainToTheEnd(page);
  const accuracy = await number(page, '#stat-test-accuracy');
  assert.ok(accuracy >= 0.86, `test accuracy shown: ${accuracy}`);
  assert.match(await page.textContent('#stat-test-accuracy'), /^8\d\.\d %$/);
  assert.equal(await page.textContent('#progress-text'), 'Done: 10 epochs');
  assert.equal(Number(await page.getAttribute('#loss-chart', 'data-points')), 310, 'one loss point per batch');
  const evaluations = Number(await page.getAttribute('#accuracy-chart', 'data-points'));
  assert.ok(evaluations >= 11, `accuracy points: ${evaluations} (the untrained model, then every epoch at least)`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('Pause stops training and Resume continues it', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  await setting(page, 'epochs', '1000');
  await page.click('#train-button');
  await page.waitForFunction(() => document.querySelector('#progress').value > 20);
  await page.click('#pause-button');
  assert.equal(await page.getAttribute('body', 'data-state'), 'paused');
  assert.equal(await page.textContent('#pause-button'), 'Resume');
  const paused = await page.getAttribute('#progress', 'value');
  const chunks = await page.evaluate(() => window.trainingLoop.stats.chunks);
  await frames(page, 10); // a running loop trains at every frame
  assert.equal(await page.getAttribute('#progress', 'value'), paused, 'no batch runs while paused');
  assert.equal(await page.evaluate(() => window.trainingLoop.stats.chunks), chunks, 'nor any chunk of work');
  assert.match(await page.textContent('#progress-text'), /\(paused\)$/);
  assert.equal(await page.isDisabled('input[name="epochs"]'), false, 'settings can change while paused');

  await page.click('#pause-button');
  await page.waitForFunction((before) => document.querySelector('#progress').value > Number(before) + 20, paused);
  assert.equal(await page.getAttribute('body', 'data-state'), 'running');
  assert.equal(await page.isDisabled('input[name="epochs"]'), true, 'settings are locked while running');
  await page.click('#reset-button');
  assert.equal(await page.getAttribute('body', 'data-state'), 'ready');
  assert.equal(await page.getAttribute('#loss-chart', 'data-points'), '0');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a learning rate that overflows stops training with advice, and the page goes on', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  await setting(page, 'learningRate', '3e38');
  await page.click('#train-button');
  const error = page.locator('#train-error');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /^Training stopped: The loss overflowed .* try a smaller learning rate/);
  assert.equal(await page.getAttribute('body', 'data-state'), 'done');
  await stroke(page, line([0.5, 0.15], [0.5, 0.85]));
  await page.waitForFunction(() => document.querySelector('#prediction-text').textContent !== 'Draw on the black square: mouse, finger or pen.');
  assert.doesNotMatch(await page.textContent('#probabilities'), /NaN/);

  await setting(page, 'learningRate', '0.1');
  await trainToTheEnd(page);
  assert.equal(await page.locator('#train-error').isVisible(), false, 'the message goes once training works');
  assert.ok((await number(page, '#stat-test-accuracy')) >= 0.86);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a data set of other images trains, and the pad says it cannot be read by that model', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  const small = join(ROOT, 'tests', 'fixtures', 'loader', 'ok_small_images.npz');
  await page.setInputFiles('#file-input', small);
  await page.locator('#data-error').waitFor({ state: 'visible' });
  assert.match(await page.textContent('#data-error'), /batch size 256 is larger than the 20 training samples; choose at most 20/);
  await setting(page, 'batchSize', '5');
  await page.setInputFiles('#file-input', small);
  await page.waitForFunction(() => document.querySelector('#data-summary').textContent.includes('8×8'));
  await stroke(page, line([0.5, 0.15], [0.5, 0.85]));
  await page.waitForFunction(() => !document.querySelector('#prediction-source').hidden);
  assert.match(await page.textContent('#prediction-source'), /this data set's images have 64 pixels/);
  await trainToTheEnd(page);
  assert.equal(await page.locator('#train-error').isVisible(), false);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('when the core fails the page says so, restarts it on the same data and goes on', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  await trainToTheEnd(page);
  const trained = await number(page, '#stat-test-accuracy');
  // Break the trainer behind the page's back, as a panic inside wasm would.
  await page.evaluate(() => window.trainingLoop.trainer.free());
  await stroke(page, line([0.5, 0.15], [0.5, 0.85]));
  const error = page.locator('#train-error');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /^The model stopped working \(.*\)\. The page started it again on the same data\.$/);
  assert.match(await page.textContent('#model-notice'), /^Loaded the model kept from your last visit/, 'the kept model is back');
  assert.equal(await number(page, '#stat-test-accuracy'), trained);
  await page.click('#clear-button');
  await stroke(page, line([0.5, 0.15], [0.5, 0.85]));
  await page.waitForFunction(() => document.querySelector('#prediction-text').dataset.digit === '1');
  await trainToTheEnd(page);
  assert.ok((await number(page, '#stat-test-accuracy')) >= 0.86, 'and it trains again');
  assert.ok(page.problems.every((p) => /null pointer passed to rust/.test(p)), page.problems.join('\n'));
  await page.context().close();
});

test('a corrupt upload shows a readable error and the previous data and model stay', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  await trainToTheEnd(page);
  const trained = await number(page, '#stat-test-accuracy');

  const corrupt = Buffer.from('PK\u0003\u0004 this is not really a zip archive');
  await page.setInputFiles('#file-input', { name: 'broken<b>.npz', mimeType: 'application/octet-stream', buffer: corrupt });
  const error = page.locator('#data-error');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /^broken<b>\.npz was not loaded: the page reads \.npz files, zip archives of NumPy arrays/);
  assert.match(await page.textContent('#data-error .detail'), /^This file is not a valid \.npz archive/, 'the reason, folded');
  assert.equal(await page.locator('#data-error b').count(), 0, 'the file name is shown as text, not HTML');
  assert.match(await page.textContent('#data-summary'), /^Bundled mini-MNIST: 8,000 training/);
  assert.equal(await number(page, '#stat-test-accuracy'), trained, 'the trained model stays');

  await trainToTheEnd(page);
  assert.ok((await number(page, '#stat-test-accuracy')) >= 0.86, 'training on the previous data still works');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a drawn 1 and 0 are read correctly after training, and an empty pad shows no prediction', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  assert.equal(await page.textContent('#prediction-text'), 'Draw on the black square: mouse, finger or pen.');

  await stroke(page, line([0.5, 0.15], [0.5, 0.85]));
  assert.match(await page.textContent('#prediction-text'), /untrained/, 'an untrained model says so');

  await trainToTheEnd(page);
  await page.waitForFunction(() => document.querySelector('#prediction-text').dataset.digit !== '');
  assert.equal(await page.getAttribute('#prediction-text', 'data-digit'), '1');
  assert.match(await page.textContent('#prediction-text'), /It looks like a 1/);

  await page.click('#clear-button');
  await page.waitForFunction(() => document.querySelector('#prediction-text').textContent === 'Draw on the black square: mouse, finger or pen.');
  assert.equal(await page.locator('#probabilities li.best').count(), 0);

  await stroke(page, ellipse(0.5, 0.5, 0.22, 0.32));
  await page.waitForFunction(() => document.querySelector('#prediction-text').dataset.digit !== '');
  assert.equal(await page.getAttribute('#prediction-text', 'data-digit'), '0');
  const seenInk = await page.evaluate(() => {
    const data = document.querySelector('#seen').getContext('2d').getImageData(0, 0, 28, 28).data;
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) ink += data[i] > 0 ? 1 : 0;
    return ink;
  });
  assert.ok(seenInk > 40, `the 28×28 preview shows the digit (${seenInk} inked pixels)`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('screenshots at desktop and phone sizes', async () => {
  const out = join(ROOT, 'test-results');
  await mkdir(out, { recursive: true });
  for (const [name, viewport] of [['desktop', { width: 1280, height: 900 }], ['phone', { width: 390, height: 844 }]]) {
    const page = await openPage(shared.browser, shared.site.url, viewport);
    await trainToTheEnd(page);
    await stroke(page, line([0.35, 0.2], [0.65, 0.2]).concat(line([0.65, 0.2], [0.4, 0.85])));
    await page.waitForFunction(() => document.querySelector('#prediction-text').dataset.digit !== '');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= viewport.width, `${name}: no horizontal scrolling (${width} px wide)`);
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
    assert.deepEqual(page.problems, []);
    await page.context().close();
  }
});

test('50 cycles of load, train, reset and draw leave the wasm memory flat', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  await setting(page, 'epochs', '1');
  const bundled = await readFile(join(ROOT, 'data', 'mini_mnist.npz'));
  const memory = [];
  for (let cycle = 0; cycle < 50; cycle += 1) {
    await page.setInputFiles('#file-input', { name: `cycle-${cycle}.npz`, mimeType: 'application/octet-stream', buffer: bundled });
    await page.waitForFunction((name) => document.querySelector('#data-summary').textContent.startsWith(name), `cycle-${cycle}.npz`);
    await trainToTheEnd(page);
    await page.click('#reset-button');
    await stroke(page, line([0.5, 0.2], [0.5, 0.8], 4));
    await page.click('#clear-button');
    memory.push(await page.evaluate(() => window.mnistLogreg.memoryBytes()));
  }
  // wasm memory only grows; after warming up it may still step once or twice as the allocator's free
  // space fragments (measured: a few MiB, then flat), but a leaked data set or trainer would add
  // ~12 MiB every cycle, 480 MiB over these 40.
  const growth = memory[49] - memory[9];
  assert.ok(growth <= 16 * 2 ** 20, `wasm memory grew ${growth} bytes from cycle 10 to 50: ${memory.map((m) => m >> 20)}`);
  // Two data sets live at once while a new file replaces the old (each ~12 MiB, sparse), plus the file and
  // its decompression buffers.
  assert.ok(memory[49] < 160 * 2 ** 20, `wasm memory ${memory[49]} bytes`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
