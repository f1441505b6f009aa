// Every form of the users' journeys with the client code blocked (scripts on, `/pkg/…`
// refused, as on a phone whose download of the client failed or has not finished): each is a
// plain POST with its CSRF token and does what it says. The coordinator plans a program, its
// series, partners, a cancelled and restored session and a day off; the partner answers, and
// the coordinator reads the answer and sets the session's own volunteer roles; a
// volunteer signs up and withdraws; a parent registers an entry and is told the uploader
// needs the client; staff set up a contest, assign its judge, check entries, close and
// publish; the judge scores one entry and declares a conflict on another.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, COORDINATOR, openBrowser, signIn, registerVolunteer, signInByLink } from './helpers.mjs';

const PHONE = { width: 360, height: 740 };
// PartnerAnswer::Confirmed's Indonesian label (shared/src/words.rs).
const CONFIRMED = 'Dikonfirmasi';

/** A browser whose client code never arrives; `clientRequests` lists what its pages asked for. */
async function withoutClient(options) {
  const browser = await openBrowser(options);
  browser.clientRequests = [];
  await browser.context.route('**/pkg/**', (route) => {
    browser.clientRequests.push(route.request().url());
    return route.abort();
  });
  return browser;
}

/** Sends the form of `button` and waits for the page the server answers with. */
async function submit(page, button) {
  await Promise.all([page.waitForNavigation(), page.locator(button).first().click()]);
  assert.equal(new URL(page.url()).origin, new URL(BASE).origin);
  assert.doesNotMatch(page.url(), /csrf_token=/, 'a form fell back to GET with its fields in the address');
}

