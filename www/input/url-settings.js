// The training settings in the page's address, so a link shares them:
// ?lr=0.1&batch=256&epochs=10&seed=0&softmax=row&wd=0&schedule=constant&deskew=0&pace=watch
// The short names are kept as they are: links already shared use them. tests/js/settings.test.mjs checks
// that every option the core knows has one. `pace` is the page's: watch the curves form, or full speed.

/** URL parameter → option (and form field) name. */
export const PARAMETERS = {
  lr: 'learningRate',
  batch: 'batchSize',
  epochs: 'epochs',
  seed: 'seed',
  softmax: 'softmax',
  wd: 'weightDecay',
  schedule: 'schedule',
  deskew: 'deskew', // a checkbox: 1 on, 0 or absent off (links from before it existed leave it off)
};

/** The page's own settings in the address, by the same name as their form fields. */
const PAGE_PARAMETERS = ['pace'];

/**
 * The settings the address carries, as form field values (strings); fields it does not name are left out.
 * Only the options count as a link's settings (`linked`): the pace alone does not make a model.
 */
export function settingsFromUrl(location = window.location) {
  const query = new URLSearchParams(location.search);
  const settings = {};
  for (const [parameter, field] of Object.entries(PARAMETERS)) {
    if (query.has(parameter)) settings[field] = query.get(parameter);
  }
  const linked = Object.keys(settings).length > 0;
  for (const name of PAGE_PARAMETERS) if (query.has(name)) settings[name] = query.get(name);
  return Object.defineProperty(settings, 'linked', { value: linked });
}

/** Puts the form's current values into the address (replacing the history entry, not adding one). */
function settingsToUrl(form) {
  const query = new URLSearchParams(window.location.search);
  for (const [parameter, name] of Object.entries(PARAMETERS)) {
    const field = form.elements[name];
    query.set(parameter, field.type === 'checkbox' ? (field.checked ? '1' : '0') : field.value);
  }
  for (const name of PAGE_PARAMETERS) query.set(name, form.elements[name].value);
  history.replaceState(null, '', `${window.location.pathname}?${query}${window.location.hash}`);
}

/** Copies the page's address; resolves to true when the clipboard took it. */
async function copyLink() {
  try {
    await navigator.clipboard.writeText(window.location.href);
    return true;
  } catch {
    return false;
  }
}

/**
 * Fills the `settings` form (a SettingsForm) from the address and keeps the address in step with it;
 * `copyButton` copies the link, and `notify(text)` says whether it could. Returns whether the address
 * carried training settings.
 */
export function linkSettingsToUrl(settings, copyButton, notify) {
  const { form } = settings;
  const linked = settingsFromUrl();
  settings.write(linked);
  form.addEventListener('input', () => settingsToUrl(form));
  form.addEventListener('submit', (event) => event.preventDefault());
  copyButton.addEventListener('click', async () => {
    settingsToUrl(form);
    const copied = await copyLink();
    notify(copied ? 'Link copied: it opens this page with these settings.' : `Share this link: ${location.href}`);
  });
  return linked.linked;
}
