// The built page's main paths in Firefox and in WebKit (Safari's engine, as WebKitGTK's MiniBrowser), driven
// through W3C WebDriver: first load, training, a drawing read with the mouse and with a pen, teaching, a pad
// that recovers from a lost pointer, a refused file, and the page working offline after one visit. WebKit
// also runs once under a POSIX "C" locale. Every test's name starts with its engine, so a failure names it.
//
//   ENGINES=firefox node --test tests/engines/     one engine alone (firefox, webkit, or both comma-separated)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveStatic } from '../e2e/harness.mjs';
import { ENGINES, Session, startDriver } from './webdriver.mjs';

const chosen = (process.env.ENGINES ?? 'firefox,webkit').split(',').filter((name) => name in ENGINES);
const line = (from, to, n = 10) => Array.from({ length: n + 1 }, (_, i) => from.map((f, k) => f + ((to[k] - f) * i) / n));
const ONE = line([0.5, 0.15], [0.5, 0.85]);

/** The page's state (`body[data-state]`) is `state`. */
const inState = (state) => `return document.body.dataset.state === '${state}'`;
const ANSWER = "return document.querySelector('#prediction-text').dataset.digit";

/** A browser of `engine` with its driver (`env` added to the driver's environment), for one describe block. */
function browserOf(engine, env = {}) {
  const shared = {};
  before(async () => {
    shared.site = await serveStatic();
    shared.driver = await startDriver(engine, env);
    shared.session = await Session.open(shared.driver.url, ENGINES[engine].capabilities());
    await shared.session.setWindowSize(1280, 900);
  });
  after(async () => {
    await shared.session?.close().catch(() => {});
    shared.driver?.stop();
    await shared.site?.close();
  });
  return shared;
}

/** Opens the page at `url` with nothing kept from before, and waits until it can be used. */
async function freshPage(session, url) {
  await session.go(url);
  await session.run('localStorage.clear();');
  await session.go(url);
  await session.waitFor(inState('ready'), { what: 'the page ready' });
}

/** Trains at full speed to the end; the test accuracy shown. */
async function train(session) {
  await session.click('#train-button');
  await session.waitFor(inState('done'), { timeout: 60_000, what: 'training done' });
  return Number(await session.run("return document.querySelector('#stat-test-accuracy').dataset.value"));
}

