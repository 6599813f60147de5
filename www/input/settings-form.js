// The training settings form: the presets (the main choice), the pace, and the fields they fill, which fold
// away under "Change the settings". It reads and validates the fields into the options `Trainer.fromNpz`
// takes, shows a model's options when the model changes, and locks while a run uses them. The options and
// their defaults come from the core (`presets()`); a boolean option is a checkbox. `preset`, `compare` and
// `pace` are settings of the page, not options: every other named field is an option, by its name.
import { sameOptions } from '../options.js';
import { settingsText } from '../page-text.js';

/** The form's fields that are the page's own settings rather than the core's options. */
export const PAGE_FIELDS = ['preset', 'pace', 'compare'];

/** A field's label in words: the text of its `label`, not that of the field (a select's choices). */
function fieldLabel(field) {
  const label = field.closest?.('label');
  if (!label) return field.name;
  const words = [...label.childNodes].filter((node) => node.nodeType === 3 /* text */).map((node) => node.textContent);
  return words.join(' ').trim() || field.name;
}

/** The homework with its bug: the fixed homework's settings, the softmax over the whole batch. */
const withBug = (homework) => ({ ...homework, softmax: 'batch' });


/** Full speed, or a pace slow enough to watch the curves form. */
export const PACES = ['watch', 'full'];

export class SettingsForm {
  /**
   * @param {HTMLFormElement} form with a field named after each option, radios `preset` (homework | bug |
   *   best | custom) and `pace`, the `compare` box, and optionally a `details` that folds the fields and an
   *   `explain` box that shows each field's sentence
   */
  constructor(form) {
    this.form = form;
    this.presets = null;
    this.shownOptions = null;
  }

  /**
   * Takes the core's presets ({ homework, best }): choosing a preset fills the fields with it, and the
   * types of its values say which fields hold numbers and which are on or off.
   */
  usePresets({ homework, best }) {
    this.presets = { homework, bug: withBug(homework), best };
    const { elements } = this.form;
    this.form.addEventListener?.('change', (event) => {
      if (event.target.name === 'preset' && event.target.value !== 'custom') this.usePreset(event.target.value);
      if (event.target === elements.explain) this.form.classList.toggle('explaining', elements.explain.checked);
    });
    this.form.addEventListener?.('input', (event) => {
      if (event.target.name !== 'preset' && event.target.name !== 'pace') this.markPreset();
    });
    this.markPreset();
    if (this.presetName() === 'custom') this.unfold(); // a link whose settings match no preset shows them
  }

  /** Fills the form with preset `name` ('homework', 'bug' or 'best'). */
  usePreset(name) {
    this.write(this.presets[name]);
    this.form.dispatchEvent(new Event('input')); // as if typed, so what follows the form (the address) does
  }

  /** The preset the fields hold now, or 'custom'. */
  presetName() {
    const { options } = this.read();
    return Object.keys(this.presets ?? {}).find((name) => sameOptions(this.presets[name], options)) ?? 'custom';
  }

  /** Ticks the preset the fields hold ('Your own settings' when none). */
  markPreset() {
    const radios = this.form.elements.preset;
    if (!radios || !this.presets) return;
    const name = this.presetName();
    radios.value = name;
    const custom = [...radios].find((radio) => radio.value === 'custom');
    if (custom) custom.closest('label').hidden = name !== 'custom';
    // The line under the presets says what the ticked one is (each choice holds its line in data-hint).
    const hint = this.form.querySelector?.('#preset-hint');
    const chosen = [...radios].find((radio) => radio.value === name)?.closest('label');
    if (hint && chosen?.dataset.hint) hint.textContent = chosen.dataset.hint;
  }

  /** Opens the folded fields. */
  unfold() {
    const details = this.form.querySelector?.('details');
    if (details) details.open = true;
  }

  /** The options the form has fields for, in its order, before the core is loaded: the fields not in PAGE_FIELDS. */
  get optionNames() {
    const names = [...this.form.elements].map((field) => field.name).filter((name) => name && !PAGE_FIELDS.includes(name));
    return [...new Set(names)];
  }

  /**
   * `options` in words for a visitor: the name of the preset they are ("“The best settings”"), else each
   * setting with its label (settingsText).
   */
  describe(options) {
    const preset = Object.keys(this.presets ?? {}).find((name) => sameOptions(this.presets[name], options));
    const choice = preset && this.form.querySelector?.(`input[name="preset"][value="${preset}"]`)?.closest('label');
    const name = choice?.querySelector('.choice-name')?.textContent;
    return name ? `“${name}”` : settingsText(options, this.labels());
  }

  /** Each option's label in words, as the form shows it: option → label. */
  labels() {
    return Object.fromEntries(this.optionNames.map((name) => [name, fieldLabel(this.form.elements[name])]));
  }

  /** Whether compare mode is on: also train the other softmax alongside. */
  get compare() {
    return this.form.elements.compare.checked;
  }

  /** 'watch' (slow enough to see the curves form) or 'full' (as fast as it can). */
  get pace() {
    return this.form.elements.pace?.value === 'full' ? 'full' : 'watch';
  }

  /** The form's options, or `{ error, input }` naming the first invalid field in words. */
  read() {
    if (!this.presets) return { error: 'The page is still loading.' };
    for (const input of this.form.querySelectorAll('input')) {
      if (!input.checkValidity()) {
        return { error: `${fieldLabel(input)}: ${input.validationMessage}`, input };
      }
    }
    const options = {};
    for (const [name, value] of Object.entries(this.presets.homework)) {
      const field = this.form.elements[name];
      if (typeof value === 'boolean') options[name] = field.checked;
      else options[name] = typeof value === 'number' ? Number(field.value) : field.value;
    }
    return { options };
  }

  /**
   * Puts values (options, or the address's strings) into the fields of the same names; a checkbox is ticked
   * by true or the address's '1' (or 'true'); the pace takes 'watch' or 'full'.
   */
  write(values) {
    for (const [name, value] of Object.entries(values)) {
      const field = this.form.elements[name];
      if (field?.type === 'checkbox') field.checked = value === true || value === '1' || value === 'true';
      else if (name === 'pace') field.value = PACES.includes(value) ? value : 'watch';
      else if (field) field.value = String(value);
    }
    this.markPreset();
  }

  /**
   * Shows the options of the model in use (when they change): the form, and so the address and a copied
   * link, always say how the model was made. Null (a model whose file did not say) leaves the form as it is.
   */
  show(options) {
    if (!options || options === this.shownOptions) return;
    this.shownOptions = options;
    if (sameOptions(options, this.read().options)) return;
    this.write(options);
    this.form.dispatchEvent(new Event('input'));
  }

  /** Enables or disables every setting, so they cannot change under a running training. */
  lock(locked) {
    for (const field of this.form.querySelectorAll('input, select')) field.disabled = locked;
  }
}
