// The HTML report of `smtpcodes scan`, opened in headless Chromium: the numbers a person sees
// on the page are the numbers the JSON output of the same scan gives, and the page renders
// (both charts drawn, nothing fetched). A screenshot of the page's top is kept in
// target/report/; SCREENSHOT=docs/scan-report.png writes it there instead (the README shows
// that one: `make scan-report-png`).
//
// Run by `make test-report`, which installs Debian's Chromium when it is missing and builds
// the CLI. SMTPCODES: the binary (target/release/smtpcodes); CHROMIUM: the browser
// (/usr/bin/chromium).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary = process.env.SMTPCODES ?? path.join(root, 'target', 'release', 'smtpcodes');
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const out = path.join(root, 'target', 'report');
const page = path.join(out, 'sample.html');
const sample = path.join(root, 'examples');

function scan(...args) {
  // Exit status 0: every input of the sample is read.
  return execFileSync(binary, ['scan', ...args, sample], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 << 20,
  });
}

const rows = (text) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l));

const count = (items, key) => {
  const m = new Map();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return m;
};

const MONTHS = { Jan: 1, Feb: 2, Mar: 3, Apr: 4, May: 5, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Oct: 10, Nov: 11, Dec: 12 };
const two = (n) => String(n).padStart(2, '0');

// The hour of a log's own clock, as the report names it (`11-23 04:00`).
function hourOf(ts) {
  if (!ts) return null;
  let m = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):/.exec(ts);
  if (m && MONTHS[m[1]]) return `${two(MONTHS[m[1]])}-${two(m[2])} ${m[3]}:00`;
  m = /^\d{4}-(\d{2})-(\d{2})[T ](\d{2}):/.exec(ts);
  return m ? `${m[1]}-${m[2]} ${m[3]}:00` : null;
}

let browser;
let tab;
let messages;
let lines;
let recipients;

