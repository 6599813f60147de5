// What other engines showed, checked in Chromium: a pad that never goes deaf (a pointer whose end never came,
// a cancelled touch), no ResizeObserver loop when the page narrows to a phone's width, and charts that draw
// whatever the browser's language says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { line, openPage, siteAndBrowser, stroke, trainToTheEnd } from './harness.mjs';

const shared = siteAndBrowser();
const ONE = line([0.5, 0.15], [0.5, 0.85]);

/** Sends the pad a pointer event of `type` as a touch (`pointerId`) that the page did not see begin or end. */
const pointer = (page, type, pointerId) =>
  page.$eval(
    '#pad',
    (pad, [type, pointerId]) => {
      const box = pad.getBoundingClientRect();
      const at = { clientX: box.left + box.width / 2, clientY: box.top + box.height / 2 };
      pad.dispatchEvent(new PointerEvent(type, { pointerId, pointerType: 'touch', isPrimary: true, bubbles: true, ...at }));
    },
    [type, pointerId],
  );

const answered = (page) => page.waitForFunction(() => document.querySelector('#prediction-text').dataset.digit === '1');

test('a pointer whose end never came, or a cancelled touch, leaves the pad drawing', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  await trainToTheEnd(page);
  await pointer(page, 'pointerdown', 7); // a touch whose pointerup was lost (a system gesture took it)
  await stroke(page, ONE);
  await answered(page);
  assert.equal(await page.locator('#teach').isVisible(), true, 'the mouse stroke ended: teaching is offered');

  await page.click('#clear-button');
  await pointer(page, 'pointerdown', 8);
  await pointer(page, 'pointercancel', 8); // the browser took the touch for scrolling
  await stroke(page, ONE);
  await answered(page);

  await page.click('#clear-button');
  await page.mouse.move(10, 10);
  await page.mouse.down(); // a mouse pressed outside the pad, released nowhere the page sees
  await page.mouse.up();
  await stroke(page, ONE);
  await answered(page);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a pen draws: a stroke of pen pointer events is read', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  await trainToTheEnd(page);
  await page.evaluate(() => {
    window.pointerTypes = new Set();
    document.querySelector('#pad').addEventListener('pointermove', (event) => window.pointerTypes.add(event.pointerType));
  });
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const box = await page.locator('#pad').boundingBox();
  const cdp = await page.context().newCDPSession(page);
  const pen = (type, [x, y], buttons) =>
    cdp.send('Input.dispatchMouseEvent', {
      type, x: box.x + x * box.width, y: box.y + y * box.height, button: 'left', buttons, clickCount: 1, pointerType: 'pen',
    });
  await pen('mousePressed', ONE[0], 1);
  for (const point of ONE.slice(1)) await pen('mouseMoved', point, 1);
  await pen('mouseReleased', ONE.at(-1), 0);
  await answered(page);
  assert.deepEqual([...(await page.evaluate(() => [...window.pointerTypes]))], ['pen'], 'the stroke came as a pen');
  assert.equal(await page.locator('#teach').isVisible(), true, 'the pen lifted: teaching is offered');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('narrowing the page to a phone and back reports no ResizeObserver loop', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  await page.evaluate(() => {
    window.reported = [];
    window.addEventListener('error', (event) => window.reported.push(event.message));
  });
  await trainToTheEnd(page);
  for (const width of [390, 700, 1280, 390]) {
    await page.setViewportSize({ width, height: 844 });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  }
  const width = await page.$eval('#loss-chart canvas', (canvas) => canvas.getBoundingClientRect().width);
  assert.ok(width <= 390, `the chart follows the page (${width} px)`);
  assert.deepEqual(await page.evaluate(() => window.reported), []);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a browser whose language is no valid tag ("C") still draws both charts', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'language', { get: () => 'C' }));
  const page = await openPage(shared.browser, shared.site.url, undefined, context);
  await trainToTheEnd(page);
  assert.equal(await page.evaluate(() => navigator.language), 'en', 'given a tag Intl accepts');
  assert.equal(await page.locator('#train-error').isVisible(), false);
  assert.equal(await page.locator('#loss-chart canvas').count(), 1, 'the loss chart is drawn');
  assert.equal(await page.locator('#accuracy-chart canvas').count(), 1, 'the accuracy chart is drawn');
  assert.equal(await page.getAttribute('#loss-chart', 'data-points'), '310');
  assert.deepEqual(page.problems, []);
  await context.close();
});
