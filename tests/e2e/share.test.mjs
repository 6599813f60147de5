// Share what you taught: a sender trains, teaches three drawings its model misread and shares; a receiver in
// a fresh browser opens the link and its model reads them as taught, scoring what the sender's does. Links
// cut short, altered, too long or made to harm are refused, and the receiver's kept model stays theirs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { ellipse, line, number, openPage, reveal, setting, siteAndBrowser, stroke, trainToTheEnd } from './harness.mjs';

const shared = siteAndBrowser();

const ONE = line([0.5, 0.15], [0.5, 0.85]);
const ZERO = ellipse(0.5, 0.5, 0.22, 0.32);
const SEVEN = line([0.3, 0.2], [0.7, 0.2]).concat(line([0.7, 0.2], [0.42, 0.85]));
const KEPT = 'mnist-logreg:last-model';

/** The digit the prediction panel shows, once it shows one. */
async function reading(page, points) {
  await page.click('#clear-button');
  await page.waitForFunction(() => document.querySelector('#prediction-text').dataset.digit === '');
  await stroke(page, points);
  await page.waitForFunction(() => document.querySelector('#prediction-text').dataset.digit !== '');
  return page.$eval('#prediction-text', (e) => e.dataset.digit);
}

const notice = (page) => page.textContent('#model-notice');
const drawings = (page) => page.$$eval('#corrections-list li', (items) => items.map((item) => item.textContent.replace('×', '')));
const keptModel = (page) => page.evaluate((key) => localStorage.getItem(key), KEPT);

/** A page opened at `link` (its fragment kept behind the pace), waiting until the shared link is dealt with. */
async function openLink(browser, link, context) {
  const [address, fragment] = link.split('#');
  const page = await openPage(browser, `${address}?pace=full#${fragment}`, undefined, context);
  await page.waitForFunction(() => /^(A model shared with you|The shared link was not opened)/.test(document.querySelector('#model-notice').textContent));
  return page;
}

/** The payload inside `link` (inflated), and a link to `payload` on the same page (sealed with a new CRC-32 if `seal`). */
const payloadOf = (link) => inflateRawSync(Buffer.from(link.split('#share=')[1], 'base64url'));
function linkTo(link, payload, seal = true) {
  const body = seal ? Buffer.concat([payload.subarray(0, -4), Buffer.alloc(4)]) : payload;
  if (seal) body.writeUInt32LE(crc32(body.subarray(0, -4)), body.length - 4);
  return `${link.split('#')[0]}#share=${deflateRawSync(body).toString('base64url')}`;
}

/** Where a payload's drawing count is (see src/train/shared.rs). */
function drawingCountAt(payload) {
  let at = 2;
  for (let i = 0; i < payload[1]; i += 1) at += 1 + payload[at] + 8;
  return at + 2 + 2 * 10 * 4 + 10 * 784;
}

let link; // the sender's, for the tests after the first
let sender; // { accuracy, read: the three drawings as the sender's model reads them }

test('a receiver opens a shared link: the same settings, drawings, readings and score', async () => {
  const context = await shared.browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(shared.site.url).origin });
  const page = await openPage(shared.browser, shared.site.url, undefined, context);
  await trainToTheEnd(page); // the default settings: with the best ones, a lesson can undo an earlier one

  // Three drawings taught as digits the model did not read them as.
  const taught = [];
  for (const [points, label] of [[ONE, '7'], [ZERO, '6'], [SEVEN, '3']]) {
    assert.notEqual(await reading(page, points), label, 'the model misreads it before it is taught');
    await page.click(`#teach-buttons button[data-digit="${label}"]`);
    assert.match(await page.textContent('#teach-status .teach-message'), /^Learnt/);
    taught.push(label);
  }
  sender = { accuracy: await number(page, '#stat-test-accuracy'), read: [] };
  for (const points of [ONE, ZERO, SEVEN]) sender.read.push(await reading(page, points));
  assert.deepEqual(sender.read, taught);

  await reveal(page, '#share-button');
  await page.click('#share-button');
  await page.waitForFunction(() => document.querySelector('#model-status').textContent.startsWith('Link copied'));
  assert.match(await page.textContent('#model-status'), /^Link copied \(the model and 3 drawings, \d+\.\d KB\): whoever opens it gets this model\.$/);
  const inView = await page.$eval('#model-status', (line) => {
    const box = line.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  });
  assert.ok(inView, 'said beside the button, in view');
  link = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(link, /^http:\/\/[^#?]+\/#share=[A-Za-z0-9_-]+$/, 'everything is in the fragment');
  console.log(`a link with the model and 3 drawings: ${link.length} characters`);
  assert.ok(link.length < 16_000);
  assert.deepEqual(page.problems, []);
  await context.close();

  const receiver = await openLink(shared.browser, link);
  assert.match(await notice(receiver), /^A model shared with you: “The homework, fixed”, 3 taught drawings\. It reads \d+\.\d % of this test set; draw a digit to try it\.$/);
  assert.ok(!(await receiver.evaluate(() => location.hash)), 'the fragment is taken out of the address');
  assert.deepEqual(await drawings(receiver), taught, 'listed like the visitor’s own');
  assert.equal(await receiver.isChecked('input[name="preset"][value="homework"]'), true);
  const accuracy = await number(receiver, '#stat-test-accuracy');
  assert.ok(Math.abs(accuracy - sender.accuracy) <= 0.005, `test accuracy: sender ${sender.accuracy}, receiver ${accuracy}`);
  for (const [i, points] of [ONE, ZERO, SEVEN].entries()) assert.equal(await reading(receiver, points), taught[i]);
  // With no model of their own, the receiver keeps the shared one: a reload brings it back.
  await receiver.waitForFunction((key) => localStorage.getItem(key) !== null, KEPT);
  assert.ok(await keptModel(receiver), 'kept');
  await receiver.reload();
  await receiver.waitForSelector('body[data-state="ready"]');
  await receiver.waitForFunction(() => document.querySelector('#model-notice').textContent.startsWith('Loaded the model kept'));
  assert.deepEqual(await drawings(receiver), taught, 'back after a reload');
  // Each drawing removable.
  await receiver.click('#corrections-list button >> nth=0');
  assert.deepEqual(await drawings(receiver), taught.slice(1));
  assert.deepEqual(receiver.problems, []);
  await receiver.context().close();
});

