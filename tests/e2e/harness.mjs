// Shared test harness: serves dist/ under a sub-path (as a static host would) and opens Debian's Chromium.
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { SUB_PATH, serveDirectory } from '../../scripts/static-site.mjs';

const require = createRequire(import.meta.url);

export const ROOT = new URL('../../', import.meta.url).pathname;
export { SUB_PATH };

/** Serves `dir` (dist/ unless given) at `SUB_PATH` on a free localhost port; resolves to { url, close }. */
export const serveStatic = (dir = join(ROOT, 'dist')) => serveDirectory(dir);

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** `url` with `pace=full` unless it names a pace: the tests train at full speed, as a visitor may choose. */
export function atFullSpeed(url) {
  if (/[?&]pace=/.test(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}pace=full`;
}

/**
 * A page that records console errors and uncaught exceptions in `page.problems`; in a new browser context
 * (fresh storage) unless one is given. It trains at full speed unless `url` names a pace.
 */
export async function openPage(browser, url, viewport = { width: 1280, height: 900 }, context = null) {
  context ??= await browser.newContext({ viewport, deviceScaleFactor: 1, acceptDownloads: true });
  const page = await context.newPage();
  url = atFullSpeed(url);
  page.problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') page.problems.push(message.text());
  });
  page.on('pageerror', (error) => page.problems.push(error.message));
  await page.goto(url);
  await page.waitForSelector('body[data-state="ready"]');
  return page;
}

/** Opens the folded parts (`details`) that hold `selector`, as a visitor would to reach it. */
export async function reveal(page, selector) {
  await page.$eval(selector, (element) => {
    for (let details = element.closest('details'); details; details = details.parentElement?.closest('details')) {
      details.open = true;
    }
  });
}

/** Sets the training setting `name` as a visitor would: the fields fold away under "Change the settings". */
export async function setting(page, name, value) {
  await reveal(page, `[name="${name}"]`);
  const field = page.locator(`[name="${name}"]`);
  if (value === true) await field.check();
  else if (value === false) await field.uncheck();
  else if ((await field.evaluate((e) => e.tagName)) === 'SELECT') await field.selectOption(String(value));
  else await field.fill(String(value));
}

/** The core's presets ({ homework, best }), read in Node from the same wasm package the page is built from. */
export async function corePresets() {
  const { core } = await import('../js/common.mjs');
  return core.presets();
}

/** The options the settings form holds, as the core's types: what a run would be made with. */
export const optionsShown = (page) =>
  page.$$eval('#settings [name]:not([name=preset]):not([name=pace]):not([name=compare])', (fields) =>
    Object.fromEntries(
      fields.map((f) => [f.name, f.type === 'checkbox' ? f.checked : f.type === 'number' ? Number(f.value) : f.value]),
    ),
  );

/** Chooses a preset ('homework', 'bug' or 'best') as a visitor would. */
export const choosePreset = (page, name) => page.check(`input[name="preset"][value="${name}"]`);

/** Resolves once the page has drawn `count` more frames: time for what is drawn at a frame, measured in frames. */
export const frames = (page, count) =>
  page.evaluate(
    (count) =>
      new Promise((resolve) => {
        const next = (left) => (left === 0 ? resolve() : requestAnimationFrame(() => next(left - 1)));
        next(count);
      }),
    count,
  );

export const number = async (page, selector) => Number(await page.getAttribute(selector, 'data-value'));

export async function trainToTheEnd(page) {
  await page.click('#train-button');
  await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
}

/** Draws a stroke through points given in 0..1 pad coordinates, with real mouse events. */
export async function stroke(page, points) {
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const box = await page.locator('#pad').boundingBox();
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const point of points.slice(1)) await page.mouse.move(...at(point), { steps: 3 });
  await page.mouse.up();
}

export const line = (from, to, n = 12) =>
  Array.from({ length: n + 1 }, (_, i) => [from[0] + ((to[0] - from[0]) * i) / n, from[1] + ((to[1] - from[1]) * i) / n]);
export const ellipse = (cx, cy, rx, ry, n = 36) =>
  Array.from({ length: n + 1 }, (_, i) => [cx + rx * Math.sin((2 * Math.PI * i) / n), cy - ry * Math.cos((2 * Math.PI * i) / n)]);


/** The entries of a zip archive (as an .npz is), inflated: { name: Buffer }. Enough zip for tests. */
export function unzip(buffer) {
  const { inflateRawSync } = require('node:zlib');
  const end = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  const entries = {};
  for (let i = 0; i < count; i += 1) {
    const method = buffer.readUInt16LE(at + 10);
    const size = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const skip = nameLength + buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLength);
    const local = buffer.readUInt32LE(at + 42);
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(start, start + size);
    entries[name] = method === 8 ? inflateRawSync(data) : data;
    at += 46 + skip;
  }
  return entries;
}

/** The header dictionary of a .npy file, as text. */
export function npyHeader(npy) {
  const length = npy[6] === 1 ? npy.readUInt16LE(8) : npy.readUInt32LE(8);
  return npy.toString('latin1', npy[6] === 1 ? 10 : 12, (npy[6] === 1 ? 10 : 12) + length);
}

/** Serves dist/ and opens the browser before a test file's tests, and closes both after: `{ site, browser }`. */
export function siteAndBrowser() {
  const shared = {};
  before(async () => {
    shared.site = await serveStatic();
    shared.browser = await launchBrowser();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.site?.close();
  });
  return shared;
}