for (const engine of chosen) {
  describe(engine, () => {
    const shared = browserOf(engine);

    test(`[${engine}] the page loads, trains to the homework's accuracy, and draws both charts`, async () => {
      const { session, site } = shared;
      await freshPage(session, `${site.url}?pace=full`);
      assert.match(await session.run("return document.querySelector('#data-summary').textContent"), /8,000 training/);
      assert.ok((await train(session)) >= 0.86);
      assert.equal(await session.run("return document.querySelector('#loss-chart').dataset.points"), '310');
      assert.equal(await session.run("return document.querySelectorAll('#loss-chart canvas, #accuracy-chart canvas').length"), 2);
      assert.equal(await session.run("return document.querySelector('#train-error').hidden"), true);
    });

    test(`[${engine}] a drawn 1 is read with the mouse and with ${engine === 'webkit' ? 'a pen' : 'a finger'}, and can be taught and undone`, async () => {
      const { session } = shared;
      await session.stroke('#pad', ONE, 'mouse');
      assert.equal(await session.waitFor(ANSWER, { what: 'an answer' }), '1');
      await session.click('#clear-button');
      await session.waitFor(`return !(${ANSWER.slice(7)})`, { what: 'a cleared answer' });
      if (engine === 'webkit') {
        // WebKitWebDriver delivers a pen's pointerdown and nothing after it: the pen's end never comes, and
        // the pad must not stay deaf (as it once did). The mouse draws next.
        await session.stroke('#pad', ONE, 'pen');
        await session.stroke('#pad', ONE, 'mouse');
      } else {
        await session.stroke('#pad', ONE, 'touch'); // geckodriver has no pen ("Unimplemented pointerMove")
      }
      assert.equal(await session.waitFor(ANSWER, { what: 'an answer to the second stroke' }), '1');
      await session.waitFor("return !document.querySelector('#teach').hidden", { what: 'teaching offered' });
      await session.click('#teach-buttons button[data-digit="7"]');
      await session.waitFor("return !document.querySelector('#corrections').hidden", { what: 'the taught drawing listed' });
      await session.click('#teach-status button.undo');
      await session.waitFor("return document.querySelector('#corrections').hidden", { what: 'the lesson undone' });
    });

    test(`[${engine}] after a pointer whose end never came, the pad still draws`, async () => {
      const { session } = shared;
      await session.click('#clear-button');
      await session.run(`
        const pad = document.querySelector('#pad');
        const box = pad.getBoundingClientRect();
        pad.dispatchEvent(new PointerEvent('pointerdown', { pointerId: 9, pointerType: 'touch', isPrimary: true,
          bubbles: true, clientX: box.left + 10, clientY: box.top + 10 }));`);
      await session.stroke('#pad', ONE, 'mouse');
      assert.equal(await session.waitFor(ANSWER, { what: 'an answer after the lost pointer' }), '1');
    });

    test(`[${engine}] a file that is not an .npz is refused in plain words, and the model stays`, async () => {
      const { session } = shared;
      const file = join(await mkdtemp(join(tmpdir(), 'engines-')), 'notes.txt');
      await writeFile(file, 'not a data set');
      await session.chooseFile('#file-input', file);
      const text = await session.waitFor("return !document.querySelector('#data-error').hidden && document.querySelector('#data-error').textContent", { what: 'the refusal' });
      assert.match(text, /^notes\.txt was not loaded: the page reads \.npz files/);
      assert.ok(Number(await session.run("return document.querySelector('#stat-test-accuracy').dataset.value")) >= 0.86);
    });

    test(`[${engine}] after one visit the page opens, trains and reads a drawing without its server`, async () => {
      const { session } = shared;
      const site = await serveStatic(); // a site of its own, stopped below
      const url = `${site.url}?pace=full&epochs=2`;
      try {
        // One visit, as a visitor's first: the site's own origin has nothing kept, so no clearing reload.
        // (WebKitGTK leaves a worker installing for good when its page reloads while the worker's script is
        // still loading; a second visit cannot set it going again. Measured: 2 of 4 sessions with the reload.)
        await session.go(url);
        await session.waitFor(inState('ready'), { what: 'the page ready' });
        await session.run('navigator.serviceWorker.ready.then(() => { window.workerReady = true; });');
        await session.waitFor('return window.workerReady', { timeout: 30_000, what: 'the service worker active' });
        if (!(await session.run('return navigator.serviceWorker.controller !== null'))) await session.go(url);
        await session.waitFor('return navigator.serviceWorker.controller !== null', { what: 'the service worker in control' });
      } finally {
        await site.close(); // also when the worker never came: an open server would keep the test runner alive
      }
      await session.go(url);
      await session.waitFor(inState('ready'), { what: 'the page ready offline' });
      assert.ok((await train(session)) > 0.8);
      await session.stroke('#pad', ONE);
      assert.equal(await session.waitFor(ANSWER, { what: 'an answer offline' }), '1');
    });
  });
}

if (chosen.includes('webkit')) {
  describe('webkit, "C" locale', () => {
    const shared = browserOf('webkit', { LANG: 'C', LC_ALL: 'C', LANGUAGE: '' });
    test('[webkit, "C" locale] both charts draw', async () => {
      const { session, site } = shared;
      await freshPage(session, `${site.url}?pace=full&epochs=2`);
      await train(session);
      assert.equal(await session.run("return document.querySelectorAll('#loss-chart canvas, #accuracy-chart canvas').length"), 2);
      assert.equal(await session.run("return document.querySelector('#train-error').hidden"), true);
    });
  });
}
