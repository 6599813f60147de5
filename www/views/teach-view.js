// "Wrong? It is a …": ten buttons that teach the model what the drawing on the pad is, the keys that do the
// same, and a line that says what the last teaching did, with a button that undoes it. The visitor's
// drawings it learned are listed by corrections-view.js.
import { aDigit } from '../page-text.js';

export class TeachView {
  /**
   * @param {object} elements `group` (shown while teaching is offered), `buttons` (where the ten go), `status`
   *   (the line saying what the last teaching did; the view fills it)
   * @param {(digit: number) => void} onTeach called with the digit the visitor says the drawing is
   * @param {() => void} onUndo called when the visitor undoes the last lesson
   */
  constructor({ group, buttons, status }, onTeach, onUndo) {
    this.group = group;
    this.status = status;
    buttons.replaceChildren(
      ...Array.from({ length: 10 }, (_, digit) => {
        const button = Object.assign(document.createElement('button'), { type: 'button', textContent: String(digit) });
        button.dataset.digit = String(digit);
        button.setAttribute('aria-label', `It is ${aDigit(digit)}: teach the model`);
        button.addEventListener('click', () => onTeach(digit));
        return button;
      }),
    );
    group.append(keysHint());
    // The status line holds the message and the Undo button, made once: a render only shows or hides them.
    this.message = Object.assign(document.createElement('span'), { className: 'teach-message' });
    this.undo = Object.assign(document.createElement('button'), { type: 'button', className: 'undo', textContent: 'Undo', hidden: true });
    this.undo.addEventListener('click', () => onUndo());
    status.replaceChildren(this.message, this.undo);
  }

  /**
   * Offers the buttons (`offered`) or not, and shows `status`, what the last teaching did (empty: nothing),
   * with the Undo button when that lesson may be undone (`undoable`).
   */
  show(offered, status, undoable = false) {
    if (this.group.hidden !== !offered) this.group.hidden = !offered;
    if (this.message.textContent !== status) this.message.textContent = status;
    if (this.undo.hidden !== !(undoable && status)) this.undo.hidden = !(undoable && status);
    if (this.status.hidden !== !status) this.status.hidden = !status;
  }
}

/** The line under the buttons that says the keys teach too: "or press 0–9 while the pad has focus". */
function keysHint() {
  const hint = Object.assign(document.createElement('p'), { className: 'teach-keys hint' });
  const key = (text) => Object.assign(document.createElement('kbd'), { textContent: text });
  hint.append('or press ', key('0'), '–', key('9'), ' while the pad has focus');
  return hint;
}
