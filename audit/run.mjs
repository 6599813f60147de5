// `make audit`: Lighthouse (mobile and desktop, several runs each) and axe-core on the built page, served from a
// sub-path with gzip and a static host's cache headers, in Debian's Chromium. Prints a markdown table of the
// medians (min–max), the audits that cost points in the median run, and axe's violations at 1280 and 390 px.
// Full reports go to audit/results/<time>/. A measurement: it fails only when it cannot measure, never on scores.
//
//   AUDIT_RUNS=5 node audit/run.mjs      runs per form factor (3 by default)
//   CHROMIUM=/path/to/chrome              another browser than /usr/bin/chromium
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse, { desktopConfig } from 'lighthouse';
import { computeMedianRun } from 'lighthouse/core/lib/median-run.js';
import { chromium } from 'playwright-core';
import { serveDist } from './serve.mjs';

const ROOT = new URL('../', import.meta.url).pathname;
const DIST = join(ROOT, 'dist');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const RUNS = Number.parseInt(process.env.AUDIT_RUNS ?? '3', 10);
const CHROME_FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'];
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const METRICS = [
  ['total-blocking-time', 'TBT'],
  ['largest-contentful-paint', 'LCP'],
  ['first-contentful-paint', 'FCP'],
  ['speed-index', 'Speed Index'],
  ['cumulative-layout-shift', 'CLS'],
];
// axe-core and playwright-core are the root package's (the accessibility tests use the same).
const rootRequire = createRequire(join(ROOT, 'package.json'));
const AXE = rootRequire.resolve('axe-core/axe.min.js');
const AXE_VERSION = rootRequire('axe-core/package.json').version;
const AXE_OPTIONS = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  resultTypes: ['violations'],
};
const WIDTHS = [
  { width: 1280, height: 900 },
  { width: 390, height: 800 },
];

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const seconds = (ms) => (ms / 1000).toFixed(2);
const spread = (values, format) => {
  const low = Math.min(...values);
  const high = Math.max(...values);
  const middle = format(median(values));
  return low === high || values.length < 2 ? middle : `${middle} (${format(low)}–${format(high)})`;
};

/** One Lighthouse run in a fresh Chromium (fresh profile, cold cache). */
async function lighthouseRun(url, config) {
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROME_FLAGS, logLevel: 'silent' });
  try {
    const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES }, config);
    if (!result) throw new Error('Lighthouse returned no result');
    return result;
  } finally {
    await chrome.kill();
  }
}

/** The audits that cost the median run points: weighted audits below 1, then performance diagnostics below 1. */
function costlyAudits(lhr) {
  const lines = [];
  for (const id of CATEGORIES) {
    const category = lhr.categories[id];
    const weighted = category.auditRefs.filter((ref) => ref.weight > 0);
    const total = weighted.reduce((sum, ref) => sum + ref.weight, 0);
    for (const ref of weighted) {
      const audit = lhr.audits[ref.id];
      if (audit.score === null || audit.score >= 1) continue;
      const lost = ((1 - audit.score) * ref.weight * 100) / total;
      lines.push(`  ${category.title}: ${ref.id} score ${audit.score} (−${lost.toFixed(1)} points)${audit.displayValue ? `: ${audit.displayValue}` : ''}`);
    }
    for (const ref of category.auditRefs) {
      const audit = lhr.audits[ref.id];
      if (id === 'performance' || ref.weight > 0 || audit.score !== 0 || audit.scoreDisplayMode !== 'binary') continue;
      lines.push(`  ${category.title} (unscored, weight 0): ${ref.id} fails: ${audit.title}`);
    }
    if (id === 'performance') {
      for (const ref of category.auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 || audit.score === null || audit.score >= 0.9) continue;
        if (audit.scoreDisplayMode === 'informative' || audit.scoreDisplayMode === 'notApplicable') continue;
        lines.push(`  Performance diagnostic: ${ref.id} score ${audit.score}${audit.displayValue ? `: ${audit.displayValue}` : ''}`);
      }
    }
  }
  if (!lines.length) lines.push('  nothing: every scored audit passes');
  return [...lines, ...details(lhr)];
}

