// Offline and installable: the service worker precaches the built site under its hashes, after one visit
// the page opens, trains and reads a drawing with no network, a new build takes over on a later visit, and
// the web app manifest is one a phone can install from. All from the harness's sub-path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build } from 'vite';
import { ROOT, frames, line, openPage, serveStatic, siteAndBrowser, stroke, trainToTheEnd } from './harness.mjs';

const shared = siteAndBrowser();
const DIST = join(ROOT, 'dist');
const ONE = line([0.5, 0.15], [0.5, 0.85]);
const WORKER_FILES = /^(sw\.js|workbox-[\w-]+\.js)$/; // the worker itself, which the browser keeps up to date
const LINK_PREVIEW = 'preview.png'; // made after the build, for the sites a link is pasted into: not the page's

/** Every file under `dir`, as paths relative to it with forward slashes. */
async function filesUnder(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'));
}

/** The precache list in a generated sw.js: [{ url, revision }]. */
async function precacheList(dir) {
  const worker = await readFile(join(dir, 'sw.js'), 'utf8');
  return [...worker.matchAll(/\{url:"([^"]+)",revision:(?:null|"([0-9a-f]+)")\}/g)].map(([, url, revision]) => ({
    url,
    revision: revision ?? null,
  }));
}

/** Waits until the page's service worker has installed (precached everything) and controls the page. */
async function untilControlled(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** The URLs in the page's caches (Workbox's precache). */
const cachedUrls = (page) =>
  page.evaluate(async () => {
    const urls = [];
    for (const name of await caches.keys()) urls.push(...(await (await caches.open(name)).keys()).map((r) => r.url));
    return urls;
  });

/** Reloads and waits until the page is ready again. */
async function reload(page) {
  await page.reload();
  await page.waitForSelector('body[data-state="ready"]');
}

const stylesheet = (page) => page.getAttribute('link[rel="stylesheet"]', 'href');

/** Width and height of a PNG, from its IHDR chunk. */
const pngSize = (png) => `${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`;

test('the worker precaches every built file: hashed assets by name, the rest by revision', async () => {
  const list = await precacheList(DIST);
  const files = (await filesUnder(DIST)).filter((f) => !WORKER_FILES.test(f) && f !== LINK_PREVIEW);
  assert.deepEqual(list.map((e) => e.url).sort(), files.sort(), 'precached: exactly the built files');
  for (const { url, revision } of list) {
    assert.ok(!url.startsWith('/'), `${url} is relative to the worker, so any sub-path works`);
    if (url.startsWith('assets/')) assert.equal(revision, null, `${url}: its hash is in its name`);
    else assert.match(revision ?? '', /^[0-9a-f]{32}$/, `${url}: a revision tells a new build's copy apart`);
  }
  for (const kind of ['.html', '.js', '.css', '.wasm', '.npz', '.webmanifest', '.png']) {
    assert.ok(list.some((e) => e.url.endsWith(kind)), `a ${kind} file is precached`);
  }
});

test('the manifest and the icons: relative start_url and scope, icons of the sizes they say', async () => {
  const manifest = JSON.parse(await readFile(join(DIST, 'manifest.webmanifest'), 'utf8'));
  assert.equal(manifest.name, 'Softmax regression on MNIST');
  assert.ok(manifest.short_name.length <= 15, 'a short name fits under an icon');
  const html = await readFile(join(DIST, 'index.html'), 'utf8');
  assert.equal(manifest.description, html.match(/<meta name="description" content="([^"]+)"/)[1]);
  assert.deepEqual([manifest.start_url, manifest.scope, manifest.display], ['./', './', 'standalone']);
  for (const icon of manifest.icons) {
    assert.equal(pngSize(await readFile(join(DIST, icon.src))), icon.sizes, icon.src);
  }
  const purposes = manifest.icons.map((i) => `${i.sizes} ${i.purpose}`);
  for (const needed of ['192x192 any', '512x512 any', '512x512 maskable']) assert.ok(purposes.includes(needed), needed);

  // The built page links them all, relative to itself.
  const links = {
    manifest: /<link rel="manifest" href="([^"]+)"/,
    icon: /<link rel="icon" href="([^"]+)" sizes="(\d+x\d+)"/,
    'apple-touch-icon': /<link rel="apple-touch-icon" href="([^"]+)"/,
  };
  for (const [name, pattern] of Object.entries(links)) {
    const [, href, sizes] = html.match(pattern) ?? assert.fail(`no ${name} link`);
    assert.match(href, /^\.\//, `${name}: ${href} is relative`);
    const file = await readFile(join(DIST, href));
    if (sizes) assert.equal(pngSize(file), sizes, name);
  }
  assert.equal(pngSize(await readFile(join(DIST, html.match(links['apple-touch-icon'])[1]))), '180x180');
  assert.match(html, new RegExp(`<meta name="theme-color" content="${manifest.theme_color}" />`));

  // Chromium reads the manifest from the sub-path without a complaint and finds the page installable.
  const page = await openPage(shared.browser, shared.site.url);
  await untilControlled(page);
  const cdp = await page.context().newCDPSession(page);
  const read = await cdp.send('Page.getAppManifest');
  assert.equal(read.url, `${shared.site.url}manifest.webmanifest`);
  assert.deepEqual(read.errors, []);
  const { startUrl, scope, id } = read.manifest;
  assert.deepEqual([startUrl, scope, id], [shared.site.url, shared.site.url, shared.site.url], 'the app is the sub-path');
  // Playwright's contexts are incognito, where Chromium installs nothing; that aside, nothing is missing.
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito'), []);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('after one visit the page opens, trains and reads a drawing without a network', async () => {
  const page = await openPage(shared.browser, shared.site.url);
  await untilControlled(page);
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  assert.equal(scope, shared.site.url, 'the worker serves the sub-path dist/ is on, and only it');

  await page.context().setOffline(true);
  const served = [];
  page.on('response', (response) => served.push([response.url(), response.fromServiceWorker()]));
  await reload(page);
  assert.ok(served.length >= 5, `the page loaded its files (${served.length})`);
  // A settings link (as Copy link makes) opens too: the worker answers any visit with index.html.
  await page.goto(`${shared.site.url}?epochs=3`);
  await page.waitForSelector('body[data-state="ready"]');
  assert.deepEqual(served.filter(([, fromWorker]) => !fromWorker), [], 'all from the service worker');

  await trainToTheEnd(page);
  assert.equal(await page.textContent('#progress-text'), 'Done: 3 epochs');
  await stroke(page, ONE);
  await page.waitForFunction(() => document.querySelector('#prediction-text').dataset.digit === '1');
  assert.deepEqual(page.problems, []);
  const probe = await page.evaluate(() => fetch('./not-precached').then(() => 'online', () => 'offline'));
  assert.equal(probe, 'offline', 'and the network really was gone');
  await page.context().close();
});

