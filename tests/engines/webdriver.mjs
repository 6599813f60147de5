// A small W3C WebDriver client over fetch, and the two drivers it talks to: geckodriver (Firefox, headless)
// and WebKitWebDriver (WebKitGTK's MiniBrowser, under Xvfb: it has no headless mode). Playwright's own
// browser builds cannot be downloaded here, and the protocol calls these tests need are few: a session,
// navigation, scripts, elements, pointer actions.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'; // the W3C key of an element reference

/** The engines and how to drive each: the driver's command and the session's capabilities. */
export const ENGINES = {
  firefox: {
    driver: (port) => [process.env.GECKODRIVER ?? 'geckodriver', ['--port', String(port)]],
    capabilities: () => ({
      browserName: 'firefox',
      'moz:firefoxOptions': { binary: '/usr/bin/firefox-esr', args: ['-headless'], prefs: { 'intl.accept_languages': 'en' } },
    }),
  },
  webkit: {
    // MiniBrowser needs a display: the driver runs under its own Xvfb server.
    driver: (port) => ['xvfb-run', ['-a', '-s', '-screen 0 1280x1024x24', 'WebKitWebDriver', `--port=${port}`]],
    capabilities: () => ({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: miniBrowser(), args: ['--automation'] },
    }),
  },
};

/** WebKitGTK's MiniBrowser, which Debian keeps outside the PATH. */
function miniBrowser() {
  const found = ['4.1', '4.0', '6.0']
    .map((version) => `/usr/lib/x86_64-linux-gnu/webkit2gtk-${version}/MiniBrowser`)
    .find((path) => existsSync(path));
  return found ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
}

/** A free port on localhost. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Starts `engine`'s driver (with `env` added to its environment); resolves to { url, stop }. */
export async function startDriver(engine, env = {}) {
  const port = await freePort();
  const [command, args] = ENGINES[engine].driver(port);
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null) throw new Error(`${engine}: the driver ${command} exited: ${stderr}`);
    try {
      if ((await fetch(`${url}/status`)).ok) break;
    } catch {
      // not listening yet
    }
    if (waited > 20_000) throw new Error(`${engine}: the driver did not answer in 20 s: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM'); // the driver, and Xvfb with it
    } catch {
      // gone already
    }
  };
  return { url, stop };
}

/** One browser session: the W3C commands the tests use. */
export class Session {
  static async open(driverUrl, capabilities) {
    const session = new Session(driverUrl, null);
    const { sessionId } = await session.call('POST', '/session', { capabilities: { alwaysMatch: capabilities } });
    session.id = sessionId;
    return session;
  }

  constructor(driverUrl, id) {
    this.driverUrl = driverUrl;
    this.id = id;
  }

  async call(method, path, body) {
    const prefix = this.id ? `/session/${this.id}` : '';
    const response = await fetch(`${this.driverUrl}${prefix}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const { value } = await response.json();
    if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${value?.error}: ${value?.message}`);
    return value;
  }

  close() {
    return this.call('DELETE', '');
  }

  go(url) {
    return this.call('POST', '/url', { url });
  }

  setWindowSize(width, height) {
    return this.call('POST', '/window/rect', { width, height });
  }

  /** Runs `source` (a function body) with `args` in the page; resolves to what it returns. */
  run(source, ...args) {
    return this.call('POST', '/execute/sync', { script: source, args });
  }

  /** Resolves once `predicate` (a function body, with `args`) returns something truthy in the page. */
  async waitFor(predicate, { timeout = 30_000, what = predicate } = {}, ...args) {
    for (const started = Date.now(); ; ) {
      const value = await this.run(predicate, ...args);
      if (value) return value;
      if (Date.now() - started > timeout) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async find(selector) {
    const found = await this.call('POST', '/element', { using: 'css selector', value: selector });
    return found[ELEMENT];
  }

  async click(selector) {
    return this.call('POST', `/element/${await this.find(selector)}/click`, {});
  }

  /** Gives a file input the file at `path`, as a visitor choosing it would. */
  async chooseFile(selector, path) {
    return this.call('POST', `/element/${await this.find(selector)}/value`, { text: path });
  }

  /**
   * A stroke through `points` (0..1 of the element's box) with a `pointerType` ('mouse', 'pen' or 'touch')
   * pointer, as real input: pointer down, moves, up.
   */
  async stroke(selector, points, pointerType = 'mouse') {
    const element = { [ELEMENT]: await this.find(selector) };
    const box = await this.run(
      'const b = arguments[0].getBoundingClientRect(); return { width: b.width, height: b.height };',
      element,
    );
    // Action coordinates relative to an element are from its centre.
    const at = ([x, y]) => ({ x: Math.round((x - 0.5) * box.width), y: Math.round((y - 0.5) * box.height) });
    const moves = points.map((point) => ({ type: 'pointerMove', duration: 16, origin: element, ...at(point) }));
    const actions = [moves[0], { type: 'pointerDown', button: 0 }, ...moves.slice(1), { type: 'pointerUp', button: 0 }];
    await this.call('POST', '/actions', {
      actions: [{ type: 'pointer', id: `${pointerType}-1`, parameters: { pointerType }, actions }],
    });
    await this.call('DELETE', '/actions');
  }
}
