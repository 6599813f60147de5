// Offline use: registers the service worker that vite-plugin-pwa (Workbox) generates into dist/sw.js. It
// precaches the built page, so after one visit the page opens, trains and reads drawings without a network.
// Registered from this module, not by the plugin's inline script, which the page's CSP would block.

/**
 * Registers ./sw.js (next to index.html, so dist/ works from any sub-path) in the built page only: the
 * Vite dev server has no sw.js. Where service workers are unavailable (an old browser, http on another
 * host, a private window that refuses them) the page simply works online, without a word on the console.
 */
export function workOffline() {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  // A new build's worker installs on a later visit and takes over at once (skipWaiting, clientsClaim);
  // the page open at the time keeps what it loaded and the next visit gets the new build. It registers once
  // the page has loaded, so its precaching does not compete with the first visit's own downloads.
  const register = () => navigator.serviceWorker.register('./sw.js', { scope: './' }).catch(() => {});
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
