// A data set of the full MNIST's size (60,000 + 10,000 images) loads while the page goes on: a progress line
// says how far it has got and frames are drawn meanwhile (at a phone's speed), then the new data is in use.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { ROOT, openPage, siteAndBrowser, unzip } from './harness.mjs';

const shared = siteAndBrowser();

/** A .npy of uint8 values with `shape`. */
function npy(values, shape) {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${dims}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n'; // numpy pads the header to 64 bytes
  const prefix = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(prefix);
  prefix.writeUInt8(1, 6);
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), values]);
}

/** An uncompressed zip archive (an .npz as `np.savez` writes it) of `entries`: { name: Buffer }. */
function storedZip(entries) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const fields = Buffer.alloc(26);
    fields.writeUInt16LE(20, 0); // version needed
    fields.writeUInt32LE(crc32(data), 10);
    fields.writeUInt32LE(data.length, 14);
    fields.writeUInt32LE(data.length, 18);
    fields.writeUInt16LE(name.length, 22);
    const local = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), fields, Buffer.from(name)]);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    fields.copy(entry, 6, 0, 26);
    entry.writeUInt32LE(offset, 42);
    central.push(Buffer.concat([entry, Buffer.from(name)]));
    locals.push(local, data);
    offset += local.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length, 8);
  end.writeUInt16LE(central.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** `values` (samples of `width` bytes each) repeated until there are `samples` of them. */
function repeated(values, samples, width) {
  const out = Buffer.alloc(samples * width);
  for (let at = 0; at < out.length; at += values.length) values.copy(out, at);
  return out;
}

test('a full-size data set loads in slices: a progress line and frames meanwhile, then it is in use', async () => {
  const bundled = unzip(readFileSync(`${ROOT}data/mini_mnist.npz`));
  // The bundled digits (uint8, headers of version 1) repeated to the full MNIST's size, uncompressed.
  const valuesOf = (name) => bundled[`${name}.npy`].subarray(10 + bundled[`${name}.npy`].readUInt16LE(8));
  const archive = storedZip({
    'X_train.npy': npy(repeated(valuesOf('X_train'), 60_000, 784), [60_000, 784]),
    'y_train.npy': npy(repeated(valuesOf('y_train'), 60_000, 1), [60_000]),
    'X_test.npy': npy(repeated(valuesOf('X_test'), 10_000, 784), [10_000, 784]),
    'y_test.npy': npy(repeated(valuesOf('y_test'), 10_000, 1), [10_000]),
  });
  const page = await openPage(shared.browser, shared.site.url, { width: 1280, height: 900 });
  // A phone's speed, so that loading takes a while and says how far it has got several times.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  const folder = mkdtempSync(join(tmpdir(), 'mnist-logreg-'));
  const file = join(folder, 'full-size.npz'); // Playwright hands files over 50 MB to the page by path
  writeFileSync(file, archive);
  // What the page shows while it reads, and how many frames it has drawn by each progress line.
  await page.evaluate(() => {
    const seen = (window.whileLoading = { texts: [], framesAt: [], frames: 0 });
    const line = document.querySelector('#data-loading');
    new MutationObserver(() => {
      const text = line.textContent.trim();
      if (line.hidden || text === seen.texts.at(-1)) return;
      seen.texts.push(text);
      seen.framesAt.push(seen.frames);
    }).observe(line, { attributes: true, subtree: true, characterData: true, childList: true });
    const frame = () => {
      if (!line.hidden) seen.frames += 1;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  await page.setInputFiles('#file-input', file);
  after(() => rmSync(folder, { recursive: true })); // the page reads the file after the input changes
  await page.waitForFunction(() => window.whileLoading.texts.length > 0, null, { timeout: 60_000 });
  await page.waitForFunction(() => document.querySelector('#data-loading').hidden, null, { timeout: 60_000 });
  const { texts, framesAt } = await page.evaluate(() => window.whileLoading);
  assert.match(texts[0], /^Reading full-size\.npz… \d+ %$/);
  assert.ok(texts.length >= 3, `it says how far it has got as it goes: ${texts}`);
  // The reading yields to the browser between slices, so frames keep coming: the page draws between one
  // progress line and the next (how many frames a second is the benchmark's to say, not a test's).
  const between = framesAt.slice(1).map((frames, i) => frames - framesAt[i]);
  assert.ok(between.every((frames) => frames > 0), `frames drawn between the progress lines: ${between}`);
  assert.equal(
    await page.textContent('#data-summary'),
    'full-size.npz: 60,000 training and 10,000 test images of 28×28.',
  );
  assert.equal(await page.isEnabled('#train-button'), true);
  assert.deepEqual(page.problems, []);
});
