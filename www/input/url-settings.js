// The training settings in the page's address, so a link shares them:
// ?lr=0.1&batch=256&epochs=10&seed=0&softmax=row&wd=0&schedule=constant&deskew=0&pace=watch
// Every option the form has a field for is carried, by its own name but for the first ones, whose short
// names links already shared use. `pace` is the page's: watch the curves form, or full speed.

/** The short names of links already shared; any other option is in the address by its own name. */
const SHORT_NAMES = { learningRate: 'lr', batchSize: 'batch', weightDecay: 'wd' };

/** The URL parameter that carries `option`. */
export const parameterOf = (option) => SHORT_NAMES[option] ?? option;

/** The page's own settings in the address, by the same name as their form fields. */
const PAGE_PARAMETERS = ['pace'];

/**
 * The settings the address carries, as form field values (strings) by option name (`options`: the names
 * of the fields); fields it does not name are left out. Only the options count as a link's settings
 * (`linked`): the pace alone does not make a model. A box is carried as 1 or 0.
 */
export function settingsFromUrl(options, location = window.location) {
  const query = new URLSearchParams(location.search);
  const settings = {};
  for (const option of options) {
    if (query.has(parameterOf(option))) settings[option] = query.get(parameterOf(option));
  }
  const linked = Object.keys(settings).length > 0;
  for (const name of PAGE_PARAMETERS) if (query.has(name)) settings[name] = query.get(name);
  return Object.defineProperty(settings, 'linked', { value: linked });
}

/** Puts the form's current values into the address (replacing the history entry, not adding one). */
function settingsToUrl(form, options) {
  const query = new URLSearchParams(window.location.search);
  for (const option of options) {
    const field = form.elements[option];
    query.set(parameterOf(option), field.type === 'checkbox' ? (field.checked ? '1' : '0') : field.value);
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
  const { form, optionNames } = settings;
  const linked = settingsFromUrl(optionNames);
  settings.write(linked);
  form.addEventListener('input', () => settingsToUrl(form, optionNames));
  form.addEventListener('submit', (event) => event.preventDefault());
  copyButton.addEventListener('click', async () => {
    settingsToUrl(form, optionNames);
    const copied = await copyLink();
    notify(copied ? 'Link copied: it opens this page with these settings.' : `Share this link: ${location.href}`);
  });
  return linked.linked;
}
