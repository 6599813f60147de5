// The page's insight and sharing features: weights as pictures, test results, saved models, links.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  choosePreset,
  corePresets,
  line,
  npyHeader,
  number,
  openPage,
  optionsShown,
  reveal,
  setting,
  siteAndBrowser,
  stroke,
  trainToTheEnd,
  unzip,
} from './harness.mjs';

const shared = siteAndBrowser();
const { homework, best } = await corePresets();

const probabilities = (page) => page.$$eval('#probabilities .value', (values) => values.map((v) => v.textContent));

test('the weights are drawn as ten templates that change with training', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  assert.equal(await page.locator('#templates img').count(), 10);
  // The distinct channel values in each picture, read back through a canvas.
  const colours = () =>
    page.$$eval('#templates img', (pictures) =>
      Promise.all(
        pictures.map(async (picture) => {
          await picture.decode();
          const context = Object.assign(document.createElement('canvas'), { width: 28, height: 28 }).getContext('2d');
          context.drawImage(picture, 0, 0);
          return new Set(context.getImageData(0, 0, 28, 28).data).size;
        }),
      ),
    );
  assert.ok((await colours()).every((n) => n <= 2), 'untrained: every weight is zero, one colour');
  await trainToTheEnd(page);
  assert.ok((await colours()).every((n) => n > 20), 'trained: each template has many shades');
  assert.match(await page.getAttribute('#templates img >> nth=3', 'alt'), /Template for 3/);
  await page.click('#templates img >> nth=7'); // a tap tells too
  assert.match(await page.textContent('#template-caption'), /^Template for 7: orange pixels count for a 7/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('while training, the weights are redrawn only on screen, and at once when scrolled to', async () => {
  const page = await openPage(shared.browser, shared.site.url, { width: 390, height: 700 }); // a phone: one card at a time
  await setting(page, 'epochs', '1000');
  await page.click('#train-button');
  await page.waitForFunction(() => Number(document.querySelector('#progress').value) > 100);
  const template = () => page.getAttribute('#templates img >> nth=0', 'src');
  const offScreen = await template();
  await page.waitForFunction(() => Number(document.querySelector('#progress').value) > 1000);
  assert.equal(await template(), offScreen, 'out of view: not redrawn while training runs');
  await page.locator('#weights-panel').scrollIntoViewIfNeeded();
  await page.waitForFunction((before) => document.querySelector('#templates img').src !== before, offScreen);
  const onScreen = await template();
  await page.waitForFunction((before) => document.querySelector('#templates img').src !== before, onScreen);
  assert.equal(await page.getAttribute('body', 'data-state'), 'running', 'kept up to date as it trains');
  await page.click('#pause-button');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the confusion matrix adds up and the gallery lists only real mistakes', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  await trainToTheEnd(page);
  const matrix = await page.$$eval('#confusion tr', (rows) =>
    rows.slice(1).map((row) => Array.from(row.querySelectorAll('td'), (cell) => Number(cell.textContent || 0))),
  );
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const right = matrix.reduce((sum, row, i) => sum + row[i], 0);
  assert.equal(total, 2000);
  assert.ok(Math.abs(right / total - (await number(page, '#stat-test-accuracy'))) < 1e-6, 'the diagonal is the accuracy');
  assert.match(await page.textContent('#results-summary'), new RegExp(`^${(total - right).toLocaleString('en')} of 2,000 test digits are misread`));

  const mistakes = await page.$$eval('#mistakes .mistake', (items) => items.map((b) => ({ ...b.dataset })));
  assert.equal(mistakes.length, 24);
  // The pictures come a few per task: each mistake gets its own.
  await page.waitForFunction(() => document.querySelectorAll('#mistakes .mistake img').length === 24);
  const sizes = await page.$$eval('#mistakes .mistake img', (pictures) =>
    Promise.all(pictures.map((p) => p.decode().then(() => `${p.naturalWidth}×${p.naturalHeight}`))),
  );
  assert.deepEqual(new Set(sizes), new Set(['28×28']), 'each mistake shows its 28×28 digit');
  for (const m of mistakes) assert.notEqual(m.true, m.predicted, `test image ${m.index} is a real mistake`);
  await page.click('#mistakes .mistake >> nth=0');
  await page.waitForFunction((digit) => document.querySelector('#prediction-text').dataset.digit === digit, mistakes[0].predicted);
  assert.match(await page.textContent('#prediction-source'), new RegExp(`^Test image ${mistakes[0].index}, labelled ${mistakes[0].true}`));
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a saved model is an .npz numpy reads, and loading it elsewhere gives identical predictions', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  await trainToTheEnd(page);
  await reveal(page, '#export-button');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-button')]);
  assert.equal(download.suggestedFilename(), 'mnist-logreg-model.npz');
  const file = join(tmpdir(), `model-${process.pid}.npz`);
  await download.saveAs(file);
  const entries = unzip(await (await import('node:fs/promises')).readFile(file));
  // The weights, the accuracy, the drawings and the first settings under the names numpy users read (which
  // arrays each setting makes is the core's to say: tests/persist.rs pins them).
  const names = ['A', 'test_accuracy', 'taught_x', 'taught_y', 'learning_rate', 'batch_size', 'epochs', 'seed', 'softmax_batch'];
  for (const name of names) assert.ok(`${name}.npy` in entries, `${name}.npy is in the file`);
  const header = npyHeader(entries['A.npy']);
  assert.match(header, /'descr': '<f4'/);
  assert.match(header, /'fortran_order': False/);
  assert.match(header, /'shape': \(10, 785\)/);
  assert.equal(entries['A.npy'].length - entries['A.npy'].indexOf('\n') - 1, 10 * 785 * 4, 'the data follows the header');

  await stroke(page, line([0.5, 0.15], [0.5, 0.85]));
  await page.waitForFunction(() => document.querySelector('#prediction-text').dataset.digit !== '');
  const trainedSays = await probabilities(page);

  const fresh = await openPage(shared.browser, shared.site.url); // a new browser context: nothing kept
  await fresh.setInputFiles('#model-input', file);
  await fresh.locator('#model-notice').waitFor({ state: 'visible' });
  assert.match(await fresh.textContent('#model-notice'), /^Loaded model-\d+\.npz \(trained with “The homework, fixed”\): 8\d\.\d % on this test set/);
  assert.equal(await number(fresh, '#stat-test-accuracy'), await number(page, '#stat-test-accuracy'));
  await stroke(fresh, line([0.5, 0.15], [0.5, 0.85]));
  await fresh.waitForFunction(() => document.querySelector('#prediction-text').dataset.digit !== '');
  assert.deepEqual(await probabilities(fresh), trainedSays, 'the same drawing, the same probabilities');

  // Dropped or picked where data goes, a saved model is loaded as a model.
  await fresh.click('#reset-button');
  await fresh.setInputFiles('#file-input', file);
  await fresh.waitForFunction(() => document.querySelector('#model-notice').textContent.startsWith('Loaded model-'));
  assert.match(await fresh.textContent('#data-summary'), /^Bundled mini-MNIST/, 'the data stay');
  assert.equal(await fresh.locator('#data-error').isVisible(), false);

  await writeFile(file, 'not a model');
  await fresh.setInputFiles('#model-input', file);
  await fresh.locator('#train-error').waitFor({ state: 'visible' });
  assert.match(await fresh.textContent('#train-error'), /was not loaded: the page reads \.npz files/);
  assert.deepEqual(await probabilities(fresh), trainedSays, 'a refused file leaves the loaded model');
  assert.deepEqual([...page.problems, ...fresh.problems], []);
  await page.context().close();
  await fresh.context().close();
});

test('the last trained model survives a reload, and Reset forgets it', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  await trainToTheEnd(page);
  const accuracy = await number(page, '#stat-test-accuracy');
  await page.reload();
  await page.waitForSelector('body[data-state="ready"]');
  assert.match(await page.textContent('#model-notice'), /^Loaded the model kept from your last visit/);
  assert.equal(await number(page, '#stat-test-accuracy'), accuracy);
  await stroke(page, line([0.5, 0.15], [0.5, 0.85]));
  await page.waitForFunction(() => document.querySelector('#prediction-text').dataset.digit === '1');

  await page.click('#reset-button');
  await page.reload();
  await page.waitForSelector('body[data-state="ready"]');
  assert.equal(await page.locator('#model-notice').isVisible(), false, 'nothing kept after Reset');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the address carries the settings and Copy link shares them', async () => {
  const context = await shared.browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await openPage(shared.browser, `${shared.site.url}?lr=0.05&batch=128&epochs=3&seed=7&softmax=batch`, undefined, context);
  const linked = { learningRate: 0.05, batchSize: 128, epochs: 3, seed: 7, softmax: 'batch' };
  assert.deepEqual(await optionsShown(page), { ...homework, ...linked }, 'the link\'s settings, the others the defaults');
  await setting(page, 'epochs', '4');
  const address = await page.evaluate(() => location.href); // (replaceState does not move page.url())
  assert.match(address, /[?&]epochs=4(&|$)/);
  assert.match(address, /[?&]softmax=batch(&|$)/);
  await reveal(page, '#copy-link-button');
  await page.click('#copy-link-button');
  await page.locator('#model-status').waitFor({ state: 'visible' });
  assert.match(await page.textContent('#model-status'), /^Link copied/, 'said beside the button');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), address);
  await trainToTheEnd(page);
  assert.equal(await page.textContent('#progress-text'), 'Done: 4 epochs', 'the linked settings are the ones used');
  assert.deepEqual(page.problems, []);
  await context.close();
});

