// Hostile text in every field a stranger or a careless paste can fill, shown in a real
// browser: names and titles that try to end the <title> element, event handlers and SVG
// payloads. Each page that shows them is opened signed out and as staff, after the client
// has hydrated; no payload may run and none may become markup. The last page passes axe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, COORDINATOR, assertAccessible, openBrowser, waitForHydration } from './helpers.mjs';

const PAYLOADS = [
  '</title><script>window.siarInjected="title"</script>',
  '<img src=x onerror="window.siarInjected=\'img\'">',
  '"><svg onload="window.siarInjected=\'svg\'">',
];
const TEXT = `Kancil ${PAYLOADS.join(' ')}`;
// Long texts also try to end the <textarea> that staff edit them in.
const LONG = `${TEXT}\n</textarea><script>window.siarInjected="textarea"</script>`;

/** Signs in through the API; the answer carries the CSRF token for later calls. */
async function apiSignIn(page) {
  const response = await page.request.post(`${BASE}/api/v1/auth/login`, {
    data: { email: COORDINATOR.email, password: COORDINATOR.password },
  });
  assert.equal(response.status(), 200);
  return (await response.json()).csrf_token;
}

async function created(page, csrf, path, data) {
  const response = await page.request.post(`${BASE}${path}`, { data, headers: { 'x-csrf-token': csrf } });
  assert.equal(response.status(), 201, `${path}: ${await response.text()}`);
  return response.json();
}

/** Local wall-clock time in Makassar, `minutes` from now, as the API takes it. */
function makassar(minutes) {
  return new Date(Date.now() + (8 * 60 + minutes) * 60_000).toISOString().slice(0, 19);
}

async function seed(page, stranger) {
  const csrf = await apiSignIn(page);
  const suffix = Math.random().toString(36).slice(2, 8);
  const program = await created(page, csrf, '/api/v1/programs', {
    name: TEXT, slug: `kancil-${suffix}`, kind: 'storytelling_broadcast', tz: 'Asia/Makassar',
    default_duration_minutes: 60, status: 'published', description: `Baris satu\n${LONG}`,
  });
  const session = (await created(page, csrf, '/api/v1/sessions', {
    program_id: program.id, start_local: makassar(3 * 24 * 60).slice(0, 13) + ':00:00',
    duration_minutes: 60, title: TEXT, host: TEXT,
  })).session;
  const partner = await created(page, csrf, '/api/v1/partners', { name: `${suffix} ${TEXT}`, kind: 'media' });
  const contestSlug = `lomba-kancil-${suffix}`;
  const contestProgram = await created(page, csrf, '/api/v1/programs', {
    name: TEXT, slug: contestSlug, kind: 'contest', tz: 'Asia/Makassar',
    default_duration_minutes: 60, status: 'published',
  });
  const contest = await created(page, csrf, '/api/v1/contests', {
    program_id: contestProgram.id, rules: LONG, opens_at: makassar(-60), closes_at: makassar(24 * 60),
    age_reference_date: '2027-01-31', max_video_minutes: 7, formats: ['mp4'], entries_per_person: 1,
    categories: [{ name: '7–12 tahun', min_age: 7, max_age: 12 }],
    criteria: [{ name: 'Ekspresi', weight: 1 }],
  });
  // The entry comes from an anonymous stranger.
  const entry = await stranger.request.post(`${BASE}/api/v1/public/contests/${contestSlug}/entries`, {
    data: {
      entrant_name: TEXT.slice(0, 190), birth_date: '2017-05-01', school: 'SD Inpres', city: 'Makassar',
      contact_email: `kancil-${suffix}@example.id`, guardian_name: 'Ibu Kancil',
      consent_rules: true, consent_publication: true, title: TEXT.slice(0, 190), description: LONG,
    },
  });
  assert.equal(entry.status(), 201, await entry.text());
  const receipt = await entry.json();
  // A cooperation agreement with the partner: every text field.
  const agreement = await created(page, csrf, '/api/v1/agreements', {
    title: TEXT, form: 'written_mou', state: 'in_force', partner_ids: [partner.id],
    program_ids: [program.id], scope: LONG, shared_rules: LONG, agreed_by: TEXT.slice(0, 120),
    costs: [{ payer: TEXT.slice(0, 120), item: TEXT.slice(0, 120), amount_idr: 1000 }],
    starts_on: '2026-01-01', agreed_on: '2026-01-01',
  });
  // A stranger registering as a volunteer (a name is at most 120 characters: one payload).
  const volunteer = await stranger.request.post(`${BASE}/api/v1/volunteers/register`, {
    data: { name: `Ani ${PAYLOADS[1]}`, email: `ani-${suffix}@example.id`, lang: 'id', skills: [] },
  });
  assert.equal(volunteer.status(), 202, await volunteer.text());
  // A second session, cancelled with a reason the public reads.
  const cancelled = (await created(page, csrf, '/api/v1/sessions', {
    program_id: program.id, start_local: makassar(4 * 24 * 60).slice(0, 13) + ':00:00',
    duration_minutes: 60,
  })).session;
  const cancel = await page.request.post(`${BASE}/api/v1/sessions/${cancelled.id}/cancel`, {
    data: { reason: TEXT }, headers: { 'x-csrf-token': csrf },
  });
  assert.equal(cancel.status(), 200, await cancel.text());
  return {
    public: [`/programs/${program.slug}`, `/sessions/${session.id}`, `/sessions/${cancelled.id}`,
      `/partners/${partner.slug}`, `/contests/${contestSlug}`, `/contest-entry/${receipt.access_token}`,
      '/schedule'],
    staff: [`/staff/programs/${program.slug}`, `/staff/sessions/${session.id}`,
      `/staff/sessions/${cancelled.id}`, `/staff/partners/${partner.slug}`,
      `/staff/agreements/${agreement.id}`, '/staff/agreements', '/staff/volunteers',
      `/staff/contests/${contest.id}`, '/staff/calendar', '/staff'],
  };
}

