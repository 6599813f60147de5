// The training panel: the buttons as the phase allows them, the progress bar and line, the figures (test and
// train accuracy, the last mini-batch's loss, speed) and the lines that say what happened to the model.
import { showText } from '../dom/show-text.js';
import { compact, percent, progressText, taughtDrawings } from '../page-text.js';

/** Shows a figure as text, and its exact value in `data-value` (for tests and assistive reading). */
function setFigure(element, text, value) {
  if (element.textContent !== text) element.textContent = text; // the same text again would still relayout
  if (value === undefined) delete element.dataset.value;
  else element.dataset.value = String(value);
}

const SLOWED = 'Slowed on purpose, so that you can watch it learn. Full speed trains as fast as it can.';

export class TrainingView {
  /**
   * @param {object} elements `page` (gets `data-state`), `buttons` ({ train, pause, reset, save }),
   *   `progress`, `progressText`, `figures` ({ testAccuracy, trainAccuracy, loss, speed }), `error`, `notice`,
   *   `comparison`, `curvesNote` (why the charts are empty), `drawings` (the line that says training includes the visitor's drawings), `confirmReset`
   *   ({ panel, text, confirm }: Reset's question before it forgets them)
   */
  constructor(elements) {
    this.elements = elements;
    this.shownPhase = '';
  }

  /** The buttons for `phase` (loading | ready | running | paused | done), given whether there is a model. */
  showPhase(phase, trained) {
    if (this.shownPhase === `${phase} ${trained}`) return;
    this.shownPhase = `${phase} ${trained}`;
    this.elements.page.dataset.state = phase;
    const { train, pause, reset, save } = this.elements.buttons;
    const trainHadFocus = document.activeElement === train;
    train.disabled = phase === 'loading' || phase === 'running';
    train.textContent = phase === 'done' || phase === 'paused' ? 'Train again' : 'Train';
    pause.disabled = phase !== 'running' && phase !== 'paused';
    pause.textContent = phase === 'paused' ? 'Resume' : 'Pause';
    pause.setAttribute('aria-pressed', String(phase === 'paused'));
    reset.disabled = phase === 'loading' || (phase === 'ready' && !trained);
    save.disabled = !trained || phase === 'running';
    // A button disabled under the keyboard's focus drops it to the page: Pause takes it, as Space or Enter
    // there pauses the run the visitor just started.
    if (trainHadFocus && train.disabled && !pause.disabled) pause.focus({ preventScroll: true });
  }

  /** Where a run of `epochs` epochs is: `progress` is the trainer's, null before it starts. */
  showProgress(phase, progress, epochs) {
    const bar = this.elements.progress;
    const total = progress ? progress.batchesPerEpoch * epochs : 1;
    if (bar.max !== total) bar.max = total;
    bar.value = progress ? progress.totalBatches : 0;
    const text = progressText(phase, progress, epochs);
    if (this.elements.progressText.textContent !== text) this.elements.progressText.textContent = text;
  }

  /**
   * The run's figures; those not known yet show a dash. The speed of a run `paced` for watching is slowed on
   * purpose: it says so ("slowed", layout.css), so that it is not read as what the model can do.
   */
  showFigures({ testAccuracy, trainAccuracy, loss, samplesPerSecond, paced = false }) {
    const { figures } = this.elements;
    if (figures.speed.dataset.paced !== String(paced)) {
      figures.speed.dataset.paced = String(paced);
      figures.speed.title = paced ? SLOWED : '';
    }
    const shown = (value, format) => (value === undefined || !Number.isFinite(value) ? '—' : format(value));
    setFigure(figures.testAccuracy, shown(testAccuracy, percent), testAccuracy);
    setFigure(figures.trainAccuracy, shown(trainAccuracy, percent), trainAccuracy);
    setFigure(figures.loss, shown(loss, (v) => v.toPrecision(3)), loss);
    const speed = samplesPerSecond || undefined;
    setFigure(figures.speed, shown(speed, compact), speed); // images a second, as its label says
  }

  /**
   * How many drawings the visitor taught (`count`), which training includes; and whether Reset waits for
   * the visitor to confirm forgetting them (`confirming`), then with the focus on its confirming button.
   */
  showDrawings(count, confirming) {
    const { drawings, confirmReset } = this.elements;
    showText(drawings, count > 0 ? `Training includes ${taughtDrawings(count)}.` : '');
    const asking = confirming && count > 0;
    if (confirmReset.panel.hidden !== !asking) {
      confirmReset.panel.hidden = !asking;
      if (asking) confirmReset.confirm.focus();
    }
    showText(confirmReset.text, asking ? `Reset forgets ${taughtDrawings(count)} too.` : '');
  }

  /**
   * The training's error, the model's notice, compare mode's result and why there are no curves; an empty
   * one is hidden.
   */
  showMessages({ error, notice, comparison, curvesNote }) {
    showText(this.elements.error, error);
    showText(this.elements.notice, notice);
    showText(this.elements.comparison, comparison);
    showText(this.elements.curvesNote, curvesNote);
  }
}
