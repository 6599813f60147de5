// Small helpers for the page's text: finding elements, formatting numbers, showing figures and notices.

export const $ = (id) => document.getElementById(id);

export const percent = (value) => `${(value * 100).toFixed(1)} %`;

export const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });

/** Shows a figure as text, and its exact value in `data-value` (for tests and assistive reading). */
export function setStat(id, text, value) {
  const element = $(id);
  element.textContent = text;
  if (value === undefined) delete element.dataset.value;
  else element.dataset.value = String(value);
}

/** The line under the training buttons that says what happened to the model; empty hides it. */
export function showNotice(text) {
  $('model-notice').textContent = text;
  $('model-notice').hidden = !text;
}