/** Opens `path` and fails if any payload ran or became an element. */
async function assertInert(page, dialogs, path) {
  await page.goto(`${BASE}${path}`);
  await waitForHydration(page);
  const found = await page.evaluate(() => ({
    ran: window.siarInjected ?? null,
    markup: document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload]').length,
    // Page data (JSON for hydration) may hold the text; a script whose code it is may not.
    scripts: [...document.scripts].filter((s) => s.textContent.trim().startsWith('window.siarInjected')).length,
  }));
  assert.deepEqual(found, { ran: null, markup: 0, scripts: 0 }, `${path}: a payload became markup`);
  assert.deepEqual(dialogs, [], `${path}: a dialog opened`);
}

test('hostile text in every field stays text on every page, for every viewer', async () => {
  const staff = await openBrowser();
  const visitor = await openBrowser({ viewport: { width: 360, height: 740 } });
  const dialogs = [];
  for (const page of [staff.page, visitor.page]) {
    page.on('dialog', async (dialog) => { dialogs.push(dialog.message()); await dialog.dismiss(); });
  }
  try {
    const pages = await seed(staff.page, visitor.page);
    for (const path of pages.public) {
      await assertInert(visitor.page, dialogs, path);
      await assertInert(staff.page, dialogs, path);
    }
    for (const path of pages.staff) {
      await assertInert(staff.page, dialogs, path);
    }
    // The title shows the name as text, in the tab and to screen readers.
    await staff.page.goto(`${BASE}${pages.public[0]}`);
    assert.ok((await staff.page.title()).includes('</title><script>'), await staff.page.title());
    await assertAccessible(staff.page, pages.public[0]);
    assert.deepEqual(staff.consoleErrors.filter((e) => !/status of 404/.test(e)), []);
    assert.deepEqual(visitor.consoleErrors.filter((e) => !/status of 404/.test(e)), []);
  } finally {
    await staff.close();
    await visitor.close();
  }
});
