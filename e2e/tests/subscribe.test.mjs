// Subscribing: the panel on the schedule, program and partner pages works without
// JavaScript (webcal, Google, Outlook links, the address to copy by hand, a QR code), the copy
// button works by keyboard once hydrated, a session offers "add to calendar", and staff can
// replace their private feed address from the dashboard. Every page passes axe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, VIEWER, openBrowser, waitForHydration, assertAccessible, signIn } from './helpers.mjs';

async function feedOf(page) {
  return page.inputValue('[data-testid="subscribe-url"]');
}

test('the subscribe panel works without JavaScript', async () => {
  const { page, close } = await openBrowser({ javaScript: false });
  try {
    await page.goto(`${BASE}/schedule`);
    const url = await feedOf(page);
    assert.equal(url, `${BASE}/calendar/all.ics`);
    const host = new URL(BASE).host;
    assert.equal(await page.getAttribute('[data-testid="subscribe-webcal"]', 'href'), `webcal://${host}/calendar/all.ics`);
    assert.match(await page.getAttribute('[data-testid="subscribe-google"]', 'href'),
      /^https:\/\/calendar\.google\.com\/calendar\/render\?cid=webcal%3A%2F%2F/);
    assert.match(await page.getAttribute('[data-testid="subscribe-outlook"]', 'href'),
      /^https:\/\/outlook\.live\.com\/calendar\/0\/addfromweb\?url=http/);
    // The QR code is a real image of the address.
    const qr = page.locator('.subscribe .qr img');
    await qr.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('.subscribe .qr img').naturalWidth > 0);
    const svg = await page.request.get(await qr.getAttribute('src'));
    assert.equal(svg.headers()['content-type'], 'image/svg+xml');
    // The address itself is a feed.
    const feed = await page.request.get(url);
    assert.equal(feed.headers()['content-type'], 'text/calendar; charset=utf-8');
    assert.match(await feed.text(), /^BEGIN:VCALENDAR\r\n/);

    await page.goto(`${BASE}/partners/harian-fajar-makassar`);
    assert.equal(await page.textContent('h1'), 'Harian FAJAR Makassar');
    assert.equal(await feedOf(page), `${BASE}/calendar/partners/harian-fajar-makassar.ics`);
    assert.ok(await page.locator('.partner a[href="/programs/dongkelor"]').count() > 0);
  } finally {
    await close();
  }
  // axe itself needs scripts: the same pages, hydrated.
  const browser = await openBrowser();
  try {
    for (const path of ['/schedule', '/partners/harian-fajar-makassar']) {
      await browser.page.goto(`${BASE}${path}`);
      await waitForHydration(browser.page);
      await assertAccessible(browser.page, `${path} with subscribe panel`);
    }
    assert.deepEqual(browser.consoleErrors, []);
  } finally {
    await browser.close();
  }
});

test('the copy button works by keyboard, and a session can be added to a calendar', async () => {
  const { context, page, consoleErrors, close } = await openBrowser({ locale: 'en-GB' });
  try {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
    await page.goto(`${BASE}/programs/dongkelor`);
    await waitForHydration(page);
    const url = await feedOf(page);
    assert.equal(url, `${BASE}/calendar/programs/dongkelor.ics`);
    const copy = page.locator('.subscribe button');
    await copy.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.subscribe button').textContent === 'Copied');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);
    await assertAccessible(page, 'program page with subscribe panel');

    // A session page: "add to calendar" links to its own .ics, an event with its UID.
    await page.click('.session a[href^="/sessions/"]');
    await page.waitForSelector('[data-testid="add-ics"]');
    const ics = await page.getAttribute('[data-testid="add-ics"]', 'href');
    const id = new URL(ics).pathname.slice('/sessions/'.length, -'.ics'.length);
    const file = await page.request.get(ics);
    assert.equal(file.status(), 200);
    assert.match(await file.text(), new RegExp(`UID:${id}@siar\\r\\n`));
    await assertAccessible(page, 'session page with add to calendar');
    assert.deepEqual(consoleErrors, []);
  } finally {
    await close();
  }
});

test('staff replace their private calendar address from the dashboard', async () => {
  const { page, close } = await openBrowser();
  try {
    await signIn(page, VIEWER);
    const before = await page.inputValue('[data-testid="my-calendar-url"]');
    assert.match(before, /\/calendar\/me\/[A-Za-z0-9_-]{43}\.ics$/);
    assert.equal((await page.request.get(before)).status(), 200);
    await assertAccessible(page, 'dashboard with private calendar');
    await Promise.all([
      page.waitForURL(/\/staff#my-calendar$/),
      page.click('[data-testid="reset-calendar"]'),
    ]);
    const after = await page.inputValue('[data-testid="my-calendar-url"]');
    assert.notEqual(after, before);
    assert.equal((await page.request.get(before)).status(), 404);
    assert.equal((await page.request.get(after)).status(), 200);
  } finally {
    await close();
  }
});
