// Links to files are plain downloads in every state of the page: after the page's client
// code has loaded (islands hydrated), each file link still gives its file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, COORDINATOR, openBrowser, waitForHydration, signIn } from './helpers.mjs';

/** Clicks the link and returns the download it starts. */
async function download(page, link) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator(link).first().click()]);
  assert.equal(await file.failure(), null);
  return file;
}

test('file links give their file once the page\'s client has loaded', async () => {
  const { page, consoleErrors, close } = await openBrowser();
  try {
    // A session's calendar file, from the subscribe panel (an island) of its public page.
    const sessions = await (await page.request.get(`${BASE}/api/v1/sessions?per_page=1&from=${new Date().toISOString()}`)).json();
    const sessionPage = `${BASE}/sessions/${sessions.items[0].id}`;
    await page.goto(sessionPage);
    await waitForHydration(page);
    const ics = await download(page, '[data-testid="add-ics"]');
    assert.match(ics.suggestedFilename(), /\.ics$/);
    assert.equal(page.url(), sessionPage);

    // Staff reports' CSV files.
    await signIn(page, COORDINATOR);
    for (const path of ['/staff/volunteers', '/staff/reports/partners', '/staff/reports/activity']) {
      await page.goto(`${BASE}${path}`);
      await waitForHydration(page);
      const csv = await download(page, 'a[href*=".csv"]');
      assert.match(csv.suggestedFilename(), /\.csv$/, path);
      assert.equal(page.url(), `${BASE}${path}`);
    }
    assert.deepEqual(consoleErrors, []);
  } finally {
    await close();
  }
});