test('a receiver with a model of their own keeps it, and bad links are refused with the page working', async () => {
  assert.ok(link, 'the first test made a link');
  const page = await openPage(shared.browser, shared.site.url);
  await setting(page, 'epochs', '2');
  await trainToTheEnd(page);
  const own = await keptModel(page);
  const ownAccuracy = await number(page, '#stat-test-accuracy');
  assert.ok(own);
  const context = page.context();

  const receiving = await openLink(shared.browser, link, context);
  assert.match(await notice(receiving), /^A model shared with you: .* Your own model \(\d+\.\d %\) is still kept in this browser, and reloading the page brings it back; it is replaced only if you train or teach\.$/);
  assert.equal(await keptModel(receiving), own);
  assert.ok(Math.abs((await number(receiving, '#stat-test-accuracy')) - sender.accuracy) <= 0.005);

  const payload = payloadOf(link);
  const count = drawingCountAt(payload.subarray(0, -4));
  const withLabel = (value) => {
    const changed = Buffer.from(payload);
    changed[count + 1] = value;
    return changed;
  };
  const fiftyOne = Buffer.concat([payload.subarray(0, count), Buffer.from([51]), Buffer.alloc(48, 1), payload.subarray(count + 1, -4), Buffer.alloc(48 * 784 + 4)]);
  const fragment = link.split('#share=')[1];
  const bad = {
    'cut short': [link.slice(0, link.length - 200), /This link is incomplete or damaged \(perhaps cut short when it was copied\): ask for the whole link again\./],
    'a character changed': [`${link.slice(0, -600)}${fragment.at(-600) === 'A' ? 'B' : 'A'}${link.slice(-599)}`, /This link (is damaged|was altered)/],
    'not base64url': [`${link}%20!`, /incomplete or damaged \(perhaps cut short, or changed, when it was copied\)/],
    'a weight byte changed': [linkTo(link, Object.assign(Buffer.from(payload), { [count - 100]: payload[count - 100] ^ 1 }), false), /This link was altered or cut short/],
    'a label out of range': [linkTo(link, withLabel(12)), /Drawing 0 of this link is labelled 12/],
    'more than 50 drawings': [linkTo(link, fiftyOne), /This link holds 51 drawings; a link may hold at most 50/],
    'a deflate bomb': [`${link.split('#')[0]}#share=${deflateRawSync(Buffer.alloc(20_000_000)).toString('base64url')}`, /unpacks to more than 128 KB/],
    'too long': [`${link.split('#')[0]}#share=${'A'.repeat(70_000)}`, /This link is 68 KB long; a shared link is at most 64 KB\./],
  };
  for (const [name, [address, reason]] of Object.entries(bad)) {
    const refused = await openLink(shared.browser, address, context);
    const text = await notice(refused);
    assert.match(text, /^The shared link was not opened\. /, name);
    assert.match(text, reason, name);
    assert.match(text, /The page opened as usual; nothing you kept has changed\./, name);
    assert.equal(await keptModel(refused), own, `${name}: the kept model is intact`);
    assert.equal(await number(refused, '#stat-test-accuracy'), ownAccuracy, `${name}: the visitor's own model is back`);
    assert.equal(await refused.isDisabled('#train-button'), false, `${name}: the page works`);
    assert.deepEqual(refused.problems, [], name);
    await refused.close();
  }
  await context.close();
});

test('a shared link opens from the offline cache too', async () => {
  assert.ok(link, 'the first test made a link');
  const page = await openPage(shared.browser, shared.site.url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const context = page.context();
  await context.setOffline(true);
  const offline = await openLink(shared.browser, link, context);
  assert.match(await notice(offline), /^A model shared with you: “The homework, fixed”, 3 taught drawings\./);
  assert.deepEqual(await drawings(offline), ['7', '6', '3']);
  assert.equal(await reading(offline, ONE), '7');
  await context.close();
});
