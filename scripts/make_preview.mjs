// The link preview (Open Graph / Twitter card) image, made by the build from the page itself: the built
// site (dist/) served from a sub-path in headless Chromium at 1200×630, a run trained and a digit drawn,
// written to dist/preview.png. `make build` runs it after Vite.
import { writeFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { serveDirectory } from './static-site.mjs';

export const PREVIEW = { file: 'preview.png', width: 1200, height: 630 };
const DIST = new URL('../dist/', import.meta.url).pathname;
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'];
const SEVEN = [[0.3, 0.2], [0.7, 0.2], [0.56, 0.5], [0.42, 0.85]];

const site = await serveDirectory(DIST.replace(/\/$/, ''));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: PREVIEW.width, height: PREVIEW.height }, deviceScaleFactor: 1 });
  await page.goto(`${site.url}?pace=full`);
  await page.waitForSelector('body[data-state="ready"]');
  await page.click('#train-button');
  await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
  const box = await page.locator('#pad').boundingBox();
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  await page.mouse.move(...at(SEVEN[0]));
  await page.mouse.down();
  for (const point of SEVEN.slice(1)) await page.mouse.move(...at(point), { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('#prediction-text').dataset.digit !== '');
  await page.mouse.move(0, 0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await writeFile(`${DIST}${PREVIEW.file}`, await page.screenshot());
} finally {
  await browser.close();
  await site.close();
}
