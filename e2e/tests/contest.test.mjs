// The contest entrant's and the judge's journeys, on a 360 px phone and a 1280 px laptop: a
// parent registers a child's entry, uploads the video with the progress bar; the connection
// drops and the tab is closed mid-way, and a new tab resumes from where the server stopped
// (not from zero). Staff check the entry, the judge scores it anonymously, the parent is told
// the results are not out yet, staff publish, and the gallery plays the video. Every page
// passes axe, fits its width and 360 px, and is kept as a screenshot under target/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, COORDINATOR, openBrowser, waitForHydration, assertAccessible, signIn } from './helpers.mjs';

const JUDGE = { email: 'juri@siar.example', password: 'siar-demo-juri', name: 'Juri Lomba' };
// The uploader's first piece (FIRST_CHUNK_BYTES in frontend/src/components/video_upload.rs);
// later pieces are sized by how fast the line is.
const CHUNK = 256 * 1024;

const SCREENS = [{ width: 360, height: 740 }, { width: 1280, height: 800 }];

/** A contest of its own for one run, open for entries since an hour, the demo judge on its one
 * category (the demo contest is published by the first run). Returns its slug and id. */
async function openContest(staffPage, stamp) {
  const csrf = await staffPage.evaluate(() => JSON.parse(document.getElementById('siar-viewer').textContent).csrf_token);
  const headers = { 'x-csrf-token': csrf };
  const slug = `lomba-jalan-${stamp}`;
  const makassar = (minutes) => new Date(Date.now() + (8 * 60 + minutes) * 60_000).toISOString().slice(0, 19);
  const program = await staffPage.request.post(`${BASE}/api/v1/programs`, { headers, data: {
    name: `Lomba Bercerita ${stamp}`, slug, kind: 'contest', tz: 'Asia/Makassar',
    default_duration_minutes: 60, status: 'published',
  } });
  assert.equal(program.status(), 201, await program.text());
  const created = await staffPage.request.post(`${BASE}/api/v1/contests`, { headers, data: {
    program_id: (await program.json()).id, rules: 'Video 3 sampai 7 menit.',
    opens_at: makassar(-60), closes_at: makassar(24 * 60), age_reference_date: '2027-01-31',
    max_video_minutes: 7, formats: ['mp4'], entries_per_person: 1,
    categories: [{ name: '7–12 tahun', min_age: 7, max_age: 12 }],
    criteria: [{ name: 'Ekspresi', weight: 2 }, { name: 'Vokal', weight: 1 }],
  } });
  assert.equal(created.status(), 201, await created.text());
  const contest = await created.json();
  const panel = await (await staffPage.request.get(`${BASE}/api/v1/contests/${contest.id}/judges`)).json();
  const judge = panel.judges.find((j) => j.name === JUDGE.name);
  assert.ok(judge, `the demo judge among ${JSON.stringify(panel.judges)}`);
  const assigned = await staffPage.request.put(`${BASE}/api/v1/contests/${contest.id}/judges`, {
    headers, data: [{ user_id: judge.id, category_id: contest.categories[0].id }],
  });
  assert.equal(assigned.status(), 200, await assigned.text());
  return { slug, id: contest.id };
}

/** 10 MiB that start like an MP4 (several PATCH requests, sized by the line). */
function video() {
  const bytes = Buffer.alloc(10 * 1024 * 1024);
  Buffer.from('\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41', 'latin1').copy(bytes);
  for (let i = 32; i < bytes.length; i += 4096) bytes[i] = (i / 4096) % 251;
  return { name: 'dongeng-kancil.mp4', mimeType: 'video/mp4', buffer: bytes };
}

