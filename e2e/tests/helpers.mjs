// Shared set-up for the browser tests: a fresh Chromium profile per test, the server URL
// from SIAR_URL (set by `cargo xtask test`), and an axe-core check.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
export const BASE = process.env.SIAR_URL ?? 'http://127.0.0.1:3000';

// The demo accounts seeded by `siar serve --demo` (server/src/demo.rs).
export const ADMIN = { email: 'admin@siar.example', password: 'siar-demo-admin', name: 'Admin Perpustakaan' };
export const COORDINATOR = { email: 'koordinator@siar.example', password: 'siar-demo-koordinator', name: 'Koordinator Program' };
export const VIEWER = { email: 'pemantau@siar.example', password: 'siar-demo-pemantau', name: 'Pemantau Program' };

/** Opens a browser with a fresh profile; `options.viewport` for phone-sized tests,
 * `options.javaScript: false` to check what works without scripts. */
export async function openBrowser(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'siar-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    locale: options.locale ?? 'id-ID',
    javaScriptEnabled: options.javaScript ?? true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
  const page = context.pages()[0] ?? await context.newPage();
  const consoleErrors = [];
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  const close = async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); };
  return { context, page, consoleErrors, close };
}

/**
 * Waits until the page answers: a page with islands once the client has hydrated them; a
 * page without islands loads no client code and is ready as it arrives.
 */
export async function waitForHydration(page) {
  await page.waitForLoadState('load');
  if (await page.locator('leptos-island').count() === 0) return;
  await page.waitForSelector('.app[data-hydrated="true"]', { timeout: 30_000 });
}

let axeCode;
function axeSource() {
  axeCode ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeCode;
}

