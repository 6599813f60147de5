// Draws the app's icons (a handwritten-looking 2 on the page's accent colour) on a canvas in headless
// Chromium and writes them to public/icons/, which Vite copies into dist/. The PNGs are committed; run
// this again only to change them: `node scripts/make_icons.mjs`.
import { mkdir, writeFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';

const OUT_DIR = new URL('../public/icons/', import.meta.url);
const ACCENT = '#0b63b5'; // --accent in www/styles.css
const INK = '#ffffff'; // --accent-ink

// name, size in pixels, and how much of the square the digit may fill. "any" icons are rounded squares
// with clear corners; a maskable icon fills its square (the platform cuts its own shape) and keeps the
// digit inside the central safe circle (80 % of the width); iOS rounds the apple-touch icon itself.
const ICONS = [
  { name: 'icon-48.png', size: 48, shape: 'rounded', digit: 0.72 },
  { name: 'icon-192.png', size: 192, shape: 'rounded', digit: 0.66 },
  { name: 'icon-512.png', size: 512, shape: 'rounded', digit: 0.66 },
  { name: 'icon-maskable-512.png', size: 512, shape: 'square', digit: 0.48 },
  { name: 'apple-touch-icon-180.png', size: 180, shape: 'square', digit: 0.6 },
];

/** Runs in the page: draws one icon and returns it as a PNG data URL. */
function drawIcon({ size, shape, digit, accent, ink }) {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size;
  const g = canvas.getContext('2d');
  g.fillStyle = accent;
  g.beginPath();
  if (shape === 'rounded') g.roundRect(0, 0, size, size, size * 0.22);
  else g.rect(0, 0, size, size);
  g.fill();

  // The 2 in a unit box, drawn as one pen stroke with a slight slant, as a hand would.
  const box = size * digit;
  g.translate((size - box) / 2, (size - box) / 2);
  g.scale(box, box);
  g.transform(1, 0, -0.08, 1, 0.06, 0);
  g.strokeStyle = ink;
  g.lineWidth = size < 64 ? 0.17 : 0.13;
  g.lineCap = 'round';
  g.lineJoin = 'round';
  g.beginPath();
  g.moveTo(0.2, 0.3);
  g.bezierCurveTo(0.26, 0.04, 0.8, 0.0, 0.8, 0.3);
  g.bezierCurveTo(0.8, 0.5, 0.45, 0.66, 0.16, 0.92);
  g.quadraticCurveTo(0.5, 0.86, 0.86, 0.9);
  g.stroke();
  return canvas.toDataURL('image/png');
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage();
  await mkdir(OUT_DIR, { recursive: true });
  for (const icon of ICONS) {
    const dataUrl = await page.evaluate(drawIcon, { ...icon, accent: ACCENT, ink: INK });
    await writeFile(new URL(icon.name, OUT_DIR), Buffer.from(dataUrl.split(',')[1], 'base64'));
    console.log(`public/icons/${icon.name}`);
  }
} finally {
  await browser.close();
}