for (const viewport of SCREENS) {
  test(`an entry is uploaded across a dropped connection and a closed tab, judged, published and shown (${viewport.width} px)`, async () => {
    const entrant = await openBrowser({ viewport });
    const staff = await openBrowser();
    const judge = await openBrowser({ viewport });
    const stamp = Date.now().toString(36);
    const name = `Andi ${stamp}`;
    const title = `Si Kancil dan Buaya ${stamp}`;
    const label = (page) => `${page} (${viewport.width} px)`;
    const file = video();
    try {
      const office = staff.page;
      await signIn(office, COORDINATOR);
      const contest = await openContest(office, stamp);

      let page = entrant.page;
      await page.goto(`${BASE}/contests/${contest.slug}`);
      await waitForHydration(page);
      await assertAccessible(page, label('/contests/{slug}'));
      await page.fill('#entry-entrant_name', name);
      await page.fill('#entry-birth_date', `${new Date().getFullYear() - 8}-03-01`);
      await page.fill('#entry-school', 'SD Inpres Bontoala');
      await page.fill('#entry-city', 'Makassar');
      await page.fill('#entry-guardian_name', 'Ibu Sari');
      await page.fill('#entry-contact_email', `sari.${Date.now()}@example.id`);
      await page.fill('#entry-title', title);
      await page.check('#entry-consent_rules');
      await page.check('#entry-consent_publication');
      await Promise.all([
        page.waitForURL(/\/contest-entry\/[A-Za-z0-9_-]+\?registered=1/),
        page.click('#register button[type="submit"]'),
      ]);
      const entryUrl = page.url().split('?')[0];
      await waitForHydration(page);
      await assertAccessible(page, label('/contest-entry/{token}'));

      // The first piece arrives; then every request fails as if the signal were lost.
      let patches = 0;
      await page.route('**/uploads/tus/**', async (route) => {
        if (route.request().method() === 'PATCH' && ++patches > 1) return route.abort('internetdisconnected');
        return route.continue();
      });
      await page.setInputFiles('#video-file', file);
      await page.click('[data-testid="upload-form"] button[type="submit"]');
      await page.waitForFunction(() => document.querySelector('[data-testid="upload-status"]')?.textContent.includes('mencoba lagi'));
      assert.equal(await page.getAttribute('[data-testid="upload-progress"]', 'value'), String(Math.floor(CHUNK / file.buffer.length * 100)));
      await page.close();

      // A new tab: the same file continues from the server's offset, not from zero.
      page = await entrant.context.newPage();
      const offsets = [];
      page.on('request', (request) => {
        if (request.method() === 'PATCH') offsets.push(Number(request.headers()['upload-offset']));
      });
      await page.goto(entryUrl);
      await waitForHydration(page);
      assert.match(await page.textContent('[data-testid="upload-status"]'), /terhenti/);
      await page.setInputFiles('#video-file', file);
      await page.click('[data-testid="upload-form"] button[type="submit"]');
      await page.waitForFunction(() => document.querySelector('[data-testid="upload-status"]')?.textContent.includes('diterima utuh'), null, { timeout: 60_000 });
      assert.equal(offsets[0], CHUNK, 'resumed where the server stopped');
      assert.equal(await page.getAttribute('[data-testid="upload-progress"]', 'value'), '100');
      await page.reload();
      assert.match(await page.textContent('[data-testid="entry-state"]'), /Video diterima/);
      assert.match(await page.textContent('[data-testid="video-info"]'), /dongeng-kancil\.mp4 · MP4 · 10\.0 MiB/);

      // Staff check the entry.
      await office.goto(`${BASE}/staff/contests`);
      await Promise.all([office.waitForURL(/\/staff\/contests\/[0-9a-f-]+$/), office.click(`a:has-text("Lomba Bercerita ${stamp}")`)]);
      const contestPage = office.url();
      assert.equal(contestPage, `${BASE}/staff/contests/${contest.id}`);
      await waitForHydration(office);
      await assertAccessible(office, label('/staff/contests/{id}'));
      const row = office.locator('tr', { hasText: name });
      await Promise.all([office.waitForURL(/reviewed=1/), row.locator('button[value="yes"]').click()]);
      assert.match(await office.locator('tr', { hasText: name }).locator('[data-testid="entry-state"]').textContent(), /memenuhi syarat/);

      // The judge sees the entry without the entrant's name, plays it and scores it.
      const bench = judge.page;
      await bench.goto(`${BASE}/login`);
      await bench.fill('#email', JUDGE.email);
      await bench.fill('#password', JUDGE.password);
      await Promise.all([bench.waitForURL(/\/judge$/), bench.click('button[type="submit"]')]);
      await waitForHydration(bench);
      await assertAccessible(bench, label('/judge'));
      assert.doesNotMatch(await bench.textContent('main'), new RegExp(name));
      await Promise.all([bench.waitForURL(/\/judge\/entries\//), bench.click(`a:has-text("${title}")`)]);
      await waitForHydration(bench);
      assert.doesNotMatch(await bench.textContent('main'), /SD Inpres Bontoala|Ibu Sari/);
      const source = await bench.getAttribute('video.judge-video', 'src');
      const ranged = await bench.evaluate(async (src) => {
        const response = await fetch(src, { headers: { Range: 'bytes=4-11' } });
        return { status: response.status, text: await response.text() };
      }, source);
      assert.deepEqual(ranged, { status: 206, text: 'ftypisom' });
      for (const input of await bench.locator('input[type="number"]').all()) await input.fill('8');
      await bench.fill('#comment', 'Ekspresi bagus, suara jelas.');
      await Promise.all([bench.waitForURL(/saved=1/), bench.click('button:has-text("Simpan nilai")')]);
      await assertAccessible(bench, label('/judge/entries/{id}'));

      // Before publication the parent is told the results are not out yet, not a bare error.
      await page.goto(`${BASE}/contests/${contest.slug}/results`);
      const pending = page.locator('[data-testid="results-pending"]');
      await pending.waitFor();
      assert.match(await pending.textContent(), /Hasil lomba belum diumumkan\. Pendaftaran ditutup .* WITA; hasil diumumkan/);
      await assertAccessible(page, label('/contests/{slug}/results (not yet)'));

      // Results wait for entries to close; staff close them, see who will be mailed, confirm
      // and publish. The results page and the gallery show the entry and its video.
      await office.goto(contestPage);
      await waitForHydration(office);
      assert.match(await office.textContent('#ranking'), new RegExp(name));
      assert.match(await office.textContent('[data-testid="publish-waits"]'), /setelah pendaftaran ditutup/);
      const minuteAgo = new Date(Date.now() + 8 * 3600_000 - 60_000).toISOString().slice(0, 16);
      await office.fill('#contest-closes_at', minuteAgo);
      await Promise.all([office.waitForURL(/done=1/), office.click('form:has(#contest-closes_at) button[type="submit"]')]);
      await waitForHydration(office);
      assert.match(await office.textContent('[data-testid="publish-recipients"]'), /sari\./);
      await assertAccessible(office, label('/staff/contests/{id} (publishing)'));
      await office.check('#publish-confirm');
      await Promise.all([office.waitForURL(/published=1/), office.click('button:has-text("Umumkan hasil")')]);
      // The contest takes no more entries, and the results show the entry and play its video.
      await page.goto(`${BASE}/contests/${contest.slug}`);
      assert.match(await page.textContent('main'), /ditutup/);
      assert.equal(await page.locator('#register').count(), 0, 'no entry form after publication');
      await page.goto(`${BASE}/contests/${contest.slug}/results`);
      await waitForHydration(page);
      await assertAccessible(page, label('/contests/{slug}/results'));
      const card = page.locator('.gallery li', { hasText: title });
      assert.match(await card.textContent(), new RegExp(name));
      const gallerySrc = await card.locator('video').getAttribute('src');
      const playable = await page.evaluate(async (src) => (await fetch(src, { headers: { Range: 'bytes=0-99' } })).status, gallerySrc);
      assert.equal(playable, 206);

      // The entrant's page shows the result and the certificate.
      await page.goto(entryUrl);
      assert.match(await page.textContent('[data-testid="entry-result"]'), /Peringkat/);
      await page.click('a:has-text("Sertifikat")');
      await page.waitForSelector('[data-testid="certificate"]');
      assert.match(await page.textContent('[data-testid="certificate"]'), new RegExp(name));
      await assertAccessible(page, label('/contest-entry/{token}/certificate'));
    } finally {
      await entrant.close();
      await staff.close();
      await judge.close();
    }
  });
}