test('where service workers are missing or refused, the page works as before, without a word', async () => {
  const withoutWorkers = {
    'an old browser': () => delete Navigator.prototype.serviceWorker,
    'a refusing one': () => {
      ServiceWorkerContainer.prototype.register = () => (window.refused = Promise.reject(new DOMException('no', 'SecurityError')));
    },
  };
  for (const [browser, script] of Object.entries(withoutWorkers)) {
    const context = await shared.browser.newContext();
    await context.addInitScript(script);
    const page = await openPage(shared.browser, shared.site.url, undefined, context);
    // Once the refusal has settled, and a task later, an unhandled one would have been reported.
    const asked = await page.evaluate(async () => {
      await window.refused?.catch(() => {});
      await new Promise((resolve) => setTimeout(resolve));
      return 'refused' in window;
    });
    assert.equal(asked, browser === 'a refusing one', `${browser}: the page asked for a worker only where there are workers`);
    assert.equal(await page.evaluate(() => navigator.serviceWorker?.controller ?? null), null, browser);
    assert.deepEqual(page.problems, [], browser);
    await context.close();
  }
});

test('a new build takes over on the next visit, and that one works offline too', async () => {
  // A static host of our own, whose files can be replaced by a new build.
  const host = await mkdtemp(join(tmpdir(), 'offline-host-'));
  const nextBuild = await mkdtemp(join(tmpdir(), 'offline-next-'));
  await cp(DIST, host, { recursive: true });
  const site = await serveStatic(host);
  try {
    const page = await openPage(shared.browser, site.url);
    await untilControlled(page);
    const oldStylesheet = await stylesheet(page);

    // The next build (of the working tree, as `make test-web` has just built it) changes the style sheet:
    // a new hashed name, a new index.html and a new sw.js.
    await build({
      root: ROOT,
      configFile: join(ROOT, 'vite.config.js'),
      logLevel: 'silent',
      build: { outDir: nextBuild, emptyOutDir: true },
      plugins: [{ name: 'next-build', enforce: 'pre', transform: (code, id) => (id.endsWith('/www/styles.css') ? `${code}\n:root { --build: next; }\n` : null) }],
    });
    const newStylesheet = (await readFile(join(nextBuild, 'index.html'), 'utf8')).match(/href="(\.\/assets\/index-[\w-]+\.css)"/)[1];
    assert.notEqual(newStylesheet, oldStylesheet);
    assert.ok((await precacheList(nextBuild)).some((e) => `./${e.url}` === newStylesheet), 'the new worker precaches it');
    await rm(host, { recursive: true });
    await cp(nextBuild, host, { recursive: true });

    // The next visit is served the old build by the old worker, which the browser meanwhile replaces:
    // the new one precaches the new files, takes over and drops the old ones.
    await reload(page);
    assert.equal(await stylesheet(page), oldStylesheet, 'the page open at the time keeps what it loaded');
    const name = (href) => href.replace('./', '');
    // Taken over: the caches hold the new style sheet and no longer the old one (looked at every frame; the
    // bound is one of frames, not of time, and only stops a test that would never end).
    const tookOver = (urls) => urls.some((u) => u.endsWith(name(newStylesheet))) && !urls.some((u) => u.endsWith(name(oldStylesheet)));
    for (let frame = 0; !tookOver(await cachedUrls(page)); frame += 1) {
      assert.ok(frame < 10_000, 'the new worker takes over');
      await frames(page, 1);
    }

    await reload(page);
    assert.equal(await stylesheet(page), newStylesheet, 'the visit after gets the new build');
    const marker = () => page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--build').trim());
    assert.equal(await marker(), 'next');
    await page.context().setOffline(true);
    await reload(page);
    assert.equal(await marker(), 'next', 'and has it without a network');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  } finally {
    await site.close();
    await rm(host, { recursive: true, force: true });
    await rm(nextBuild, { recursive: true, force: true });
  }
});
