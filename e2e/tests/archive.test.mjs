// The episode archive as the public reads it on a 360 px phone and a 1280 px laptop: from the
// program page to its archive, a second page and an older year by plain links, and one
// episode's page with its player and the plain link beside it. Every page is held to axe
// and to the phone's width (`assertAccessible`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, openBrowser, assertAccessible } from './helpers.mjs';

const SCREENS = [{ width: 360, height: 740 }, { width: 1280, height: 800 }];

/** The demo's Dongkelor archive as the API gives it. */
async function archiveJson(page, query = '') {
  const response = await page.request.get(`${BASE}/api/v1/programs/dongkelor/archive${query}`);
  assert.equal(response.status(), 200);
  return response.json();
}

for (const viewport of SCREENS) {
  test(`the public reads Dongkelor's past episodes page by page and year by year (${viewport.width} px)`, async () => {
    const { page, close } = await openBrowser({ viewport });
    // CI has no internet: the platforms' players answer with a stand-in page.
    await page.route(/^https:\/\/www\.(youtube-nocookie|facebook)\.com\//, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Player</title><p>Player</p>' }));
    const label = (name) => `archive ${name}`;
    try {
      const first = await archiveJson(page);
      assert.ok(first.total > 10, 'the demo archive has more than one page');
      assert.ok(first.years.length >= 2, 'and more than one year');

      await page.goto(`${BASE}/programs/dongkelor`);
      await Promise.all([page.waitForURL(/\/programs\/dongkelor\/archive$/), page.click('[data-testid="archive-link"]')]);
      await assertAccessible(page, label('first page'));
      assert.equal(await page.locator('.episode-list > li').count(), first.items.length);
      assert.equal(await page.textContent('.episode-list > li h2'), first.items[0].title);
      assert.ok(await page.locator('[data-testid="recording-link"]').count() > 0, 'recordings are linked');
      assert.equal(await page.locator('.episode-list iframe').count(), 0, 'the list frames no player');
      const rss = await page.getAttribute('link[type="application/rss+xml"]', 'href');
      assert.equal(rss, '/programs/dongkelor/recordings.rss');

      // The second page by the pager, by keyboard.
      await page.focus('.pager a[rel="next"]');
      await Promise.all([page.waitForURL(/page=2$/), page.keyboard.press('Enter')]);
      const second = await archiveJson(page, '?page=2');
      assert.equal(await page.locator('.episode-list > li').count(), second.items.length);
      assert.equal(await page.getAttribute('.pager a[aria-current="page"]', 'href'), '/programs/dongkelor/archive?page=2');
      await assertAccessible(page, label('second page'));

      // An older year.
      const older = first.years[first.years.length - 1];
      await Promise.all([page.waitForURL(new RegExp(`year=${older}$`)), page.click(`.year-filter a[href$="year=${older}"]`)]);
      const ofYear = await archiveJson(page, `?year=${older}`);
      assert.equal(await page.locator('.episode-list > li').count(), ofYear.items.length);
      await assertAccessible(page, label('older year'));

      // One episode: its player framed, the plain link beside it, the books read.
      const withPlayer = first.items.find((s) => s.episode?.recording?.embed_url);
      assert.ok(withPlayer, 'an episode with a player');
      await page.goto(`${BASE}/sessions/${withPlayer.id}`);
      assert.equal(await page.getAttribute('.player iframe', 'src'), withPlayer.episode.recording.embed_url);
      assert.equal(await page.getAttribute('[data-testid="recording-link"]', 'href'), withPlayer.episode.recording.url);
      assert.equal(await page.locator('.episode .books li').count(), withPlayer.episode.books.length);
      await assertAccessible(page, label('episode'));
    } finally {
      await close();
    }
  });
}
