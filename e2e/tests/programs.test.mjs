// The coordinator's journey, on a 360 px phone and a 1280 px laptop: plan a weekly program
// through the pages, cancel one session and move another (each save confirmed), and the
// public schedule shows both; the calendar views and public pages pass axe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, COORDINATOR, openBrowser, waitForHydration, assertAccessible, signIn } from './helpers.mjs';

/** The first Saturday at least 14 days away, as YYYY-MM-DD. */
function saturdayAhead() {
  const day = new Date(Date.now() + 14 * 86_400_000);
  while (day.getUTCDay() !== 6) day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

const SCREENS = [{ width: 360, height: 740 }, { width: 1280, height: 800 }];

function addDays(isoDay, days) {
  const day = new Date(`${isoDay}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

for (const viewport of SCREENS) {
  test(`a coordinator plans a weekly program, cancels one session and moves another (${viewport.width} px)`, async () => {
    const { page, consoleErrors, close } = await openBrowser({ viewport });
    const label = (name) => `${name} (${viewport.width} px)`;
    const slug = `dongeng-uji-${Date.now().toString(36)}`;
    const first = saturdayAhead();
    try {
      await signIn(page, COORDINATOR);
      await page.goto(`${BASE}/staff/programs`);
      await waitForHydration(page);
      await assertAccessible(page, label('program list'));

      // The program: the slug field follows the name until it is edited.
      await page.fill('#program-name', 'Dongeng Uji');
      assert.equal(await page.inputValue('#program-slug'), 'dongeng-uji');
      await page.fill('#program-slug', slug);
      await page.selectOption('#program-status', 'published');
      await Promise.all([
        page.waitForURL(new RegExp(`/staff/programs/${slug}$`)),
        page.click('#program-new button[type="submit"]'),
      ]);
      await waitForHydration(page);

      // The recurrence builder shows the next ten Saturdays as they are typed.
      await page.fill('#series-start', `${first}T09:00`);
      await page.check('input[name="weekday"][value="SA"]');
      await page.waitForFunction(() => document.querySelectorAll('#preview-dates li').length === 10);
      assert.equal(await page.textContent('#rule-summary'), 'Setiap Sabtu pukul 09.00 WITA');
      const dates = await page.locator('#preview-dates li').allTextContents();
      assert.match(dates[0], /Sabtu, .* · 09\.00–10\.00 WITA/);
      assert.match(dates[9], /Sabtu/);
      await assertAccessible(page, label('program editor'));

      // A bad rule is reported on its field and nothing is saved.
      await page.check('input[name="end"][value="count"]');
      await page.fill('#series-count', '0');
      await page.click('.series-builder button[type="submit"]');
      await page.waitForSelector('#series-rule-error');
      assert.match(await page.textContent('#series-rule-error'), /1 sampai 1000/);
      await page.check('input[name="end"][value="never"]');

      await page.fill('#series-host', 'Kak Rina');
      await page.click('.series-builder button[type="submit"]');
      await page.waitForSelector('#upcoming-sessions li.session');
      const sessionLinks = page.locator('#upcoming-sessions a.title');
      const cancelHref = await sessionLinks.nth(0).getAttribute('href');
      const moveHref = await sessionLinks.nth(1).getAttribute('href');

      // Cancel the first session, with a reason.
      await page.goto(`${BASE}${cancelHref}`);
      await waitForHydration(page);
      await assertAccessible(page, label('session editor'));
      await page.fill('#cancel-reason', 'Pendongeng sakit');
      await page.click('button.danger');
      await page.waitForFunction(() => document.querySelector('#session-status')?.textContent === 'Dibatalkan');
      // The redrawn editor says what was saved.
      await page.getByRole('status').filter({ hasText: 'Sesi dibatalkan.' }).waitFor();

      // Move the second one to Sunday 10:00, this session only.
      const sunday = addDays(first, 8);
      await page.goto(`${BASE}${moveHref}`);
      await waitForHydration(page);
      await page.fill('#session-start', `${sunday}T10:00`);
      await page.check('input[name="scope"][value="this"]');
      await page.click('form[aria-labelledby="edit-heading"] button[type="submit"]');
      await page.waitForFunction(() => /10\.00–11\.00 WITA/.test(document.querySelector('#session-when')?.textContent ?? ''));
      await page.getByRole('status').filter({ hasText: 'Perubahan tersimpan.' }).waitFor();

      // The public schedule shows both: the cancelled one marked with its reason, the moved one
      // at its new time (each looked up in its own month).
      await page.goto(`${BASE}/schedule?program=${slug}&month=${first.slice(0, 7)}`);
      await waitForHydration(page);
      const cancelled = page.locator(`li.session[data-session-id="${cancelHref.split('/').pop()}"]`);
      assert.match(await cancelled.textContent(), /Dibatalkan/);
      assert.match(await cancelled.textContent(), /Pendongeng sakit/);
      await assertAccessible(page, label('public schedule'));
      await page.goto(`${BASE}/schedule?program=${slug}&month=${sunday.slice(0, 7)}`);
      const moved = page.locator(`li.session[data-session-id="${moveHref.split('/').pop()}"]`);
      assert.match(await moved.textContent(), /10\.00–11\.00 WITA/);
      assert.doesNotMatch(await moved.textContent(), /Dibatalkan/);

      // And the moved session's own public page says when it now is.
      await page.goto(`${BASE}/sessions/${moveHref.split('/').pop()}`);
      assert.match(await page.textContent('.when'), /Minggu, .* · 10\.00–11\.00 WITA/);
      await assertAccessible(page, label('public session page'));
      // Ending the series after its third Saturday leaves three sessions (the moved one stays).
      await page.goto(`${BASE}/staff/programs/${slug}`);
      await waitForHydration(page);
      await page.click('.series-list details summary');
      await page.fill('.series-list input[type="date"]', addDays(first, 14));
      await page.click('.series-list form button[type="submit"]');
      await page.waitForFunction(() => document.querySelectorAll('#upcoming-sessions li.session').length === 3);
      assert.match(await page.textContent('.series-list li'), /sampai/);

      // The bad rule above was answered 422 on purpose; nothing else may fail.
      assert.deepEqual(consoleErrors.filter((e) => !/status of 422/.test(e)), []);
    } finally {
      await close();
    }
  });
}

test('the staff calendar shows month, week and agenda views', async () => {
  const { page, consoleErrors, close } = await openBrowser();
  try {
    await signIn(page, COORDINATOR);
    for (const view of ['month', 'week', 'agenda']) {
      await page.goto(`${BASE}/staff/calendar?view=${view}`);
      await waitForHydration(page);
      assert.equal(await page.getAttribute(`.view-switch a[aria-current="page"]`, 'href') !== null, true);
      await assertAccessible(page, `calendar ${view}`);
    }
    await page.goto(`${BASE}/staff/calendar?view=agenda`);
    assert.match(await page.textContent('main'), /Dongkelor/);
    await page.goto(`${BASE}/staff/partners`);
    assert.match(await page.textContent('table'), /Harian FAJAR Makassar/);
    await assertAccessible(page, 'partners');
    // A day off beyond every series' horizon, so that its "remove" button is on the page.
    const csrf = await page.evaluate(() => JSON.parse(document.getElementById('siar-viewer').textContent).csrf_token);
    const dayOff = await page.request.post(`${BASE}/api/v1/blackouts`, {
      data: { day: '2029-06-15', reason: 'Uji tampilan' }, headers: { 'x-csrf-token': csrf },
    });
    assert.equal(dayOff.status(), 201, await dayOff.text());
    await page.goto(`${BASE}/staff/blackouts`);
    await waitForHydration(page);
    await page.locator('li', { hasText: 'Uji tampilan' }).locator('button').waitFor();
    await assertAccessible(page, 'days off');
    const removed = await page.request.delete(`${BASE}/api/v1/blackouts/${(await dayOff.json()).id}`, {
      headers: { 'x-csrf-token': csrf },
    });
    assert.equal(removed.status(), 204);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await close();
  }
});

test('the public program page and schedule work without JavaScript', async () => {
  const { context, page, close } = await openBrowser();
  try {
    await context.route('**/*.wasm', (route) => route.abort());
    await page.goto(`${BASE}/programs/dongkelor`);
    assert.equal(await page.textContent('h1'), 'Dongkelor');
    assert.match(await page.textContent('main'), /09\.00–10\.00 WITA/);
    await page.goto(`${BASE}/schedule`);
    await page.selectOption('#filter-program', 'dongkelor');
    await Promise.all([page.waitForURL(/program=dongkelor/), page.click('.filters button[type="submit"]')]);
    assert.equal(await page.locator('#filter-program option[selected]').getAttribute('value'), 'dongkelor');
  } finally {
    await close();
  }
});
