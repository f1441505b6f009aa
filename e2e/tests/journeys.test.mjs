// Two users' journeys walked end to end on a 360 px phone and a 1280 px laptop: the public
// visitor (home → program → session, where to watch and add it to a calendar → schedule →
// contest) and the partner (its private page: each session dated, a request answered). Every
// page is held to axe, to its width and to 360 px, with screenshots under
// target/screenshots/ (`assertAccessible`). The other journeys are walked in their own
// files, every page of them checked the same way: the coordinator in `programs.test.mjs` and
// `no-client.test.mjs`, the volunteer in `volunteers.test.mjs`, the contest entrant and the
// judge in `contest.test.mjs`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, COORDINATOR, openBrowser, assertAccessible, signIn } from './helpers.mjs';

const SCREENS = [{ width: 360, height: 740 }, { width: 1280, height: 800 }];

for (const viewport of SCREENS) {
  test(`the public finds a program, where to watch it, its calendar and the contest (${viewport.width} px)`, async () => {
    const { page, close } = await openBrowser({ viewport });
    const label = (name) => `journey public ${name}`;
    try {
      await page.goto(BASE);
      await assertAccessible(page, label('home'));
      // Home links every program and the contest, and this week's sessions.
      const programs = page.locator('[data-testid="home-programs"]');
      assert.ok(await programs.locator('a[href^="/programs/"]').count() >= 3);
      assert.equal(await programs.locator('a[href^="/contests/"]').count() >= 1, true);

      await Promise.all([page.waitForURL(/\/programs\/dongkelor$/), programs.locator('a[href="/programs/dongkelor"]').click()]);
      await assertAccessible(page, label('program'));
      await Promise.all([page.waitForURL(/\/sessions\/[0-9a-f-]+$/), page.locator('main a[href^="/sessions/"]').first().click()]);
      await assertAccessible(page, label('session'));
      // Where to watch, and calendar links that say so too.
      const watch = await page.getAttribute('[data-testid="watch-link"]', 'href');
      assert.match(watch, /^https:\/\//);
      const google = new URL(await page.getAttribute('a[href^="https://calendar.google.com/"]', 'href'));
      assert.equal(google.searchParams.get('location'), watch);
      const outlook = new URL(await page.getAttribute('a[href^="https://outlook.live.com/"]', 'href'));
      assert.equal(outlook.searchParams.get('location'), watch);
      // Shared to WhatsApp with its title and address, and previewed from its Open Graph tags.
      const share = new URL(await page.getAttribute('[data-testid="share-whatsapp"]', 'href'));
      assert.equal(share.origin, 'https://wa.me');
      const title = await page.textContent('h1');
      assert.ok(share.searchParams.get('text').startsWith(`${title} — `), share.searchParams.get('text'));
      assert.ok(share.searchParams.get('text').endsWith(new URL(page.url()).pathname));
      assert.equal(await page.getAttribute('meta[property="og:title"]', 'content'), title);

      await page.goto(`${BASE}/schedule`);
      await assertAccessible(page, label('schedule'));
      // A broadcast from Leiden reads in its own zone, with Makassar's clock beside it.
      await page.goto(`${BASE}/programs/dongeng-dari-leiden`);
      assert.match(await page.textContent('main'), /10\.00–11\.00 CES?T \(1[67]\.00 WITA\)/);
      await assertAccessible(page, label('program abroad'));
      await page.goto(BASE);
      await Promise.all([page.waitForURL(/\/contests\/[a-z0-9-]+$/), programs.locator('a[href^="/contests/"]').first().click()]);
      await assertAccessible(page, label('contest'));
    } finally {
      await close();
    }
  });

  test(`a partner reads its dated sessions and answers a request (${viewport.width} px)`, async () => {
    const staff = await openBrowser();
    const partner = await openBrowser({ viewport });
    try {
      // The newspaper is asked to one session of its own; its contact gets the private link.
      await signIn(staff.page, COORDINATOR);
      const csrf = await staff.page.evaluate(() => document.querySelector('input[name="csrf_token"]').value);
      const headers = { 'x-csrf-token': csrf };
      const partners = await (await staff.page.request.get(`${BASE}/api/v1/partners`)).json();
      const fajar = partners.find((p) => p.slug === 'harian-fajar-makassar');
      const from = new Date(Date.now() + 2 * 86_400_000).toISOString();
      const sessions = await (await staff.page.request.get(`${BASE}/api/v1/sessions?program=talkshow-duta-baca&from=${from}`)).json();
      const asked = sessions.items[viewport.width === 360 ? 0 : 1];
      const put = await staff.page.request.put(`${BASE}/api/v1/sessions/${asked.id}/partners`, {
        headers, data: [{ partner_id: fajar.id, role: 'media_partner' }],
      });
      assert.equal(put.status(), 200, await put.text());
      const link = await (await staff.page.request.get(`${BASE}/api/v1/partners/${fajar.id}/access-link`)).json();

      const page = partner.page;
      await page.goto(link.url);
      await assertAccessible(page, `journey partner ${viewport.width}`);
      const card = page.locator(`#session-${asked.id}`);
      // Dated, with its time and zone, not only its hours.
      assert.match(await card.locator('[data-testid="when"]').textContent(), /\d{4} · \d{2}\.\d{2}–\d{2}\.\d{2} WITA/);
      await card.locator('input[name="note"]').fill('Kami kirim fotografer.');
      await Promise.all([page.waitForURL(/answered=1/), card.locator('button[value="confirmed"]').click()]);
      assert.equal(await page.locator(`#session-${asked.id} [data-testid="answer"]`).textContent(), 'Dikonfirmasi');
      await assertAccessible(page, `journey partner answered ${viewport.width}`);

      // The coordinator reads it on the session editor.
      await staff.page.goto(`${BASE}/staff/sessions/${asked.id}`);
      const listed = staff.page.locator('section[aria-labelledby="session-partner-heading"] > ul');
      assert.match(await listed.textContent(), /Dikonfirmasi.*Kami kirim fotografer\./s);
    } finally {
      await staff.close();
      await partner.close();
    }
  });
}
