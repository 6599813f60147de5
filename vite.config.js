import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The built page needs no inline script, eval or other origin: a strict Content-Security-Policy holds.
// 'wasm-unsafe-eval' lets it compile its own WebAssembly; styles set from script (uPlot, the pad) are allowed.
// Only the build gets it: Vite's dev server injects styles and scripts inline.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const contentSecurityPolicy = {
  name: 'content-security-policy',
  apply: 'build',
  transformIndexHtml: (html) =>
    html.replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`),
};

// Offline and installable: a Workbox service worker (dist/sw.js) precaches every built file under its hash,
// and a web app manifest lets a phone add the page to its home screen. www/offline.js registers the worker
// from a module, as the CSP wants (the plugin's inline registration script would be blocked).
const PAGE_DESCRIPTION = readFileSync(new URL('./index.html', import.meta.url), 'utf8').match(
  /<meta name="description" content="([^"]+)"/,
)[1];
const offlineApp = VitePWA({
  injectRegister: false,
  includeManifestIcons: false, // already matched by globPatterns; listing them twice is noise
  manifest: {
    name: 'Softmax regression on MNIST',
    short_name: 'MNIST softmax',
    description: PAGE_DESCRIPTION,
    lang: 'en',
    // Relative to the manifest, which sits next to index.html: the app is wherever dist/ is served. No `id`:
    // it would resolve against the origin, not the sub-path; without one it is the start URL.
    start_url: './',
    scope: './',
    display: 'standalone',
    theme_color: '#0b63b5', // --accent in www/styles.css
    background_color: '#f6f7f9', // --paper
    icons: [
      { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  },
  workbox: {
    // Everything the page needs (the plugin adds the manifest; the icons are among the PNGs).
    globPatterns: ['**/*.{html,js,css,wasm,npz,png}'],
    // Workbox silently leaves out files over 2 MiB by default, and the page cannot start without the bundled
    // data set (data/mini_mnist.npz, 1.65 MB, close to that): 4 MiB leaves it and the wasm room to grow.
    maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
    // A new build's worker takes over as soon as it is installed, so the next visit gets the new build.
    skipWaiting: true,
    clientsClaim: true,
  },
});

// A relative base makes dist/ work from any sub-path of any static host.
export default defineConfig({
  base: './',
  plugins: [contentSecurityPolicy, offlineApp],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
  },
  server: { fs: { strict: true } },
});
