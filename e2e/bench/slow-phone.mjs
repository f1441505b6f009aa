// Benchmark (issue 21), run by `cargo xtask bench client` (server/examples/bench_slow_phone.rs
// starts Siar on the demo data and sets SIAR_URL): on an emulated slow phone, with a cold
// cache, the time from navigation until each control a phone user needs first works. Not a
// test: it prints the figures and their ratio to the target, and exits non-zero if one misses.
import { BASE, ADMIN, openBrowser, signIn, registerVolunteer, signInByLink } from '../tests/helpers.mjs';

const TARGET_MS = 2500;
const RUNS = 3;
// The slow phone: 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip, CPU 4× slower
// (the figures of Lighthouse's "slow 4G" profile).
const NETWORK = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };
const CPU_SLOWDOWN = 4;
const PHONE = { width: 360, height: 740 };

/** Milliseconds from the navigation's start until `ready` (run in the page each frame) holds. */
async function timeUntilReady(browser, url, ready) {
  const { page, context } = browser;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.clearBrowserCache');
  await cdp.send('Network.emulateNetworkConditions', NETWORK);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  await page.goto(url, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(ready, null, { polling: 'raf', timeout: 60_000 });
  const ms = await handle.jsonValue();
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await cdp.send('Network.emulateNetworkConditions', { ...NETWORK, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  return ms;
}

// Each returns `performance.now()` (time since navigation) once the control answers, else false.
// A plain form's button works as soon as it is shown; the copy button is shown and the upload
// button enabled only once their island's code runs.
const signUpReady = () => {
  const button = document.querySelector('button[aria-label^="Daftar:"]');
  return button && button.offsetParent !== null && button.form ? performance.now() : false;
};
const copyReady = () => {
  const button = document.querySelector('.subscribe button');
  return button && button.offsetParent !== null && !button.hidden ? performance.now() : false;
};
const uploaderReady = () => {
  const button = document.querySelector('[data-testid="upload-form"] button[type="submit"]');
  return button && !button.disabled ? performance.now() : false;
};

/** A private entry page of the demo contest, as the parent reaches it from the receipt. */
async function entryPage() {
  const response = await fetch(`${BASE}/api/v1/public/contests/lomba-bercerita/entries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      entrant_name: 'Andi Bench', birth_date: `${new Date().getFullYear() - 8}-03-01`, school: 'SD Inpres Bontoala',
      city: 'Makassar', contact_email: 'bench@siar.example', guardian_name: 'Ibu Sari', consent_rules: true,
      consent_publication: true, title: 'Si Kancil',
    }),
  });
  if (response.status !== 201) throw new Error(`registering an entry answered ${response.status}: ${await response.text()}`);
  return `${BASE}/contest-entry/${(await response.json()).access_token}`;
}

/** A signed-in volunteer's browser (the sign-in itself unthrottled). */
async function volunteerBrowser(staffPage, run) {
  const browser = await openBrowser({ viewport: PHONE });
  const email = `bench-${Date.now()}-${run}@siar.example`;
  await registerVolunteer(browser.page, `Relawan Bench ${run}`, email);
  await signInByLink(browser.page, staffPage, email);
  return browser;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const staff = await openBrowser();
await signIn(staff.page, ADMIN);
const uploadUrl = await entryPage();
const controls = [
  ['volunteer sign-up button', '/volunteer/open', async (run) => volunteerBrowser(staff.page, run), signUpReady],
  ['subscribe copy button', '/programs/dongkelor', async () => openBrowser({ viewport: PHONE }), copyReady],
  ['contest uploader', uploadUrl.slice(BASE.length), async () => openBrowser({ viewport: PHONE }), uploaderReady],
];

console.log(`\nissue 21 · slow phone (1.6 Mbit/s, 150 ms RTT, CPU ${CPU_SLOWDOWN}× slower), cold cache, median of ${RUNS}`);
let allMet = true;
for (const [label, path, open, ready] of controls) {
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const browser = await open(run);
    try {
      times.push(await timeUntilReady(browser, `${BASE}${path}`, ready));
    } finally {
      await browser.close();
    }
  }
  const ms = median(times);
  const ratio = ms / TARGET_MS;
  allMet &&= ratio <= 1;
  const shownPath = path.startsWith('/contest-entry/') ? '/contest-entry/{token}' : path;
  console.log(`  ${label.padEnd(26)} ${shownPath.padEnd(24)} ${(ms / 1000).toFixed(2)} s`
    + ` (runs: ${times.map((t) => (t / 1000).toFixed(2)).join(', ')}) / 2.5 s = ${ratio.toFixed(2)} ${ratio <= 1 ? 'met' : 'MISSED'}`);
}
await staff.close();
console.log(`  ${allMet ? 'PASS' : 'FAIL (target ≤ 1.00 for every control)'}`);
process.exitCode = allMet ? 0 : 1;
