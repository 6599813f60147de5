// A drawing pad for mouse, touch and pen: white ink on black, like MNIST, with a brush whose width is a
// fixed fraction of the pad, so a digit drawn to fill the pad ends up with MNIST's stroke width once it is
// scaled down to a 20-pixel box.

/**
 * Brush diameter as a fraction of the pad's width: the best of those measured by
 * `cargo run --release --example drawn_digits` (MNIST test digits redrawn as strokes at 50–90 % of the pad:
 * 87.3–88.5 % read correctly, against 91.0 % for MNIST's own; see the README).
 */
export const BRUSH_FRACTION = 1 / 12;
const INK = '#ffffff';
const PAPER = '#000000';

export class DrawingPad {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {() => void} onChange called after every change of the drawing, and when a stroke ends
   */
  constructor(canvas, onChange) {
    this.canvas = canvas;
    this.context = canvas.getContext('2d', { willReadFrequently: true });
    this.onChange = onChange;
    this.strokes = []; // points in 0..1 pad coordinates, kept to redraw at any resolution
    this.picture = null; // an image shown in place of a drawing (a test digit), until drawing starts
    this.pointer = null;
    // Sized once the page is laid out (the observer's first call), not here: reading the size now would lay
    // out the whole page before its first paint, in the same task as the page's script.
    new ResizeObserver(() => this.resize()).observe(canvas);
    canvas.addEventListener('pointerdown', (event) => this.down(event));
    canvas.addEventListener('pointermove', (event) => this.move(event));
    for (const type of ['pointerup', 'pointercancel', 'lostpointercapture']) {
      canvas.addEventListener(type, (event) => this.up(event));
    }
  }

  get isEmpty() {
    return this.strokes.length === 0;
  }

  /** Whether a stroke is going on (a pointer is down on the pad). */
  get drawing() {
    return this.pointer !== null;
  }

  /** Wipes the pad; `notify` false when the caller shows something else in its place. */
  clear(notify = true) {
    this.pointer = null; // a stroke lost midway (no pointerup came) ends here too
    this.strokes = [];
    this.picture = null;
    this.repaint();
    if (notify) this.onChange();
  }

  /** The pad's pixels as the canvas holds them (device resolution). */
  imageData() {
    return this.context.getImageData(0, 0, this.canvas.width, this.canvas.height);
  }

  resize() {
    const side = Math.max(1, Math.round(this.canvas.clientWidth * (window.devicePixelRatio || 1)));
    if (side === this.canvas.width && side === this.canvas.height) return;
    this.canvas.width = side;
    this.canvas.height = side;
    this.repaint();
  }

  /** Shows a square grey image (`pixels` in 0..1, row by row) on the pad in place of a drawing. */
  showPicture(pixels) {
    const side = Math.round(Math.sqrt(pixels.length));
    const small = Object.assign(document.createElement('canvas'), { width: side, height: side });
    const image = new ImageData(side, side);
    pixels.forEach((value, i) => {
      const grey = Math.round(value * 255);
      image.data.set([grey, grey, grey, 255], i * 4);
    });
    small.getContext('2d').putImageData(image, 0, 0);
    this.picture = small;
    this.repaint();
  }

  repaint() {
    const { context, canvas } = this;
    context.fillStyle = PAPER;
    context.fillRect(0, 0, canvas.width, canvas.height);
    if (this.picture) context.drawImage(this.picture, 0, 0, canvas.width, canvas.height);
    for (const stroke of this.strokes) {
      this.segment(stroke[0], stroke[0]);
      for (let i = 1; i < stroke.length; i += 1) this.segment(stroke[i - 1], stroke[i]);
    }
  }

  segment(from, to) {
    const { context, canvas } = this;
    context.strokeStyle = INK;
    context.lineWidth = canvas.width * BRUSH_FRACTION;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(from.x * canvas.width, from.y * canvas.height);
    context.lineTo(to.x * canvas.width, to.y * canvas.height);
    context.stroke();
  }

  point(event) {
    const box = this.canvas.getBoundingClientRect();
    return { x: (event.clientX - box.left) / box.width, y: (event.clientY - box.top) / box.height };
  }

  down(event) {
    if (event.pointerType === 'mouse' && event.button !== 0) return;
    // A pointer still held is one whose end never came (a cancelled touch, a gesture of the system): its
    // stroke ends, and the new pointer draws, so the pad never goes deaf. A second finger on a multi-touch
    // screen ends the first one's stroke the same way.
    event.preventDefault();
    // Which also keeps the pointer from focusing the pad, whose keys 0–9 teach the drawing: focus it here.
    this.canvas.focus({ preventScroll: true });
    this.pointer = event.pointerId;
    try {
      this.canvas.setPointerCapture(event.pointerId);
    } catch {
      // the pointer is gone already: the stroke still draws while its events reach the pad
    }
    if (this.picture) {
      this.picture = null; // drawing goes back to the pad's own digit
      this.repaint();
    }
    const start = this.point(event);
    this.strokes.push([start]);
    this.segment(start, start);
    this.onChange();
  }

  move(event) {
    if (event.pointerId !== this.pointer) return;
    event.preventDefault();
    const stroke = this.strokes[this.strokes.length - 1];
    const events = event.getCoalescedEvents?.() ?? [event];
    for (const each of events.length > 0 ? events : [event]) {
      const next = this.point(each);
      this.segment(stroke[stroke.length - 1], next);
      stroke.push(next);
    }
    this.onChange();
  }

  up(event) {
    if (event.pointerId !== this.pointer) return;
    this.pointer = null;
    this.onChange(); // the stroke ended: what it drew may now be taught
  }
}