const short = (url) => (url ?? '').replace(/^https?:\/\/[^/]+/, '') || url;
const ms = (value) => `${Math.round(value)} ms`;

/** Where the performance goes: the LCP element and its phases, long tasks, script CPU, what blocks rendering. */
function details(lhr) {
  const lines = [];
  const items = (id) => lhr.audits[id]?.details?.items ?? [];
  const [element, phases] = items('largest-contentful-paint-element');
  const node = element?.items?.[0]?.node;
  if (node) {
    const split = (phases?.items ?? []).map((phase) => `${phase.phase} ${ms(phase.timing)}`).join(', ');
    lines.push(`  LCP element: ${node.selector} ("${node.nodeLabel.slice(0, 50)}"): ${split}`);
  }
  const tasks = items('long-tasks').slice(0, 6).map((task) => `${short(task.url)} ${ms(task.duration)} at ${ms(task.startTime)}`);
  if (tasks.length) lines.push(`  Long tasks (simulated): ${tasks.join('; ')}`);
  const cpu = items('bootup-time').slice(0, 4).map((item) => `${short(item.url)} ${ms(item.total)} (script ${ms(item.scripting)})`);
  if (cpu.length) lines.push(`  Main-thread CPU by script: ${cpu.join('; ')}`);
  const work = items('mainthread-work-breakdown').slice(0, 4).map((item) => `${item.groupLabel} ${ms(item.duration)}`);
  if (work.length) lines.push(`  Main-thread work: ${work.join('; ')}`);
  const blocking = items('render-blocking-insight').map((item) => `${short(item.url)}${Number.isFinite(item.wastedMs) ? ` ${ms(item.wastedMs)}` : ''}`);
  if (blocking.length) lines.push(`  Render-blocking: ${blocking.join('; ')}`);
  const unused = items('unused-javascript').map((item) => `${short(item.url)} ${Math.round(item.wastedBytes / 1024)} KiB`);
  if (unused.length) lines.push(`  Unused JavaScript: ${unused.join('; ')}`);
  return lines;
}

/** The resources of a run: what the server sent, for the record. */
function resourceTable(lhr) {
  const items = lhr.audits['network-requests']?.details?.items ?? [];
  const rows = items.map((item) => {
    const name = item.url.replace(/^https?:\/\/[^/]+/, '');
    return `| ${name} | ${item.mimeType ?? ''} | ${item.statusCode} | ${(item.transferSize / 1024).toFixed(1)} | ${(item.resourceSize / 1024).toFixed(1)} |`;
  });
  return ['| request | type | status | transferred KiB | size KiB |', '|---|---|---|---|---|', ...rows].join('\n');
}

