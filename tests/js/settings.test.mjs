// The settings the page offers against the options the core knows: every option has a form field (of the
// right kind) in index.html and a short URL parameter, so a new option cannot be forgotten; and presets fill
// the form as a person would type them.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const { initSync, presets, Trainer } = await import(new URL('www/pkg/mnist_logreg.js', root));
const bytes = readFileSync(new URL('data/mini_mnist.npz', root));
const { PARAMETERS, settingsFromUrl } = await import(new URL('www/input/url-settings.js', root));
const { SettingsForm } = await import(new URL('www/input/settings-form.js', root));
const html = readFileSync(new URL('index.html', root), 'utf8');

before(() => initSync({ module: readFileSync(new URL('www/pkg/mnist_logreg_bg.wasm', root)) }));

/** The settings form's fields in index.html: name → { tag, type, values (a select's choices) }. */
function formFields() {
  const form = html.match(/<form id="settings"[\s\S]*?<\/form>/)[0];
  const fields = {};
  for (const [element, tag, attributes] of form.matchAll(/<(input|select)\b([^>]*)>/g)) {
    const name = attributes.match(/\bname="([^"]+)"/)?.[1];
    if (!name) continue;
    const type = attributes.match(/\btype="([^"]+)"/)?.[1];
    const rest = form.slice(form.indexOf(element));
    const values = tag === 'select' ? [...rest.slice(0, rest.indexOf('</select>')).matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]) : [];
    fields[name] = { tag, type, values };
  }
  return fields;
}

test('every option the core knows has a form field of its kind and a URL parameter', () => {
  const { homework, best } = presets();
  const fields = formFields();
  const parameters = Object.values(PARAMETERS);
  for (const [option, value] of Object.entries(homework)) {
    assert.ok(parameters.includes(option), `no URL parameter for the option ${option}`);
    const field = fields[option];
    assert.ok(field, `no form field for the option ${option} in index.html`);
    if (typeof value === 'number') {
      assert.deepEqual([field.tag, field.type], ['input', 'number'], `${option} is a number`);
    } else if (typeof value === 'boolean') {
      assert.deepEqual([field.tag, field.type], ['input', 'checkbox'], `${option} is on or off`);
    } else {
      assert.equal(field.tag, 'select', `${option} is a choice`);
      assert.ok(field.values.includes(value) && field.values.includes(best[option]), `${option} offers the presets' values`);
    }
  }
  for (const [parameter, option] of Object.entries(PARAMETERS)) {
    assert.ok(option in homework, `the URL parameter ${parameter} names ${option}, which the core does not know`);
  }
  const pageSettings = Object.keys(fields).filter((name) => !(name in homework));
  assert.deepEqual(pageSettings, ['preset', 'pace', 'compare'], 'the fields that are not options are the page\'s');
});

test('links already shared keep working: the short parameter names', () => {
  const search = '?lr=0.05&batch=128&epochs=3&seed=7&softmax=batch&wd=0.001&schedule=cosine&other=1';
  assert.deepEqual(settingsFromUrl({ search }), {
    learningRate: '0.05',
    batchSize: '128',
    epochs: '3',
    seed: '7',
    softmax: 'batch',
    weightDecay: '0.001',
    schedule: 'cosine',
  });
  assert.deepEqual(settingsFromUrl({ search: '?epochs=4' }), { epochs: '4' }, 'what it does not name is left out');
  assert.deepEqual(settingsFromUrl({ search: '?deskew=1' }), { deskew: '1' }, 'a box is carried as 1 or 0');
});

test('the core gives rates as written, so the form and the address show 0.1, not 0.10000000149011612', () => {
  const { homework, best } = presets();
  assert.equal(String(homework.learningRate), '0.1');
  assert.equal(String(best.learningRate), '0.5');
  const trainer = Trainer.fromNpz(bytes, { learningRate: 0.001, weightDecay: 0.0003 });
  const { learningRate, weightDecay } = trainer.config();
  assert.deepEqual([String(learningRate), String(weightDecay)], ['0.001', '0.0003']);
  trainer.free();
});

test('a boolean option is a checkbox: presets and links tick it, and the form reads it as true or false', () => {
  const { homework, best } = presets();
  // A stand-in for the form: a field per option, a checkbox for each boolean one.
  const elements = Object.fromEntries(
    Object.entries(homework).map(([name, value]) => [
      name,
      typeof value === 'boolean' ? { type: 'checkbox', checked: false } : { type: 'text', value: '' },
    ]),
  );
  const settings = new SettingsForm({ elements, querySelectorAll: () => [], dispatchEvent: () => true });
  settings.usePresets({ homework, best });
  settings.usePreset('best');
  assert.equal(elements.deskew.checked, true, 'Best settings tick it');
  assert.deepEqual(settings.read().options, best);
  settings.usePreset('homework');
  assert.equal(settings.read().options.deskew, false, 'Homework settings leave it off');
  settings.write({ deskew: '1' });
  assert.equal(elements.deskew.checked, true, 'deskew=1 in a link ticks it');
  settings.write({ deskew: '0' });
  assert.equal(elements.deskew.checked, false, 'deskew=0 leaves it off');
});
