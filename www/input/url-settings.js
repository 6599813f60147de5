// The training settings in the page's address, so a link shares them:
// ?lr=0.1&batch=256&epochs=10&seed=0&softmax=row&wd=0&schedule=constant&deskew=0
// The short names are kept as they are: links already shared use them. tests/js/settings.test.mjs checks
// that every option the core knows has one.

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

/** The settings the address carries, as form field values (strings); fields it does not name are left out. */
export function settingsFromUrl(location = window.location) {
  const query = new URLSearchParams(location.search);
  const settings = {};
  for (const [parameter, field] of Object.entries(PARAMETERS)) {
    if (query.has(parameter)) settings[field] = query.get(parameter);
  }
  return settings;
}

/** Puts the form's current values into the address (replacing the history entry, not adding one). */
function settingsToUrl(form) {
  const query = new URLSearchParams(window.location.search);
  for (const [parameter, name] of Object.entries(PARAMETERS)) {
    const field = form.elements[name];
    query.set(parameter, field.type === 'checkbox' ? (field.checked ? '1' : '0') : field.value);
  }
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
 * `copyButton` copies the link, and `notify(text)` says whether it could.
 */
export function linkSettingsToUrl(settings, copyButton, notify) {
  const { form } = settings;
  settings.write(settingsFromUrl());
  form.addEventListener('input', () => settingsToUrl(form));
  form.addEventListener('submit', (event) => event.preventDefault());
  copyButton.addEventListener('click', async () => {
    settingsToUrl(form);
    const copied = await copyLink();
    notify(copied ? 'Link copied: it opens this page with these settings.' : `Share this link: ${location.href}`);
  });
}
