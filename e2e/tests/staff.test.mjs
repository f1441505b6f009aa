// Staff sign-in and sign-out, the dashboard, the admin-only account list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, VIEWER, BASE, openBrowser, waitForHydration, assertAccessible, signIn } from './helpers.mjs';

test('a staff member signs in with the keyboard and signs out', async () => {
  const { page, consoleErrors, close } = await openBrowser();
  try {
    await page.goto(`${BASE}/staff`);
    assert.match(page.url(), /\/login\?next=%2Fstaff$/);
    await waitForHydration(page);
    await assertAccessible(page, 'login');

    await page.focus('#email');
    await page.keyboard.type(ADMIN.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(ADMIN.password);
    await Promise.all([page.waitForURL(/\/staff$/), page.keyboard.press('Enter')]);
    assert.equal(await page.textContent('[data-testid="staff-name"]'), ADMIN.name);
    await waitForHydration(page);
    await assertAccessible(page, 'dashboard');

    await page.click('a[href="/staff/users"]');
    await page.waitForSelector('table tbody tr');
    assert.match(await page.textContent('table'), /pemantau@siar\.example/);
    await assertAccessible(page, 'staff accounts');

    await Promise.all([page.waitForURL(`${BASE}/`), page.click('[data-testid="sign-out"]')]);
    assert.equal(await page.isVisible('[data-testid="sign-out"]'), false);
    const again = await page.goto(`${BASE}/staff`);
    assert.match(again.url(), /\/login/);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await close();
  }
});

test('a wrong password shows a clear message on the form', async () => {
  const { page, close } = await openBrowser();
  try {
    await page.goto(`${BASE}/login`);
    await page.fill('#email', VIEWER.email);
    await page.fill('#password', 'kata sandi yang salah');
    await Promise.all([page.waitForURL(/error=invalid/), page.click('button[type="submit"]')]);
    assert.equal(await page.textContent('[role="alert"]'), 'Email atau kata sandi salah.');
    assert.equal(await page.getAttribute('#password', 'aria-invalid'), 'true');
    await assertAccessible(page, 'login with error');
  } finally {
    await close();
  }
});

test('a viewer cannot open the admin-only account list', async () => {
  const { page, close } = await openBrowser();
  try {
    await signIn(page, VIEWER);
    assert.equal(await page.locator('a[href="/staff/users"]').count(), 0);
    const response = await page.goto(`${BASE}/staff/users`);
    assert.equal(response.status(), 403);
  } finally {
    await close();
  }
});

test('an admin ends every session of an account from the account list, by keyboard', async () => {
  const viewer = await openBrowser();
  const admin = await openBrowser();
  try {
    await signIn(viewer.page, VIEWER);
    await signIn(admin.page, ADMIN);
    await admin.page.goto(`${BASE}/staff/users`);
    await waitForHydration(admin.page);
    const row = admin.page.locator('tr', { hasText: VIEWER.email });
    await row.locator('form[action$="/sign-out"] button').focus();
    await Promise.all([admin.page.waitForURL(/done=signed-out/), admin.page.keyboard.press('Enter')]);
    assert.match(await admin.page.textContent('[data-testid="users-done"]'), /sesi/);
    await assertAccessible(admin.page, 'staff accounts after an action');
    const again = await viewer.page.goto(`${BASE}/staff`);
    assert.match(again.url(), /\/login/, 'the viewer was signed out');
  } finally {
    await viewer.close();
    await admin.close();
  }
});
