// The settings the page offers against the options the core knows: every option has a form field (of the
// right kind) in index.html, from which the address and the notices take it; links already shared keep
// working; and presets fill the form as a person would type them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bundled as bytes, core, pageModule, readRepoFile } from './common.mjs';

const { presets, Trainer } = core;
const { parameterOf, settingsFromUrl } = await pageModule('input/url-settings.js');
const { PAGE_FIELDS, SettingsForm } = await pageModule('input/settings-form.js');
const html = readRepoFile('index.html').toString('utf8');

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

test('every option the core knows has a form field of its kind, and every other field is the page\'s', () => {
  const { homework, best } = presets();
  const fields = formFields();
  for (const [option, value] of Object.entries(homework)) {
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
  const pageSettings = Object.keys(fields).filter((name) => !(name in homework));
  assert.deepEqual(pageSettings, PAGE_FIELDS, 'the fields that are not options are the page\'s');
});

test('every option has a URL parameter of its own, its name unless a link already shared used a shorter one', () => {
  const options = Object.keys(presets().homework);
  const parameters = options.map(parameterOf);
  assert.equal(new Set([...parameters, 'pace']).size, options.length + 1, `no two share one: ${parameters}`);
  assert.deepEqual(settingsFromUrl(['someNewOption'], { search: '?someNewOption=3' }), { someNewOption: '3' });
});

test('links already shared keep working: the short parameter names', () => {
  const options = Object.keys(presets().homework);
  const search = '?lr=0.05&batch=128&epochs=3&seed=7&softmax=batch&wd=0.001&schedule=cosine&other=1';
  const linked = settingsFromUrl(options, { search });
  assert.deepEqual(linked, {
    learningRate: '0.05',
    batchSize: '128',
    epochs: '3',
    seed: '7',
    softmax: 'batch',
    weightDecay: '0.001',
    schedule: 'cosine',
  });
  assert.equal(linked.linked, true);
  assert.deepEqual(settingsFromUrl(options, { search: '?epochs=4' }), { epochs: '4' }, 'what it does not name is left out');
  assert.deepEqual(settingsFromUrl(options, { search: '?deskew=1' }), { deskew: '1' }, 'a box is carried as 1 or 0');
  const paceOnly = settingsFromUrl(options, { search: '?pace=full' });
  assert.deepEqual([paceOnly, paceOnly.linked], [{ pace: 'full' }, false], 'the pace alone is no link\'s settings');
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

test('the form names the options (every field but the page\'s) and words them by their labels', async () => {
  // A stand-in for the form's fields: a label's text nodes (strings) and elements (the field, a select's choices).
  const label = (...parts) => ({
    childNodes: parts.map((part) => (typeof part === 'string' ? { nodeType: 3, textContent: part } : { nodeType: 1, textContent: 'a choice' })),
  });
  const field = (name, ...parts) => ({ name, closest: () => label(...parts) });
  const fields = [
    field('preset'),
    field('preset'),
    field('pace'),
    field('learningRate', 'Learning rate ', {}),
    field('schedule', 'Learning rate schedule\n  ', {}, '\n'),
    field('deskew', {}, ' Straighten slanted digits'),
    field('compare', {}, ' Compare'),
    { name: '' },
  ];
  const elements = Object.assign(fields, Object.fromEntries(fields.map((f) => [f.name, f])));
  const form = new SettingsForm({ elements });
  assert.deepEqual(form.optionNames, ['learningRate', 'schedule', 'deskew']);
  const labels = form.labels();
  assert.deepEqual(labels, { learningRate: 'Learning rate', schedule: 'Learning rate schedule', deskew: 'Straighten slanted digits' });
  const { settingsText } = await pageModule('page-text.js');
  assert.equal(
    settingsText({ learningRate: 0.5, schedule: 'cosine', deskew: true, weightDecay: 0 }, labels),
    'learning rate 0.5, learning rate schedule cosine, straighten slanted digits on, weight decay 0',
    'in the order given, by label, an option without one in words',
  );
});