function isoDayAhead(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

test('the coordinator\'s and the partner\'s forms work with the client blocked', async () => {
  const staff = await withoutClient();
  const partner = await withoutClient({ viewport: PHONE });
  const slug = `tanpa-klien-${Date.now().toString(36)}`;
  const page = staff.page;
  try {
    await signIn(page, COORDINATOR);

    // A program, typed in full (the slug does not follow the name without the client).
    await page.goto(`${BASE}/staff/programs`);
    await page.fill('#program-name', 'Tanpa Klien');
    await page.fill('#program-slug', slug);
    await page.selectOption('#program-status', 'published');
    await submit(page, '#program-new button[type="submit"]');
    assert.match(page.url(), new RegExp(`/staff/programs/${slug}(\\?|$)`));

    // A weekly series from the builder, every part of it shown.
    let day = isoDayAhead(14);
    await page.fill('#series-start', `${day}T09:00`);
    await page.check('input[name="weekday"][value="SA"]');
    await page.check('input[name="end"][value="count"]');
    await page.fill('#series-count', '4');
    await page.fill('#series-host', 'Kak Rina');
    await submit(page, '.series-builder button[type="submit"]');
    assert.match(page.url(), /saved=series/);
    assert.equal(await page.locator('#upcoming-sessions li.session').count(), 4);

    // A partner put on the program, then taken off again.
    const partnerName = 'Harian FAJAR Makassar';
    const fajar = await page.locator('#program-partner-choice option', { hasText: partnerName }).getAttribute('value');
    await page.selectOption('#program-partner-choice', fajar);
    await submit(page, 'form:has(#program-partner-choice) button[type="submit"]');
    // The list of assigned partners, not the section: its choice list names every partner.
    const programPartners = page.locator('section[aria-labelledby="program-partner-heading"] > ul');
    assert.match(await programPartners.textContent(), new RegExp(partnerName));
    await submit(page, 'section[aria-labelledby="program-partner-heading"] form.inline-form button[type="submit"]');
    assert.doesNotMatch(await programPartners.textContent(), new RegExp(partnerName));

    // A session: its title changed, cancelled with a reason, restored, its partner asked.
    const sessionHref = await page.locator('#upcoming-sessions a.title').first().getAttribute('href');
    const sessionId = sessionHref.split('/').pop();
    await page.goto(`${BASE}${sessionHref}`);
    await page.fill('#session-title', 'Dongeng Tanpa Klien');
    await page.check('input[name="scope"][value="this"]');
    await submit(page, 'form[aria-labelledby="edit-heading"] button[type="submit"]');
    assert.match(page.url(), /saved=edit/);
    assert.equal(await page.inputValue('#session-title'), 'Dongeng Tanpa Klien');
    await page.fill('#cancel-reason', 'Pendongeng sakit');
    await submit(page, 'button.danger');
    assert.equal(await page.textContent('#session-status'), 'Dibatalkan');
    await submit(page, `form[action="/staff/sessions/${sessionId}/restore"] button[type="submit"]`);
    assert.notEqual(await page.textContent('#session-status'), 'Dibatalkan');
    await page.selectOption('#session-partner-choice', fajar);
    await submit(page, 'form:has(#session-partner-choice) button[type="submit"]');
    assert.match(await page.locator('section[aria-labelledby="session-partner-heading"] > ul').textContent(), new RegExp(partnerName));

    // The partner confirms from its private page.
    await page.goto(`${BASE}/staff/partners`);
    await Promise.all([page.waitForNavigation(), page.click(`a:has-text("${partnerName}")`)]);
    const link = await page.inputValue('[data-testid="partner-access-url"]');
    await partner.page.goto(link);
    const answer = `form[action$="/sessions/${sessionId}/answer"]`;
    await partner.page.fill(`${answer} input[name="note"]`, 'Wartawan kami hadir.');
    await submit(partner.page, `${answer} button[value="confirmed"]`);
    assert.match(partner.page.url(), /\/partner-access\//);
    const card = partner.page.locator(`#session-${sessionId}`);
    assert.equal(await card.locator('[data-testid="answer"]').textContent(), CONFIRMED);
    assert.equal(await card.locator('input[name="note"]').inputValue(), 'Wartawan kami hadir.');

    // The staff read the answer and its note on the session editor.
    await page.goto(`${BASE}${sessionHref}`);
    const sessionPartners = page.locator('section[aria-labelledby="session-partner-heading"] > ul');
    assert.equal(await sessionPartners.locator('[data-testid="partner-answer"]').textContent(), CONFIRMED);
    assert.match(await sessionPartners.textContent(), /Wartawan kami hadir\./);

    // The session's own volunteer roles, from the rows of its roles form.
    await page.fill('#role-0-name', 'Pembawa acara');
    await page.fill('#role-0-capacity', '2');
    await page.selectOption('#role-0-skill', 'host');
    await submit(page, '#session-roles button[type="submit"]');
    assert.match(page.url(), /saved=roles/);
    assert.equal(await page.inputValue('#role-0-name'), 'Pembawa acara');
    assert.match(await page.textContent('#roster h3'), /Pembawa acara — 0\/2/);

    // A day off, added and removed.
    day = isoDayAhead(200);
    await page.goto(`${BASE}/staff/blackouts`);
    await page.fill('#blackout-day', day);
    await page.fill('#blackout-reason', 'Libur uji tanpa klien');
    await submit(page, 'form[action="/staff/blackouts"] button[type="submit"]');
    assert.match(page.url(), /saved=added/);
    assert.match(await page.textContent('main'), /Libur uji tanpa klien/);
    await submit(page, 'button[aria-label*="Libur uji tanpa klien"]');
    assert.match(page.url(), /saved=removed/);
    assert.doesNotMatch(await page.textContent('main'), /Libur uji tanpa klien/);

    // The pages did ask for their client code, and were refused: the forms above ran without it.
    assert.ok(staff.clientRequests.length > 0, 'the staff pages load client code (refused here)');
    // The partner's page asks for the public bundle only (its calendar's copy button), never
    // for the staff pages' code.
    assert.deepEqual(partner.clientRequests.filter((url) => url.includes('siar-staff')), []);
  } finally {
    await staff.close();
    await partner.close();
  }
});

/** A new contest open for entries, made through the API as the coordinator (in a browser of
 * its own): the demo contest is closed and published by the contest test, which may run
 * first. */
async function openContest() {
  const { page, close } = await withoutClient();
  try {
    return await createContest(page);
  } finally {
    await close();
  }
}

async function createContest(page) {
  const login = await page.request.post(`${BASE}/api/v1/auth/login`, {
    data: { email: COORDINATOR.email, password: COORDINATOR.password },
  });
  assert.equal(login.status(), 200);
  const headers = { 'x-csrf-token': (await login.json()).csrf_token };
  const slug = `lomba-tanpa-klien-${Date.now().toString(36)}`;
  const makassar = (minutes) => new Date(Date.now() + (8 * 60 + minutes) * 60_000).toISOString().slice(0, 19);
  const program = await page.request.post(`${BASE}/api/v1/programs`, { headers, data: {
    name: 'Lomba Tanpa Klien', slug, kind: 'contest', tz: 'Asia/Makassar',
    default_duration_minutes: 60, status: 'published',
  } });
  assert.equal(program.status(), 201, await program.text());
  const contest = await page.request.post(`${BASE}/api/v1/contests`, { headers, data: {
    program_id: (await program.json()).id, rules: 'Video 3 sampai 7 menit.',
    opens_at: makassar(-60), closes_at: makassar(24 * 60), age_reference_date: '2027-01-31',
    max_video_minutes: 7, formats: ['mp4'], entries_per_person: 1,
    categories: [{ name: '7–12 tahun', min_age: 7, max_age: 12 }],
    criteria: [{ name: 'Ekspresi', weight: 1 }],
  } });
  assert.equal(contest.status(), 201, await contest.text());
  return slug;
}

test('a volunteer\'s and a parent\'s forms work with the client blocked', async () => {
  const staff = await withoutClient();
  const volunteer = await withoutClient({ viewport: PHONE });
  const parent = await withoutClient({ viewport: PHONE });
  const email = `tanpa-klien-${Date.now()}@siar.example`;
  try {
    await signIn(staff.page, COORDINATOR);
    const page = volunteer.page;
    await registerVolunteer(page, 'Rudi Tanpa Klien', email);
    await signInByLink(page, staff.page, email);
    await page.goto(`${BASE}/volunteer/open?skill=host`);
    const open = page.locator('li.card:has(button[aria-label^="Daftar: Pembawa acara"])').first();
    const sessionHref = await open.locator('h2 a').getAttribute('href');
    await Promise.all([page.waitForNavigation(), open.locator('button[aria-label^="Daftar: Pembawa acara"]').click()]);
    assert.match(page.url(), /\/volunteer\/me#signup-/);
    const mine = page.locator(`li.card:has(h2 a[href="${sessionHref}"])`);
    assert.equal(await mine.locator('[data-testid="signup-status"]').textContent(), 'Terdaftar');
    await Promise.all([page.waitForNavigation(), mine.locator('button[aria-label^="Mundur"]').click()]);
    const roster = await staff.page.request.get(`${BASE}/api/v1/sessions/${sessionHref.split('/').pop()}/roster`);
    const entries = (await roster.json()).entries.map((e) => `${e.name}:${e.status}`);
    assert.ok(entries.includes('Rudi Tanpa Klien:withdrawn'), entries.join(', '));

    // The parent registers a child's entry; the uploader says it needs the client.
    const entrant = parent.page;
    await entrant.goto(`${BASE}/contests/${await openContest()}`);
    await entrant.fill('#entry-entrant_name', 'Sinta Tanpa Klien');
    await entrant.fill('#entry-birth_date', `${new Date().getFullYear() - 9}-05-01`);
    await entrant.fill('#entry-school', 'SD Negeri 1 Makassar');
    await entrant.fill('#entry-city', 'Makassar');
    await entrant.fill('#entry-guardian_name', 'Ibu Wati');
    await entrant.fill('#entry-contact_email', `wati.${Date.now()}@example.id`);
    await entrant.fill('#entry-title', 'La Upe');
    await entrant.check('#entry-consent_rules');
    await submit(entrant, '#register button[type="submit"]');
    assert.match(entrant.url(), /\/contest-entry\/[A-Za-z0-9_-]+\?registered=1/);
    const upload = entrant.locator('[data-testid="upload-form"] button[type="submit"]');
    assert.equal(await upload.isDisabled(), true);
    assert.match(await entrant.textContent('[data-testid="upload-status"]'), /memerlukan JavaScript/);
    assert.ok(parent.clientRequests.length > 0, 'the entry page loads the uploader\'s code (refused here)');
  } finally {
    await staff.close();
    await volunteer.close();
    await parent.close();
  }
});

/** The demo judge (server/src/demo.rs). */
const JUDGE = { email: 'juri@siar.example', password: 'siar-demo-juri', name: 'Juri Lomba' };

/** A date-time input's value, `minutes` from now in Makassar's time (UTC+8). */
function makassarInput(minutes) {
  return new Date(Date.now() + (8 * 60 + minutes) * 60_000).toISOString().slice(0, 16);
}

/** Registers an entry through the contest page's form; returns its private page's URL. */
async function registerEntry(page, slug, name, title) {
  await page.goto(`${BASE}/contests/${slug}`);
  await page.fill('#entry-entrant_name', name);
  await page.fill('#entry-birth_date', `${new Date().getFullYear() - 9}-05-01`);
  await page.fill('#entry-school', 'SD Negeri 2 Makassar');
  await page.fill('#entry-city', 'Makassar');
  await page.fill('#entry-guardian_name', 'Ibu Nur');
  await page.fill('#entry-contact_email', `nur.${Date.now()}.${title.length}@example.id`);
  await page.fill('#entry-title', title);
  await page.check('#entry-consent_rules');
  await page.check('#entry-consent_publication');
  await submit(page, '#register button[type="submit"]');
  assert.match(page.url(), /\/contest-entry\/[A-Za-z0-9_-]+\?registered=1/);
  return page.url().split('?')[0];
}

/** Sends an entry's video by the tus protocol, as the uploader would: the one step of the
 * journey that needs the client, so the test does it for the parent. */
async function uploadVideo(request, entryUrl) {
  const token = entryUrl.split('/').pop();
  const bytes = Buffer.alloc(64 * 1024);
  Buffer.from('\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41', 'latin1').copy(bytes);
  const b64 = (text) => Buffer.from(text).toString('base64');
  const created = await request.post(`${BASE}/uploads/tus/`, { headers: {
    'tus-resumable': '1.0.0', 'upload-length': String(bytes.length),
    'upload-metadata': `entry ${b64(token)},filename ${b64('dongeng.mp4')}`,
  } });
  assert.equal(created.status(), 201, await created.text());
  const sent = await request.patch(new URL(created.headers().location, BASE).href, {
    headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
    data: bytes,
  });
  assert.equal(sent.status(), 204, await sent.text());
}

test('the contest\'s forms (setup, judges, checks, scores, conflict, publication) work with the client blocked', async () => {
  const staff = await withoutClient();
  const parent = await withoutClient({ viewport: PHONE });
  const judge = await withoutClient();
  const slug = `lomba-formulir-${Date.now().toString(36)}`;
  const scored = `Sinta ${Date.now()}`;
  // Titles of this run only: a judge also sees other contests' entries.
  const [first, second] = [`Kisah Pertama ${slug}`, `Kisah Kedua ${slug}`];
  const page = staff.page;
  try {
    await signIn(page, COORDINATOR);

    // A program of kind contest, then its contest set up with the setup form.
    await page.goto(`${BASE}/staff/programs`);
    await page.fill('#program-name', `Lomba Formulir ${slug}`);
    await page.fill('#program-slug', slug);
    await page.selectOption('#program-kind', 'contest');
    await page.selectOption('#program-status', 'published');
    await submit(page, '#program-new button[type="submit"]');
    await page.goto(`${BASE}/staff/contests`);
    await page.selectOption('#contest-program_id', { label: `Lomba Formulir ${slug}` });
    await page.fill('#contest-rules', 'Video 3 sampai 7 menit.');
    await page.fill('#contest-opens_at', makassarInput(-60));
    await page.fill('#contest-closes_at', makassarInput(24 * 60));
    await page.fill('#contest-age_reference_date', '2027-01-31');
    await page.fill('#contest-categories', '7–12 tahun; 7; 12');
    await page.fill('#contest-criteria', 'Ekspresi; 2\nVokal; 1');
    await submit(page, '#new-contest + form button[type="submit"]');
    assert.match(page.url(), /\/staff\/contests\/[0-9a-f-]+\?done=1/);
    const contestPage = page.url().split('?')[0];

    // The demo judge is given the category.
    await page.check(`fieldset:has(legend:text-is("${JUDGE.name}")) input[name="assign"]`);
    await submit(page, 'form[action$="/judges"] button[type="submit"]');
    assert.equal(await page.isChecked(`fieldset:has(legend:text-is("${JUDGE.name}")) input[name="assign"]`), true);

    // Two entries, each with its video; staff find both eligible.
    const entries = [await registerEntry(parent.page, slug, scored, first),
      await registerEntry(parent.page, slug, `Budi ${Date.now()}`, second)];
    for (const entry of entries) await uploadVideo(parent.page.request, entry);
    await page.goto(contestPage);
    for (const title of [first, second]) {
      await submit(page, `tr:has-text("${title}") button[value="yes"]`);
      assert.match(page.url(), /reviewed=1/);
      assert.match(await page.locator('tr', { hasText: title }).locator('[data-testid="entry-state"]').textContent(), /memenuhi syarat/);
    }

    // The judge scores the first and declares a conflict on the second.
    const bench = judge.page;
    await bench.goto(`${BASE}/login`);
    await bench.fill('#email', JUDGE.email);
    await bench.fill('#password', JUDGE.password);
    await submit(bench, 'button[type="submit"]');
    await bench.click(`a:has-text("${first}")`);
    for (const input of await bench.locator('input[type="number"]').all()) await input.fill('9');
    await bench.fill('#comment', 'Suara jelas.');
    await submit(bench, 'button:has-text("Simpan nilai")');
    assert.match(bench.url(), /saved=1/);
    assert.equal(await bench.inputValue('#comment'), 'Suara jelas.');
    await bench.goto(`${BASE}/judge`);
    await bench.click(`a:has-text("${second}")`);
    await bench.click('main details > summary');
    await bench.fill('#conflict-note', 'Murid saya sendiri.');
    await submit(bench, 'form[action$="/conflict"] button[type="submit"]');
    assert.match(bench.url(), /\/judge\?conflict=1/);
    assert.doesNotMatch(await bench.textContent('main'), new RegExp(second));

    // Staff see the score and the conflict, close entries with the setup form and publish.
    await page.goto(contestPage);
    assert.match(await page.textContent('#ranking'), new RegExp(scored));
    assert.match(await page.textContent('#judges'), /Murid saya sendiri/);
    await page.fill('#contest-closes_at', makassarInput(-1));
    await submit(page, 'form:has(#contest-closes_at) button[type="submit"]');
    assert.match(page.url(), /done=1/);
    await page.check('#publish-confirm');
    await submit(page, 'button:has-text("Umumkan hasil")');
    assert.match(page.url(), /published=1/);
    await page.goto(`${BASE}/contests/${slug}/results`);
    assert.match(await page.textContent('main'), new RegExp(scored));

    assert.ok(staff.clientRequests.length > 0, 'the staff pages load client code (refused here)');
  } finally {
    await staff.close();
    await parent.close();
    await judge.close();
  }
});