test('the best preset straightens the digits and reaches 0.94 on the bundled digits', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  assert.equal(await page.isChecked('input[name="deskew"]'), false, 'off by default');
  await choosePreset(page, 'best');
  assert.equal(await page.isChecked('input[name="deskew"]'), true, 'the best settings deskew');
  assert.match(await page.evaluate(() => location.search), /deskew=1/);
  assert.deepEqual(await optionsShown(page), best);
  assert.match(await page.evaluate(() => location.search), /schedule=cosine/);
  await trainToTheEnd(page);
  const accuracy = await number(page, '#stat-test-accuracy');
  assert.ok(accuracy >= 0.94, `best preset: ${accuracy}`);
  await choosePreset(page, 'homework');
  assert.equal(await page.inputValue('input[name="epochs"]'), '10');
  assert.equal(await page.isChecked('input[name="deskew"]'), false, 'the homework settings do not');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('compare mode trains both softmaxes on the same batches and overlays their curves', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  await setting(page, 'compare', true);
  await trainToTheEnd(page);
  const points = Number(await page.getAttribute('#accuracy-chart', 'data-compare-points'));
  assert.ok(points >= 11, `whole-batch test accuracy points: ${points}`);
  assert.equal(await page.getAttribute('#accuracy-chart', 'data-points'), String(points), 'one each, at the same batches');
  const text = await page.textContent('#compare-result');
  const [, row, batch] = text.match(/per-row softmax (\d+\.\d) %, whole-batch softmax (\d+\.\d) %/);
  assert.ok(Number(row) >= 86 && Number(batch) <= 80, text);
  assert.equal(Number(row) / 100, Number((await number(page, '#stat-test-accuracy')).toFixed(3)));
  assert.match(text, /probabilities that sum to one/);
  const legend = await page.$$eval('#loss-chart .u-legend .u-series', (rows) =>
    rows.map((r) => [r.querySelector('.u-label')?.textContent.trim(), r.classList.contains('u-off')]),
  );
  assert.deepEqual(legend.filter(([label]) => label.includes('softmax')), [['whole-batch softmax', false]], 'shown');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('every control has a name and the page works from the keyboard', async () => {
  const page = await openPage(shared.browser, `${shared.site.url}?pace=watch`); // a run long enough to pause
  const unnamed = await page.$$eval('input, select, button, canvas[tabindex], img[tabindex]', (elements) =>
    elements
      .filter((e) => {
        const label = e.labels?.[0]?.textContent ?? '';
        return !(label.trim() || e.getAttribute('aria-label') || e.textContent.trim() || e.title || e.alt);
      })
      .map((e) => e.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(unnamed, []);
  // Tab to Train and press Enter: training runs without a mouse.
  await page.focus('input[name="preset"]:checked');
  let focused = '';
  for (let i = 0; i < 20 && focused !== 'train-button'; i += 1) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement.id);
  }
  assert.equal(focused, 'train-button');
  await page.keyboard.press('Enter');
  // Train is disabled while it runs; the focus goes to Pause rather than to the page, so Space pauses.
  await page.waitForSelector('body[data-state="running"]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'pause-button');
  assert.match(await page.getAttribute('#stat-speed', 'title'), /^Slowed on purpose, so that you can watch it learn/);
  await page.keyboard.press('Space');
  await page.waitForSelector('body[data-state="paused"]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'pause-button');
  await page.keyboard.press('Space');
  await page.waitForSelector('body[data-state="done"]');
  assert.equal(await page.getAttribute('#prediction-text', 'aria-live'), 'polite');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
