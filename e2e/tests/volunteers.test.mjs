// The volunteer's journey without JavaScript, on a 360 px phone and a 1280 px laptop:
// register, sign in through the e-mailed link (read from the staff mailbox, where mail goes
// without an SMTP server), sign up, land on the waitlist of a full role, take the place when
// the other volunteer withdraws, and be told by letter when staff take them out. Then every
// volunteer page and the staff pages pass axe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, COORDINATOR, openBrowser, waitForHydration, assertAccessible, signIn, registerVolunteer,
  signInByLink, linkFromMailbox, assertAccessibleWithoutScripts,
} from './helpers.mjs';

const PHONE = { width: 360, height: 740 };
const SCREENS = [PHONE, { width: 1280, height: 800 }];

for (const viewport of SCREENS) {
  test(`a volunteer registers, signs in by link, waits in line and takes a freed place (${viewport.width} px)`, async () => {
    const stamp = Date.now();
    const label = (page) => `${page} (${viewport.width} px)`;
    const budiEmail = `budi-${stamp}@siar.example`;
    const aniEmail = `ani-${stamp}@siar.example`;
    const staff = await openBrowser({ javaScript: false });
    const budi = await openBrowser({ javaScript: false, viewport });
    const ani = await openBrowser({ javaScript: false, viewport });
    try {
      await signIn(staff.page, COORDINATOR);

      // Budi takes the one host place of the next Dongkelor.
      await registerVolunteer(budi.page, 'Budi Santoso', budiEmail);
      await signInByLink(budi.page, staff.page, budiEmail);
      await budi.page.goto(`${BASE}/volunteer/open?skill=host`);
      await assertAccessibleWithoutScripts(budi, label('/volunteer/open'));
      const card = budi.page.locator('li.card:has(button[aria-label^="Daftar: Pembawa acara"])').first();
      const sessionHref = await card.locator('h2 a').getAttribute('href');
      await Promise.all([
        budi.page.waitForURL(/\/volunteer\/me#signup-/),
        card.locator('button[aria-label^="Daftar: Pembawa acara"]').click(),
      ]);
      const budiSignup = budi.page.locator(`li.card:has(h2 a[href="${sessionHref}"])`);
      assert.equal(await budiSignup.locator('[data-testid="signup-status"]').textContent(), 'Terdaftar');
      // Each time with its zone, the offer's deadline too (never UTC).
      assert.match(await budiSignup.textContent(), /\d{2}\.\d{2}–\d{2}\.\d{2} WITA/);
      await assertAccessibleWithoutScripts(budi, label('/volunteer/me'));

      // Ani finds it full and joins the line.
      await registerVolunteer(ani.page, 'Ani Wijaya', aniEmail);
      await signInByLink(ani.page, staff.page, aniEmail);
      // The link works once.
      const used = await linkFromMailbox(staff.page, aniEmail);
      await ani.page.goto(used);
      await Promise.all([ani.page.waitForURL(/\/volunteer\?error=link-used/), ani.page.click('[data-testid="use-link"]')]);
      assert.match(await ani.page.textContent('#form-error'), /sudah dipakai/);

      await ani.page.goto(`${BASE}/volunteer/open?skill=host`);
      const full = ani.page.locator(`li.card:has(h2 a[href="${sessionHref}"])`);
      assert.match(await full.textContent(), /Pembawa acara — Penuh · 0 antre/);
      await Promise.all([
        ani.page.waitForURL(/\/volunteer\/me#signup-/),
        full.locator('button[aria-label^="Masuk daftar tunggu: Pembawa acara"]').click(),
      ]);
      const aniSignup = ani.page.locator(`li.card:has(h2 a[href="${sessionHref}"])`);
      assert.equal(await aniSignup.locator('[data-testid="signup-status"]').textContent(), 'Daftar tunggu · urutan 1');

      // Budi withdraws; Ani is offered the place, by page and by mail, and takes it.
      await Promise.all([
        budi.page.waitForURL(/\/volunteer\/me\?done=withdrawn/),
        budiSignup.locator('button[aria-label^="Mundur"]').click(),
      ]);
      await ani.page.goto(`${BASE}/volunteer/me`);
      assert.equal(await aniSignup.locator('[data-testid="signup-status"]').textContent(), 'Ditawari tempat');
      assert.match(await aniSignup.textContent(), /WITA/);
      assert.doesNotMatch(await aniSignup.textContent(), /UTC/);
      await assertAccessibleWithoutScripts(ani, label('/volunteer/me (offer)'));
      await staff.page.goto(`${BASE}/staff/mailbox`);
      assert.match(await staff.page.locator(`li[data-recipient="${aniEmail}"] summary`).first().textContent(), /Ada tempat untuk Anda/);
      await Promise.all([
        ani.page.waitForURL(/\/volunteer\/me\?done=accepted/),
        aniSignup.locator('[data-testid="accept-offer"]').click(),
      ]);
      assert.equal(await aniSignup.locator('[data-testid="signup-status"]').textContent(), 'Terdaftar');

      // Staff see her on the session's roster.
      const sessionId = sessionHref.split('/').pop();
      const roster = await staff.page.request.get(`${BASE}/api/v1/sessions/${sessionId}/roster`);
      const entries = (await roster.json()).entries.map((e) => `${e.name}:${e.status}`);
      assert.ok(entries.includes('Ani Wijaya:confirmed'), entries.join(', '));
      assert.ok(entries.includes('Budi Santoso:withdrawn'), entries.join(', '));
      // …and on the session's editor page, where they can take her out again.
      await staff.page.goto(`${BASE}/staff/sessions/${sessionId}`);
      assert.match(await staff.page.textContent('#roster'), /Ani Wijaya/);
      await Promise.all([
        staff.page.waitForURL(/\/staff\/sessions\/.*\?done=1/),
        staff.page.click('#roster button[aria-label="Keluarkan: Ani Wijaya"]'),
      ]);
      await ani.page.goto(`${BASE}/volunteer/me`);
      assert.equal(await aniSignup.count(), 0, 'removed by staff, gone from her list');
      // …and she is told so by letter.
      await staff.page.goto(`${BASE}/staff/mailbox`);
      assert.match(await staff.page.locator(`li[data-recipient="${aniEmail}"] summary`).first().textContent(), /Tidak lagi terdaftar/);
    } finally {
      await Promise.all([staff.close(), budi.close(), ani.close()]);
    }
  });
}

test('a bad registration keeps what was typed and names the field', async () => {
  const { page, close } = await openBrowser({ javaScript: false, viewport: PHONE, locale: 'en-GB' });
  try {
    await page.goto(`${BASE}/lang/en?next=/volunteer`);
    await page.fill('#reg-name', 'Citra');
    await page.fill('#reg-email', `citra-${Date.now()}@siar.example`);
    await page.fill('#reg-phone', 'not a phone');
    await page.check('#skill-cook');
    await Promise.all([page.waitForURL(/invalid=phone/), page.click('#register button[type="submit"]')]);
    assert.match(await page.textContent('#reg-phone-error'), /not a phone number/);
    assert.equal(await page.inputValue('#reg-name'), 'Citra');
    assert.ok(await page.isChecked('#skill-cook'));
  } finally {
    await close();
  }
});

test('volunteer and staff volunteering pages pass axe', async () => {
  const { page, consoleErrors, close } = await openBrowser();
  try {
    for (const path of ['/volunteer', '/volunteer/open', '/volunteer/me', '/volunteer/sign-in?token=x']) {
      await page.goto(`${BASE}${path}`);
      await waitForHydration(page);
      await assertAccessible(page, path);
    }
    await signIn(page, COORDINATOR);
    for (const path of ['/staff/volunteers', '/staff/mailbox']) {
      await page.goto(`${BASE}${path}`);
      await waitForHydration(page);
      await assertAccessible(page, path);
    }
    assert.deepEqual(consoleErrors, []);
  } finally {
    await close();
  }
});
