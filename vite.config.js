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

// A link that previews itself where it is pasted (chats, social posts): Open Graph and Twitter card tags with
// the page's title and description and a 1200×630 picture of the page (dist/preview.png, made after the
// build by scripts/make_preview.mjs). Their URLs are absolute when the build is told where the site will be
// served (SITE_URL, e.g. https://user.github.io/repository/), as most link previews need; relative otherwise.
const INDEX_HTML = readFileSync(new URL('./index.html', import.meta.url), 'utf8');
const PAGE_DESCRIPTION = INDEX_HTML.match(/<meta name="description" content="([^"]+)"/)[1];
const PAGE_TITLE = INDEX_HTML.match(/<title>([^<]+)<\/title>/)[1];
const SITE_URL = process.env.SITE_URL ? process.env.SITE_URL.replace(/\/?$/, '/') : '';
const PREVIEW_ALT =
  'The page: the presets and Train, the loss and accuracy curves of a finished run, and a drawn 7 read as a 7.';
const linkPreview = {
  name: 'link-preview',
  apply: 'build',
  transformIndexHtml: (html) => {
    const tags = [
      ['property', 'og:type', 'website'],
      ['property', 'og:title', PAGE_TITLE],
      ['property', 'og:description', PAGE_DESCRIPTION],
      ...(SITE_URL ? [['property', 'og:url', SITE_URL]] : []),
      ['property', 'og:image', `${SITE_URL}preview.png`],
      ['property', 'og:image:width', '1200'],
      ['property', 'og:image:height', '630'],
      ['property', 'og:image:alt', PREVIEW_ALT],
      ['name', 'twitter:card', 'summary_large_image'],
      ['name', 'twitter:title', PAGE_TITLE],
      ['name', 'twitter:description', PAGE_DESCRIPTION],
      ['name', 'twitter:image', `${SITE_URL}preview.png`],
      ['name', 'twitter:image:alt', PREVIEW_ALT],
    ];
    const meta = tags.map(([kind, name, content]) => `    <meta ${kind}="${name}" content="${content}" />`).join('\n');
    return html.replace('</title>', `</title>\n${meta}`);
  },
};

// Offline and installable: a Workbox service worker (dist/sw.js) precaches every built file under its hash,
// and a web app manifest lets a phone add the page to its home screen. www/offline.js registers the worker
// from a module, as the CSP wants (the plugin's inline registration script would be blocked).
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
  plugins: [contentSecurityPolicy, linkPreview, offlineApp],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
  },
  server: { fs: { strict: true } },
});
