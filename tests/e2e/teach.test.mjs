// Drawing with the model: straightened digits, why the model reads a drawing as it does, teaching it what a
// drawing is (the drawings kept, saved, trained on and forgotten), and a phone visitor who came to draw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, ellipse, line, npyHeader, number, openPage, reveal, setting, siteAndBrowser, stroke, trainToTheEnd, unzip } from './harness.mjs';

const shared = siteAndBrowser();

const ONE = line([0.5, 0.15], [0.5, 0.85]);
const SEVEN = line([0.3, 0.2], [0.7, 0.2]).concat(line([0.7, 0.2], [0.42, 0.85]));

/** Waits until the answer is `digit` (a string), or any digit when none is given. */
const answer = (page, digit) =>
  page.waitForFunction(
    (d) => {
      const shown = document.querySelector('#prediction-text').dataset.digit;
      return d === undefined ? shown !== '' : shown === d;
    },
    digit,
  );

/** Draws `points` on a cleared pad and waits for the model's answer. */
async function redraw(page, points) {
  await page.click('#clear-button');
  await page.waitForFunction(() => document.querySelector('#prediction-text').textContent === 'Draw on the black square: mouse, finger or pen.');
  await stroke(page, points);
  await answer(page);
}

const drawings = (page) => page.$$eval('#corrections-list li', (items) => items.map((item) => item.textContent.replace('×', '')));

/**
 * How widely ink spreads over the columns (the standard deviation of x, weighted by ink), in 28-pixel
 * units: of the 28×28 image the model sees, and of the pad's drawing scaled as preprocessing scales it
 * (its longer side to 20 pixels).
 */
const columnSpreads = (page) =>
  page.evaluate(() => {
    const spread = (canvas) => {
      const { data, width, height } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let mass = 0, mean = 0, square = 0, top = height, bottom = 0, left = width, right = 0;
      for (let i = 0; i < width * height; i += 1) {
        const ink = data[4 * i] / 255;
        const x = i % width, y = Math.floor(i / width);
        mass += ink; mean += x * ink; square += x * x * ink;
        if (ink > 0.5) [top, bottom, left, right] = [Math.min(top, y), Math.max(bottom, y), Math.min(left, x), Math.max(right, x)];
      }
      mean /= mass;
      return { spread: Math.sqrt(square / mass - mean * mean), extent: Math.max(bottom - top, right - left) + 1 };
    };
    const seen = spread(document.querySelector('#seen'));
    const pad = spread(document.querySelector('#pad'));
    return { seen: seen.spread, drawn: (pad.spread * 20) / pad.extent };
  });

