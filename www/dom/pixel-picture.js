// Small pixel pictures (weight templates, test digits) as <img> elements rather than canvases. The page
// shows dozens of them, and Chromium hands every canvas on the page to its compositor again whenever the
// page redraws anything: 34 canvases added about 1.3 ms to each redraw while training (BENCHMARKS.md).
const scratch = document.createElement('canvas');

/**
 * A `height`×`width` picture as a data: URL; `colourOf(i)` gives pixel i's colour as 0xRRGGBB (a number
 * rather than an array: a template has 784 pixels and is redrawn several times a second).
 */
export function pixelPicture(height, width, colourOf) {
  scratch.width = width;
  scratch.height = height;
  const context = scratch.getContext('2d');
  const image = context.createImageData(width, height);
  const { data } = image;
  for (let i = 0; i < width * height; i += 1) {
    const rgb = colourOf(i);
    data[4 * i] = rgb >> 16;
    data[4 * i + 1] = (rgb >> 8) & 0xff;
    data[4 * i + 2] = rgb & 0xff;
    data[4 * i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
  return scratch.toDataURL();
}

/** A grey level in 0..1 (values outside are clamped) as 0xRRGGBB. */
export const grey = (level) => Math.round(255 * Math.min(1, Math.max(0, level))) * 0x010101;

// Blue – white – orange, for values that count for (orange) or against (blue) a digit: distinguishable with
// the common colour-vision deficiencies. The weight pictures and the evidence pictures share it.
const NEGATIVE = [33, 102, 172];
const ZERO = [247, 247, 247];
const POSITIVE = [217, 95, 2];

/** A value in -1..1 (relative to the largest of its picture or pictures) as 0xRRGGBB on the diverging map. */
export function diverging(value) {
  const [from, t] = value < 0 ? [NEGATIVE, Math.min(1, -value)] : [POSITIVE, Math.min(1, value)];
  const channel = (i) => Math.round(ZERO[i] + (from[i] - ZERO[i]) * t);
  return (channel(0) << 16) | (channel(1) << 8) | channel(2);
}

/** The largest magnitude in `arrays`, never zero: one symmetric scale for pictures meant to be compared. */
export function largestMagnitude(arrays) {
  let largest = 1e-12;
  for (const values of arrays) for (const value of values) largest = Math.max(largest, Math.abs(value));
  return largest;
}
