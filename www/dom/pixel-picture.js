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