test('a deskew=1 link ticks the box, the run trains, and the model sees a slanted stroke straightened', async () => {
  const page = await openPage(shared.browser, `${shared.site.url}?deskew=1&epochs=2`);
  assert.equal(await page.isChecked('input[name="deskew"]'), true);
  await trainToTheEnd(page);
  assert.equal(await page.textContent('#progress-text'), 'Done: 2 epochs');
  assert.ok((await number(page, '#stat-test-accuracy')) >= 0.85);
  await stroke(page, line([0.3, 0.85], [0.7, 0.12]));
  await answer(page);
  assert.equal(await page.textContent('#seen-caption'), 'what the model sees (28×28), straightened');
  const { seen, drawn } = await columnSpreads(page);
  assert.ok(seen < 0.6 * drawn, `straightened: the ink spreads over ${seen.toFixed(2)} columns, drawn ${drawn.toFixed(2)}`);

  await setting(page, 'deskew', false);
  await trainToTheEnd(page);
  await answer(page);
  assert.equal(await page.textContent('#seen-caption'), 'what the model sees (28×28)');
  const plain = await columnSpreads(page);
  assert.ok(Math.abs(plain.seen - plain.drawn) < 0.25 * plain.drawn, `as drawn: ${plain.seen.toFixed(2)} against ${plain.drawn.toFixed(2)}`);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('why, teaching with buttons and keys, and the drawings kept, saved, trained on and forgotten', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  const [train, draw] = await Promise.all(['#train-panel', '#draw-panel'].map((s) => page.locator(s).boundingBox()));
  assert.ok(draw.x > train.x && Math.abs(draw.y - train.y) < 1, 'on a desktop the pad is beside Training, as before');
  await setting(page, 'epochs', '3');
  assert.equal(await page.locator('#why').isVisible(), false, 'nothing to explain before training');
  await trainToTheEnd(page);
  await page.click('#why summary');
  await page.locator('#why-hint').waitFor({ state: 'visible' }); // drawn on the details' toggle event
  assert.equal(await page.textContent('#why-hint'), 'Draw a digit to see which of its pixels decided what the model reads.');
  assert.equal(await page.locator('#why-body').isVisible(), false, 'opened before a drawing: the hint alone');
  await stroke(page, ONE);
  await answer(page, '1');

  await page.locator('#why-body').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#why-hint').isVisible(), false);
  const pictures = await page.$$eval('#why-body img', (images) =>
    Promise.all(images.map(async (image) => (await image.decode(), { alt: image.alt, size: `${image.naturalWidth}×${image.naturalHeight}` }))),
  );
  assert.equal(pictures.length, 2);
  assert.deepEqual(pictures.map((p) => p.size), ['28×28', '28×28']);
  assert.match(pictures[0].alt, /^Evidence for 1: .* the score is -?\d+\.\d\d\.$/);
  assert.match(pictures[1].alt, /^Evidence for \d, the runner-up: /);
  assert.equal(await page.textContent('#why-predicted-caption'), 'for 1');
  assert.match(await page.textContent('#why-runner-up-caption'), /^for \d, the runner-up$/);
  assert.match(
    await page.textContent('#why-text'),
    /^Each pixel's ink times the digit's weight there: orange pixels add to the score for 1, blue ones take away\. 1 scores -?\d+\.\d and \d scores -?\d+\.\d .* so 1 is [\d.KMB]+ times as likely\.$/,
  );

  // Teaching with a button: the answer changes at once, and the drawing is listed and counted.
  assert.equal(await page.locator('#teach').isVisible(), true);
  await page.click('#teach-buttons button[data-digit="7"]');
  await answer(page, '7');
  assert.equal(await page.textContent('#teach-status .teach-message'), 'Learnt: it now reads your drawing as a 7.');
  assert.deepEqual(await drawings(page), ['7']);
  assert.equal(await page.getAttribute('#corrections-list button', 'aria-label'), 'Forget your drawing of a 7');
  assert.equal(await page.textContent('#drawings-included'), 'Training includes the taught drawing.');
  assert.equal(await page.textContent('#why-predicted-caption'), 'for 7', 'why follows the answer');

  // Keys 0–9 on the focused pad teach too, right after drawing (drawing focuses the pad).
  await redraw(page, ellipse(0.5, 0.5, 0.22, 0.32));
  await page.keyboard.press('6');
  await answer(page, '6');
  assert.deepEqual(await drawings(page), ['7', '6']);
  assert.equal(await page.textContent('#corrections-title'), 'The 2 taught drawings');

  // A test image's digit is known: it is explained but not taught.
  await page.click('#mistakes .mistake >> nth=0');
  await page.waitForFunction(() => !document.querySelector('#prediction-source').hidden);
  assert.equal(await page.locator('#teach').isVisible(), false);
  assert.match(await page.textContent('#why-text'), /scores/);

  // Kept with the model: back after a reload, and the same drawing is read as taught.
  await page.reload();
  await page.waitForSelector('body[data-state="ready"]');
  assert.deepEqual(await drawings(page), ['7', '6']);
  await stroke(page, ONE);
  await answer(page, '7');

  // In the saved model.
  await reveal(page, '#export-button');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-button')]);
  const file = join(tmpdir(), `taught-${process.pid}.npz`);
  await download.saveAs(file);
  const entries = unzip(await readFile(file));
  assert.match(npyHeader(entries['taught_x.npy']), /'descr': '\|u1', 'fortran_order': False, 'shape': \(2, 784\)/);
  assert.match(npyHeader(entries['taught_y.npy']), /'shape': \(2,\)/);
  assert.deepEqual([...entries['taught_y.npy'].subarray(-2)], [7, 6]);

  // Trained on by Train again, and still listed after it.
  await trainToTheEnd(page);
  assert.equal(await page.textContent('#drawings-included'), 'Training includes the 2 taught drawings.');
  assert.deepEqual(await drawings(page), ['7', '6']);
  assert.ok((await number(page, '#stat-test-accuracy')) >= 0.85);

  // Forgotten one at a time, or all by Reset, which asks first.
  await page.click('#corrections-list button >> nth=0');
  assert.deepEqual(await drawings(page), ['6']);
  await page.click('#reset-button');
  assert.equal(await page.textContent('#reset-confirm-text'), 'Reset forgets the taught drawing too.');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'reset-confirm-button');
  await page.click('#reset-cancel-button');
  assert.equal(await page.locator('#reset-confirm').isVisible(), false);
  assert.equal(await page.getAttribute('body', 'data-state'), 'done', 'Cancel keeps the model');
  await page.click('#reset-button');
  await page.click('#reset-confirm-button');
  assert.equal(await page.getAttribute('body', 'data-state'), 'ready');
  assert.equal(await page.locator('#corrections').isVisible(), false);
  assert.equal(await page.locator('#drawings-included').isVisible(), false);
  await page.reload();
  await page.waitForSelector('body[data-state="ready"]');
  assert.equal(await page.locator('#corrections').isVisible(), false, 'nothing kept after Reset');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('on a phone the pad comes right after the curves, and Train now reads the drawing at once', async () => {
  const page = await openPage(shared.browser, shared.site.url, { width: 390, height: 844 });
  const boxes = await Promise.all(['#train-panel', '#draw-panel', '.charts'].map((s) => page.locator(s).boundingBox()));
  const [train, draw, charts] = boxes;
  assert.ok(train.y < charts.y && charts.y < draw.y, `Training ${train.y}, charts ${charts.y}, pad ${draw.y}`);
  assert.ok(draw.y < 1.5 * 844, `the pad's card starts within 1.5 screens (${draw.y} px)`);
  await stroke(page, ONE);
  await page.locator('#train-now-button').waitFor({ state: 'visible' });
  assert.match(await page.textContent('#prediction-text'), /untrained/);
  const started = Date.now();
  await page.click('#train-now-button');
  await page.waitForSelector('body[data-state="done"]');
  const seconds = (Date.now() - started) / 1000;
  await answer(page, '1');
  assert.equal(await page.isChecked('input[name="deskew"]'), true, 'with the best settings');
  assert.equal(await page.inputValue('input[name="epochs"]'), '30');
  assert.equal(await page.locator('#train-now-button').isVisible(), false);
  assert.ok(seconds < 10, `trained in ${seconds} s`);

  // For the README: a drawing, why, and two drawings taught; at phone and desktop sizes.
  await page.click('#teach-buttons button[data-digit="1"]');
  await redraw(page, ellipse(0.5, 0.5, 0.22, 0.32));
  await page.click('#teach-buttons button[data-digit="0"]');
  await redraw(page, SEVEN);
  await page.click('#why summary');
  await page.locator('#why-body').waitFor({ state: 'visible' });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no horizontal scrolling (${width} px wide)`);
  const out = join(ROOT, 'test-results');
  await mkdir(out, { recursive: true });
  await page.locator('#draw-panel').screenshot({ path: join(out, 'why-phone.png') });
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.screenshot({ path: join(out, 'why-desktop.png'), fullPage: true });
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
