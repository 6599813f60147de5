// Accessibility: axe-core's WCAG 2.0/2.1 A and AA rules (and its best practices) find nothing on the built page,
// on a desktop and on a phone, before and after training, with a drawing explained and taught, and comparing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { line, openPage, setting, siteAndBrowser, stroke, trainToTheEnd } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const OPTIONS = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  resultTypes: ['violations'],
};

const shared = siteAndBrowser();

/** Runs axe on the whole page; adds to `found` a report of every violation and where. */
async function check(page, state, found) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const { violations } = await page.evaluate((options) => window.axe.run(document, options), OPTIONS);
  const report = violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ')}`).join('\n')}`)
    .join('\n');
  if (violations.length) found.push(`${state}: ${violations.length} axe violations\n${report}`);
}

/** Draws a 1 and waits for the model's answer. */
async function drawOne(page) {
  await page.click('#clear-button');
  await stroke(page, line([0.5, 0.15], [0.5, 0.85]));
  await page.waitForFunction(() => document.querySelector('#prediction-text').dataset.digit !== '');
}

for (const [name, viewport] of [
  ['desktop', { width: 1280, height: 900 }],
  ['phone', { width: 390, height: 800 }],
]) {
  test(`axe finds no WCAG 2 A/AA violations (${name}, ${viewport.width} px)`, async () => {
    // axe is injected as a script: only these tests bypass the page's Content-Security-Policy.
    const context = await shared.browser.newContext({ viewport, deviceScaleFactor: 1, bypassCSP: true });
    const page = await openPage(shared.browser, shared.site.url, viewport, context);
    const found = [];
    await check(page, 'before training', found);

    await setting(page, 'epochs', '2');
    await trainToTheEnd(page);
    await page.locator('#weights-panel').scrollIntoViewIfNeeded();
    await page.locator('#results-panel').scrollIntoViewIfNeeded();
    await page.waitForSelector('#mistakes .mistake');
    await check(page, 'after training', found);

    await drawOne(page);
    await page.click('#why summary');
    await page.locator('#why-body').waitFor({ state: 'visible' });
    await check(page, 'a drawing, and why', found);
    await page.click('#teach-buttons button[data-digit="7"]');
    await page.waitForSelector('#corrections-list button');
    await check(page, 'a drawing taught', found);

    await setting(page, 'compare', true);
    await trainToTheEnd(page);
    await page.locator('#charts-title').scrollIntoViewIfNeeded();
    await check(page, 'comparing', found);
    assert.deepEqual(found, [], found.join('\n'));
    assert.deepEqual(page.problems, []);
    await context.close();
  });
}