before(async () => {
  mkdirSync(out, { recursive: true });
  scan('--format', 'html', '--top', '100', '-o', page);
  messages = rows(scan('--format', 'json'));
  lines = rows(scan('--format', 'json', '--by', 'line'));
  recipients = rows(scan('--format', 'json', '--by', 'recipient'));
  browser = await chromium.launch({
    executablePath: browserPath,
    // This machine's network is closed: no background connections, no sandbox as root.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests = [];
  tab.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  await tab.goto(pathToFileURL(page).href);
  tab.requests = requests;
});

after(async () => {
  if (tab) {
    // The top of the page: totals, both charts and the first tables.
    await tab.setViewportSize({ width: 1280, height: 1400 });
    await tab.screenshot({ path: process.env.SCREENSHOT ?? path.join(out, 'scan-report.png') });
  }
  await browser?.close();
});

// A table's rows as shown: the key cell's text and the count cell's text, read from what is
// rendered (innerText), beside the data attributes.
async function table(id) {
  return tab.$$eval(`#${id} tr[data-key]`, (trs) =>
    trs.map((tr) => ({
      key: tr.dataset.key,
      n: Number(tr.dataset.n),
      cells: [...tr.querySelectorAll('td')].map((td) => td.innerText.trim()),
      data: { ...tr.dataset },
    })),
  );
}

test('nothing is fetched: the page is self-contained', () => {
  assert.deepEqual(tab.requests, []);
});

test('the totals line says how many messages the JSON output has', async () => {
  const totals = await tab.$eval('#totals', (p) => p.innerText);
  const logMessages = messages.filter((r) => r.unit === 'message').length;
  const emailRecipients = messages.filter((r) => r.unit === 'recipient').length;
  assert.match(totals, new RegExp(`; ${logMessages} messages, ${emailRecipients} recipient results\\.$`));
});

for (const [id, field] of [
  ['by-reason', 'reason'],
  ['by-action', 'action'],
  ['by-fault', 'fault'],
]) {
  test(`the table ${id} shows the counts of the JSON rows by ${field}`, async () => {
    const shown = await table(id);
    const expected = count(messages, (r) => r[field]);
    assert.equal(shown.length, expected.size, 'every value, with --top 100');
    for (const row of shown) {
      assert.equal(row.n, expected.get(row.key), row.key);
      assert.equal(row.cells[0], row.key);
      assert.equal(Number(row.cells[1]), row.n, 'the number shown is the number counted');
      const share = ((100 * row.n) / messages.length).toFixed(1);
      assert.equal(row.cells[2], `${share}%`);
    }
  });
}

test('delivered, deferred and bounced per provider are the outcomes of the JSON rows', async () => {
  const shown = await table('provider-shares');
  const byProvider = new Map();
  for (const r of messages) {
    if (!r.provider) continue;
    const o = byProvider.get(r.provider) ?? { delivered: 0, deferred: 0, bounced: 0 };
    const as = r.outcome === 'delivered' ? 'delivered' : r.outcome === 'deferred' ? 'deferred' : 'bounced';
    o[as] += 1;
    byProvider.set(r.provider, o);
  }
  assert.equal(shown.length, byProvider.size);
  for (const row of shown) {
    const o = byProvider.get(row.key);
    const all = o.delivered + o.deferred + o.bounced;
    assert.equal(Number(row.cells[1]), all, row.key);
    assert.deepEqual(
      row.cells.slice(2),
      [o.delivered, o.deferred, o.bounced].map((n) => `${((100 * n) / all).toFixed(1)}%`),
      row.key,
    );
  }
});

test('the deferrals per hour count the delivery lines, in the table and in the chart', async () => {
  const perHour = new Map();
  for (const r of lines.filter((l) => l.kind === 'log')) {
    const hour = hourOf(r.timestamp);
    if (!hour) continue;
    const e = perHour.get(hour) ?? [0, 0];
    e[0] += r.action === 'retry' ? 1 : 0;
    e[1] += 1;
    perHour.set(hour, e);
  }
  const shown = await table('deferrals');
  assert.equal(shown.length, perHour.size);
  for (const row of shown) {
    assert.deepEqual([Number(row.cells[1]), Number(row.cells[2])], perHour.get(row.key), row.key);
  }
  const bars = await tab.$$eval('#deferral-chart rect.bar', (rs) =>
    rs.map((r) => ({ key: r.dataset.key, deferred: Number(r.dataset.deferred), n: Number(r.dataset.n), height: r.getBBox().height })),
  );
  assert.equal(bars.length, perHour.size, 'one bar per hour');
  for (const bar of bars) assert.deepEqual([bar.deferred, bar.n], perHour.get(bar.key));
  const tallest = bars.reduce((a, b) => (b.deferred / b.n > a.deferred / a.n ? b : a));
  assert.ok(tallest.height > 0, 'the bars are drawn');
});

test('the provider chart draws every failed or deferred result of each provider', async () => {
  const segments = await tab.$$eval('#provider-chart rect.segment', (rs) =>
    rs.map((r) => ({ provider: r.dataset.provider, n: Number(r.dataset.n), width: r.getBBox().width })),
  );
  const failed = count(
    messages.filter((r) => r.provider && r.outcome !== 'delivered'),
    (r) => r.provider,
  );
  const drawn = new Map();
  for (const s of segments) drawn.set(s.provider, (drawn.get(s.provider) ?? 0) + s.n);
  assert.deepEqual(drawn, failed);
  assert.ok(segments.every((s) => s.width > 0));
});

test('the addresses to suppress are every recipient the JSON rows condemn', async () => {
  const expected = new Set(recipients.filter((r) => r.suppress).map((r) => r.recipient.toLowerCase()));
  const total = Number(await tab.$eval('#suppress-total', (s) => s.innerText));
  assert.equal(total, expected.size);
  const shown = await table('suppress');
  assert.ok(shown.length > 0);
  for (const row of shown) assert.ok(expected.has(row.cells[0]), row.cells[0]);
});

test('the top replies name the rules that the JSON rows were decided by', async () => {
  const shown = await table('replies');
  assert.ok(shown.length > 0);
  const rules = count(
    messages.filter((r) => r.outcome !== 'delivered'),
    (r) => `${r.reason} ${r.matched}`,
  );
  for (const row of shown) {
    const rule = row.cells[2].replace(/ \(\d+\)$/, '');
    assert.equal(rules.get(`${row.key} ${rule}`), row.n, `${row.key}: ${rule}`);
  }
});
