// A visitor's first minute, at a desktop's 1280×800 and a phone's 390×844 (touch): what is on screen before,
// during and after a run, the controls' size on a phone, a page that always shows its model's settings (a
// return visit, a model file), and a lesson undone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { choosePreset, frames, line, number, openPage, reveal, setting, siteAndBrowser, stroke, trainToTheEnd } from './harness.mjs';

const shared = siteAndBrowser();
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const ONE = line([0.5, 0.15], [0.5, 0.85]);

/** The box of `selector` in the viewport, and whether all of it is on screen (unscrolled: y from the top). */
async function onScreen(page, selector) {
  return page.$eval(selector, (element) => {
    const box = element.getBoundingClientRect();
    const whole = box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth;
    return { whole, top: box.top + scrollY, width: box.width, height: box.height };
  });
}

/** Asserts that each of `selectors` is wholly in the viewport (`when` says at which moment). */
async function assertInView(page, selectors, when) {
  for (const selector of selectors) {
    const box = await onScreen(page, selector);
    assert.ok(box.whole, `${when}: ${selector} is in view (${JSON.stringify(box)})`);
  }
}

/** A phone's page: a touch screen, and a visitor's own pace (watching) unless the address names one. */
async function phonePage(url = `${shared.site.url}?pace=watch`) {
  const context = await shared.browser.newContext({ viewport: PHONE, deviceScaleFactor: 1, hasTouch: true, isMobile: true });
  return openPage(shared.browser, url, PHONE, context);
}