// The client router's pages, read from the router itself (frontend/src/app.rs): a link to
// any other path on this site (a file, a feed, the API) is the server's, and the router must
// leave it to the browser, or it would show its "not found" page once the client has loaded.
let clientRoutes;
function clientRoutePatterns() {
  clientRoutes ??= [...readFileSync(new URL('../../frontend/src/app.rs', import.meta.url), 'utf8')
    .matchAll(/path!\("([^"]+)"\)/g)]
    .map(([, path]) => new RegExp(`^${path.replace(/:[a-z_]+/g, '[^/]+')}/?$`));
  return clientRoutes;
}

/** Fails if a link on the page to a path the client router does not own would be taken by
 * it: such links must carry `rel="external"` (or `download`). */
export async function assertServerLinksBypassRouter(page, label) {
  const links = await page.evaluate(() => [...document.querySelectorAll('a[href]')]
    .filter((a) => a.origin === window.location.origin)
    .map((a) => ({
      path: a.pathname,
      bypass: a.hasAttribute('download') || (a.getAttribute('rel') ?? '').split(/\s+/).includes('external'),
    })));
  const routes = clientRoutePatterns();
  const taken = links.filter((l) => !l.bypass && !routes.some((route) => route.test(l.path)))
    .map((l) => l.path);
  assert.deepEqual([...new Set(taken)], [], `${label}: links the client router would take`);
}

const PHONE_WIDTH = 360;
const SCREENSHOTS = new URL('../../target/screenshots/', import.meta.url);
mkdirSync(SCREENSHOTS, { recursive: true });

/** What sticks out sideways past the page's width (outside a region that scrolls by itself):
 * a few of the widest, as `tag.class` and how far they stick out, in px. */
function overflowAt(page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return [];
    const width = root.clientWidth;
    // Inside a box that clips or scrolls and itself fits the page (a table's region), an
    // element may be as wide as it likes.
    const contained = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const style = getComputedStyle(p);
        const clips = ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX);
        if (clips && p.getBoundingClientRect().right <= width + 1) return true;
      }
      return false;
    };
    return [...document.body.querySelectorAll('*')]
      .map((el) => ({ el, over: Math.round(el.getBoundingClientRect().right - width) }))
      .filter(({ el, over }) => over > 1 && !contained(el))
      .sort((a, b) => b.over - a.over)
      .slice(0, 5)
      .map(({ el, over }) => `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).trim().split(/\s+/).join('.')}` : ''}${el.id ? `#${el.id}` : ''} +${over}px`)
      .concat([`page ${root.scrollWidth}px wide in ${root.clientWidth}px`]);
  });
}

/** Saves a screenshot of the whole page under `target/screenshots/` for review. */
async function screenshot(page, label, width) {
  const name = `${label.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}-${width}.png`;
  await page.screenshot({ path: new URL(name, SCREENSHOTS).pathname, fullPage: true });
}

/** Fails if the page scrolls sideways at its own width or on a phone (360 px), and keeps a
 * screenshot of each. */
export async function assertFitsWidth(page, label) {
  const viewport = page.viewportSize();
  const widths = viewport.width === PHONE_WIDTH ? [PHONE_WIDTH] : [viewport.width, PHONE_WIDTH];
  for (const width of widths) {
    if (width !== page.viewportSize().width) await page.setViewportSize({ width, height: 740 });
    try {
      assert.deepEqual(await overflowAt(page), [], `${label} scrolls sideways at ${width} px`);
      await screenshot(page, label, width);
    } finally {
      if (width !== viewport.width) await page.setViewportSize(viewport);
    }
  }
}

/** Runs axe-core on the page; fails on any serious or critical violation. Every page
 * checked here also has its links to server files checked, and must fit a phone's width. */
export async function assertAccessible(page, label) {
  await assertServerLinksBypassRouter(page, label);
  await assertFitsWidth(page, label);
  // Evaluated through DevTools, which the page's Content-Security-Policy does not govern: a
  // script tag would be refused, as any script without the page's nonce is.
  await page.evaluate(axeSource());
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(summary, [], `accessibility violations on ${label}`);
}

/** `assertAccessible` for the page a browser without JavaScript shows (axe needs scripts):
 * the same address, with the same cookies, in a scripted browser of the same size. */
export async function assertAccessibleWithoutScripts(browser, label) {
  const checker = await openBrowser({ viewport: browser.page.viewportSize() });
  try {
    await checker.context.addCookies(await browser.context.cookies());
    await checker.page.goto(browser.page.url());
    await assertAccessible(checker.page, label);
  } finally {
    await checker.close();
  }
}

/** Signs in through the sign-in page's form. */
export async function signIn(page, account) {
  await page.goto(`${BASE}/login`);
  await page.fill('#email', account.email);
  await page.fill('#password', account.password);
  await page.click('button[type="submit"]');
  try {
    await page.waitForURL(/\/staff$/);
  } catch (error) {
    // Say where the browser stands and what the page says (a lockout, a server error).
    const text = await page.textContent('main').catch(() => '(no page)');
    throw new Error(`sign-in as ${account.email} ended at ${page.url()}: ${text?.trim().slice(0, 300)}`, { cause: error });
  }
}

/** The sign-in link in the newest mail to `email`, as staff see it in the mailbox. */
export async function linkFromMailbox(staffPage, email) {
  await staffPage.goto(`${BASE}/staff/mailbox`);
  const body = await staffPage.locator(`li[data-recipient="${email}"] .mail-body`).first().textContent();
  const link = body.match(/https?:\/\/\S+\/volunteer\/sign-in\?token=\S+/);
  assert.ok(link, `a sign-in link in: ${body}`);
  return link[0];
}

/** Registers a volunteer with the host skill through the registration form. */
export async function registerVolunteer(page, name, email) {
  await page.goto(`${BASE}/volunteer`);
  await page.fill('#reg-name', name);
  await page.fill('#reg-email', email);
  await page.fill('#reg-phone', '+62 812 3456 7890');
  await page.check('#skill-host');
  await Promise.all([page.waitForURL(/\/volunteer\?sent=/), page.click('#register button[type="submit"]')]);
  assert.match(await page.textContent('[data-testid="link-sent"]'), new RegExp(email));
}

/** Signs a volunteer in through the link in their newest mail (`staffPage` signed in). */
export async function signInByLink(page, staffPage, email) {
  const link = await linkFromMailbox(staffPage, email);
  await page.goto(link);
  await Promise.all([page.waitForURL(/\/volunteer\/me$/), page.click('[data-testid="use-link"]')]);
}
