// The public home page: server-rendered, hydrated, usable on a phone and without JavaScript.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, openBrowser, waitForHydration, assertAccessible } from './helpers.mjs';

test('home page needs no client code and its menu folds on a phone', async () => {
  const { page, consoleErrors, close } = await openBrowser({ viewport: { width: 360, height: 740 } });
  try {
    const requests = [];
    page.on('request', (request) => requests.push(request.url()));
    const response = await page.goto(BASE);
    assert.equal(response.status(), 200);
    assert.equal(await page.getAttribute('html', 'lang'), 'id');
    assert.match(await page.textContent('h1'), /Siar/);
    await page.waitForLoadState('load');
    // No island on the home page: no script, no preload, no wasm.
    assert.deepEqual(requests.filter((url) => url.includes('/pkg/')), []);
    assert.equal(await page.locator('script[type="module"], link[rel="modulepreload"]').count(), 0);

    // On a 360 px screen the navigation folds behind "Menu", a <details> that works by
    // keyboard with no script.
    const toggle = page.locator('summary.menu-toggle');
    assert.equal(await page.isVisible('#site-nav'), false);
    await toggle.focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.isVisible('#site-nav'), true);
    assert.equal(await page.isVisible('#site-nav a[href="/schedule"]'), true);

    await assertAccessible(page, 'home (360 px, menu open)');
    assert.deepEqual(consoleErrors, []);
  } finally {
    await close();
  }
});

test('on a wide screen the navigation is open, and a page is complete without the client', async () => {
  const { page, context, close } = await openBrowser({ viewport: { width: 1280, height: 800 } });
  try {
    await context.route('**/pkg/**', (route) => route.abort());
    await page.goto(BASE);
    await page.waitForLoadState('load');
    assert.equal(await page.isVisible('#site-nav'), true);
    assert.equal(await page.isVisible('summary.menu-toggle'), false);
    assert.match(await page.textContent('main'), /Dongkelor/);
    // Every program, the contest's entry page and the coming week are a link away.
    assert.equal(await page.isVisible('[data-testid="home-programs"] a[href="/contests/lomba-bercerita"]'), true);
    assert.equal(await page.isVisible('[data-testid="home-programs"] a[href="/programs/dongkelor"]'), true);
    assert.ok(await page.locator('main a[href^="/sessions/"]').count() > 0);
  } finally {
    await close();
  }
});

test('the language switch turns the site into English and remembers it', async () => {
  const { page, close } = await openBrowser();
  try {
    await page.goto(BASE);
    await waitForHydration(page);
    await Promise.all([page.waitForURL(`${BASE}/`), page.click('a[hreflang="en"]')]);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.match(await page.textContent('main'), /Our programmes/);
    await page.goto(`${BASE}/login`);
    assert.match(await page.textContent('h1'), /Staff sign-in/);
    await assertAccessible(page, 'login (English)');
  } finally {
    await close();
  }
});
