// What the test harness, the benchmark and the audit serve the site as: the sub-path a static host might put
// it under, and the content type of each kind of file it holds. One table, so a new kind of file (as the
// web app manifest was) is served right everywhere.

export const SUB_PATH = '/some/sub/path/';

export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
  '.npz': 'application/octet-stream',
};