test('desktop: Train, the curves, the test accuracy and the pad are in view before, during and after a run', async () => {
  const page = await openPage(shared.browser, `${shared.site.url}?pace=watch`, DESKTOP);
  const wanted = ['#train-button', '#loss-chart', '#accuracy-chart', '#stat-test-accuracy', '#pad', '#prediction-text'];
  await assertInView(page, wanted, 'before');
  const chart = await onScreen(page, '#loss-chart .uplot, #loss-chart');
  assert.ok(chart.width >= 200 && chart.height >= 90, `a chart of at least 200×90 px: ${JSON.stringify(chart)}`);
  assert.equal(await page.isChecked('input[name="pace"][value="watch"]'), true, 'a first visit watches it learn');

  // Watching: the curves grow in several steps a visitor can see, not all at once. What a visitor sees is
  // what each frame shows: the loss curve's length is noted at every frame until the run is done.
  await page.evaluate(() => {
    const seen = (window.lengthsSeen = new Set());
    const note = () => {
      seen.add(document.querySelector('#loss-chart').dataset.points);
      if (document.body.dataset.state !== 'done') requestAnimationFrame(note);
    };
    requestAnimationFrame(note);
  });
  await page.click('#train-button');
  await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
  const seen = await page.evaluate(() => window.lengthsSeen.size);
  assert.ok(seen >= 5, `the loss curve was seen at ${seen} lengths while it trained`);
  await assertInView(page, wanted, 'during and after');
  assert.ok((await number(page, '#stat-test-accuracy')) >= 0.86);
  assert.equal(await page.evaluate(() => scrollY), 0, 'nothing scrolled');

  // Values on hover and from the keyboard: the legend reads the points under the cursor.
  const accuracyChart = await page.locator('#accuracy-chart .u-over').boundingBox();
  await page.mouse.move(accuracyChart.x + accuracyChart.width * 0.5, accuracyChart.y + accuracyChart.height / 2);
  await page.waitForFunction(() => /epoch:? ?[45]\.\d/.test(document.querySelector('#accuracy-chart .u-legend').textContent));
  await page.mouse.move(0, 0);
  await page.focus('#accuracy-chart');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  const read = await page.textContent('#accuracy-chart [aria-live]');
  // Home is the untrained model (epoch 0.0); the next stop is the first scoring after it.
  assert.match(read, /^epoch (0\.[1-9]|1\.0), .*test \d+\.\d %$/, `the arrow keys read the next scoring: ${read}`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('phone: the first screen offers Train; after Train the curves and test accuracy come into view', async () => {
  const page = await phonePage();
  await assertInView(page, ['h1', '.lede', '#train-button'], 'first screen');
  const pad = await onScreen(page, '#pad');
  assert.ok(pad.top <= 1.5 * PHONE.height, `the pad starts within 1.5 screens (${pad.top} px)`);
  assert.equal(await page.locator('#settings-details').getAttribute('open'), null, 'the fields fold away');
  assert.equal(await page.locator('.data-details').getAttribute('open'), null, 'the data upload folds away');

  await page.tap('#train-button');
  await page.waitForFunction(() => Number(document.querySelector('#loss-chart').dataset.points) > 0);
  await page.waitForFunction(() => {
    const box = document.querySelector('#accuracy-chart').getBoundingClientRect();
    return box.top >= 0 && box.bottom <= innerHeight; // the smooth scroll has ended
  });
  await assertInView(page, ['#stat-test-accuracy', '#loss-chart', '#accuracy-chart'], 'while it trains');
  await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('phone: every control is at least 44×44 px, no text is under 12 px, and nothing scrolls sideways', async () => {
  const page = await phonePage(shared.site.url);
  await trainToTheEnd(page);
  await stroke(page, ONE);
  await page.waitForFunction(() => document.querySelector('#prediction-text').dataset.digit !== '');
  await page.tap('#teach-buttons button[data-digit="7"]');
  await page.locator('#corrections').waitFor({ state: 'visible' });
  await page.$$eval('details', (all) => all.forEach((details) => (details.open = true)));
  await frames(page, 2); // what opening them shows (views drawn once on screen) is drawn by then
  const small = await page.$$eval('button, select, summary, input:not([type=checkbox]):not([type=radio]):not([type=file]), label:has(> input[type=radio]), label:has(> input[type=checkbox]), .file-button', (elements) =>
    elements
      .filter((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
      .map((e) => ({ what: e.id || e.textContent.trim().slice(0, 30) || e.outerHTML.slice(0, 60), box: e.getBoundingClientRect() }))
      .filter(({ box }) => box.width < 44 - 0.5 || box.height < 44 - 0.5)
      .map(({ what, box }) => `${what}: ${Math.round(box.width)}×${Math.round(box.height)}`),
  );
  assert.deepEqual(small, [], 'controls under 44×44 px');
  const tiny = await page.evaluate(() => {
    const found = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!node.textContent.trim() || element.closest('.visually-hidden, [hidden]') || element.getClientRects().length === 0) continue;
      const size = parseFloat(getComputedStyle(element).fontSize);
      if (size < 12) found.add(`${element.tagName}.${element.className}: ${size}px "${node.textContent.trim().slice(0, 20)}"`);
    }
    return [...found];
  });
  assert.deepEqual(tiny, [], 'text under 12 px');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `no sideways scrolling (${width} px)`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

/** The form's options as shown, and the preset ticked. */
const formShows = (page) =>
  page.evaluate(() => {
    const form = document.querySelector('#settings');
    return {
      preset: form.elements.preset.value,
      epochs: form.elements.epochs.value,
      learningRate: form.elements.learningRate.value,
      deskew: form.elements.deskew.checked,
    };
  });
const BEST = { preset: 'best', epochs: '30', learningRate: '0.5', deskew: true };

test('a return visit and a loaded model file show that model\'s settings, in the form and the address, with curves or a word why', async () => {
  const page = await openPage(shared.browser, shared.site.url, DESKTOP);
  assert.equal(await page.textContent('#preset-hint'), 'A class exercise’s settings, its softmax fixed.');
  await choosePreset(page, 'best');
  // The line under the presets says what the chosen one is.
  assert.match(await page.textContent('#preset-hint'), /^Smaller batches, more epochs, .* slanted digits straightened\.$/);
  await trainToTheEnd(page);
  const accuracy = await number(page, '#stat-test-accuracy');
  const points = Number(await page.getAttribute('#loss-chart', 'data-points'));
  await reveal(page, '#export-button');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-button')]);
  const file = join(await mkdtemp(join(tmpdir(), 'model-')), 'best.npz');
  await download.saveAs(file);

  // Back on the bare address: the kept model is the best preset's, and the page says so everywhere.
  await page.goto(shared.site.url);
  await page.waitForSelector('body[data-state="ready"]');
  await page.waitForFunction(() => document.querySelector('#model-notice').textContent.startsWith('Loaded the model'));
  assert.deepEqual(await formShows(page), BEST);
  assert.equal(await number(page, '#stat-test-accuracy'), accuracy);
  const address = await page.evaluate(() => location.search);
  assert.match(address, /[?&]lr=0\.5&batch=64&epochs=30&.*deskew=1/, 'the address is the model\'s');
  const restored = Number(await page.getAttribute('#loss-chart', 'data-points'));
  assert.ok(restored > 0 && restored <= points, `the run's curves come back (${restored} of ${points} points)`);
  assert.equal(await page.locator('#curves-note').isVisible(), false);

  // A fresh browser loads the file: the form shows its settings; no curves came with it, and the chart says why.
  const fresh = await openPage(shared.browser, shared.site.url, DESKTOP);
  assert.equal((await formShows(fresh)).preset, 'homework');
  await fresh.setInputFiles('#model-input', file);
  await fresh.waitForFunction(() => document.querySelector('#model-notice').textContent.startsWith('Loaded best.npz'));
  assert.deepEqual(await formShows(fresh), BEST);
  assert.match(await fresh.evaluate(() => location.search), /[?&]lr=0\.5&batch=64&epochs=30&/);
  assert.match(await fresh.textContent('#curves-note'), /loaded from a file/);
  assert.deepEqual([...page.problems, ...fresh.problems], []);
  await page.context().close();
  await fresh.context().close();
});

test('a link whose settings match no preset opens the settings; one that differs from the kept model keeps it aside', async () => {
  const page = await openPage(shared.browser, shared.site.url, DESKTOP);
  await trainToTheEnd(page); // kept: the homework's model
  await page.goto(`${shared.site.url}?lr=0.05&epochs=3`);
  await page.waitForSelector('body[data-state="ready"]');
  assert.equal(await page.isChecked('input[name="preset"][value="custom"]'), true);
  assert.equal(await page.locator('#settings-details').getAttribute('open'), '', 'the fields are shown');
  assert.equal(await page.inputValue('input[name="learningRate"]'), '0.05', 'the link\'s settings stay in the form');
  assert.match(await page.textContent('#model-notice'), /model from last time \(8\d\.\d %\) is still kept/);
  await setting(page, 'learningRate', '0.1');
  await setting(page, 'epochs', '10');
  assert.equal(await page.isChecked('input[name="preset"][value="homework"]'), true, 'typing a preset\'s values ticks it');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('teaching waits for the stroke to end, says "an 8", and a lesson can be undone exactly', async () => {
  const page = await openPage(shared.browser, shared.site.url, DESKTOP);
  await trainToTheEnd(page);
  const box = await page.locator('#pad').boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.15);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.85, { steps: 8 });
  await page.waitForFunction(() => /^So far/.test(document.querySelector('#prediction-text').textContent));
  assert.equal(await page.locator('#teach').isVisible(), false, 'no teaching in the middle of a stroke');
  await page.mouse.up();
  await page.locator('#teach').waitFor({ state: 'visible' });
  assert.doesNotMatch(await page.textContent('#probabilities'), /100 %|(^|[^<>\d])0 %/, 'never 100 % or 0 %');

  const before = await page.$$eval('#probabilities .value', (values) => values.map((v) => v.textContent));
  const accuracy = await number(page, '#stat-test-accuracy');
  await page.click('#teach-buttons button[data-digit="8"]');
  await page.locator('#teach-status .teach-message').waitFor();
  assert.match(await page.textContent('#teach-status .teach-message'), /as an 8\b/);
  assert.equal(await page.locator('#corrections-list li').count(), 1);
  await page.click('#teach-status button.undo');
  await page.locator('#corrections').waitFor({ state: 'hidden' }); // no drawing taught any more
  const after = await page.$$eval('#probabilities .value', (values) => values.map((v) => v.textContent));
  assert.deepEqual(after, before, 'the model before the lesson is back');
  assert.equal(await number(page, '#stat-test-accuracy'), accuracy);
  assert.match(await page.textContent('.teach-keys'), /0.*9/, 'the keyboard shortcut is shown beside the buttons');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a file that is not an .npz says what the page expected, with the reason folded', async () => {
  const page = await openPage(shared.browser, shared.site.url, DESKTOP);
  const file = join(await mkdtemp(join(tmpdir(), 'text-')), 'notes.txt');
  await writeFile(file, 'hello');
  await page.setInputFiles('#file-input', file);
  await page.locator('#data-error').waitFor({ state: 'visible' });
  assert.match(await page.textContent('#data-error'), /^notes\.txt was not loaded: the page reads \.npz files, zip archives of NumPy arrays named X_train/);
  assert.equal(await page.locator('#data-error .detail').isVisible(), false, 'the technical reason is folded');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