async function audit() {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('dist/index.html is missing: run `make build` first');
  if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`AUDIT_RUNS must be a positive integer, not ${process.env.AUDIT_RUNS}`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const results = join(ROOT, 'audit', 'results', stamp);
  await mkdir(results, { recursive: true });
  const site = await serveDist(DIST);
  const failures = [];
  const out = [];
  const say = (line = '') => {
    console.log(line);
    out.push(line);
  };
  try {
    const forms = { mobile: [], desktop: [] };
    for (const [form, config] of [
      ['mobile', undefined],
      ['desktop', desktopConfig],
    ]) {
      for (let run = 1; run <= RUNS; run += 1) {
        const { lhr, report } = await lighthouseRun(site.url, config);
        await writeFile(join(results, `lighthouse-${form}-${run}.json`), report);
        if (lhr.runtimeError) {
          failures.push(`${form} run ${run}: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
          console.error(`lighthouse ${form} run ${run}/${RUNS}: ${lhr.runtimeError.code}`);
          continue;
        }
        forms[form].push(lhr);
        const score = (id) => Math.round(lhr.categories[id].score * 100);
        console.error(
          `lighthouse ${form} run ${run}/${RUNS}: ${CATEGORIES.map(score).join(' / ')}, TBT ${seconds(lhr.audits['total-blocking-time'].numericValue)} s`,
        );
      }
    }

    const any = forms.mobile[0] ?? forms.desktop[0];
    say();
    if (any) {
      say(`Lighthouse ${any.lighthouseVersion}, ${any.environment.hostUserAgent.match(/(Headless)?Chrome\/[\d.]+/)?.[0]}, ` +
        `${RUNS} runs each: median (min–max); times in s. Served from ${new URL(site.url).pathname} with gzip.`);
      say();
      say(`| | performance | accessibility | best practices | SEO | ${METRICS.map(([, name]) => name).join(' | ')} |`);
      say(`|---|---|---|---|---|${METRICS.map(() => '---|').join('')}`);
      for (const [form, label] of [
        ['mobile', 'mobile (4× slower CPU, slow 4G)'],
        ['desktop', 'desktop'],
      ]) {
        const lhrs = forms[form];
        if (!lhrs.length) {
          say(`| ${label} | no successful run |`);
          continue;
        }
        const scores = CATEGORIES.map((id) => spread(lhrs.map((lhr) => lhr.categories[id].score * 100), (v) => Math.round(v)));
        const metrics = METRICS.map(([id]) =>
          spread(
            lhrs.map((lhr) => lhr.audits[id].numericValue),
            id === 'cumulative-layout-shift' ? (v) => v.toFixed(3) : seconds,
          ),
        );
        say(`| ${label} | ${[...scores, ...metrics].join(' | ')} |`);
      }
      say();
      say(`Host CPU benchmark index (Lighthouse's, scales the simulated throttling): ${Math.round(median([...forms.mobile, ...forms.desktop].map((lhr) => lhr.environment.benchmarkIndex)))}`);
    }
    const resources = [];
    for (const form of ['mobile', 'desktop']) {
      if (!forms[form].length) continue;
      const lhr = computeMedianRun(forms[form]);
      const run = forms[form].indexOf(lhr) + 1;
      say();
      say(`What costs points (${form}, median run ${run}, ${join('audit/results', stamp, `lighthouse-${form}-${run}.json`)}):`);
      for (const line of costlyAudits(lhr)) say(line);
      if (form === 'mobile') resources.push(`Resources of the median mobile run:\n\n${resourceTable(lhr)}`);
    }

    // axe-core on the page once it is ready, as the accessibility tests inject it (a context that bypasses the CSP).
    say();
    say(`axe-core ${AXE_VERSION} (WCAG 2.0/2.1 A and AA, best practice), the page once ready:`);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_FLAGS });
    try {
      for (const viewport of WIDTHS) {
        const context = await browser.newContext({ viewport, deviceScaleFactor: 1, bypassCSP: true });
        const page = await context.newPage();
        await page.goto(site.url);
        await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
        await page.addScriptTag({ path: AXE });
        const found = await page.evaluate((options) => window.axe.run(document, options), AXE_OPTIONS);
        await writeFile(join(results, `axe-${viewport.width}.json`), JSON.stringify(found, null, 2));
        say(`  ${viewport.width} px: ${found.violations.length} violations`);
        for (const v of found.violations) {
          say(`    ${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        }
        await context.close();
      }
    } finally {
      await browser.close();
    }

    const served = site.log.filter((entry) => entry.status === 200);
    say();
    say(`Served ${served.length} responses, ${served.filter((entry) => entry.encoding === 'gzip').length} gzipped. Reports: audit/results/${stamp}/`);
    await writeFile(join(results, 'summary.md'), `${out.join('\n')}\n\n${resources.join('\n\n')}\n`);
  } finally {
    await site.close();
  }
  if (failures.length) {
    throw new Error(`Lighthouse could not measure:\n${failures.join('\n')}`);
  }
}

audit().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
