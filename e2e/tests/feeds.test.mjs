// Every calendar feed of the demo, read by ical.js (a parser independent of Siar and of the
// Python check in tools/feeds): each parses, every TZID resolves through the feed's own
// VTIMEZONE (ical.js has no zone database of its own), and the expansion of the next twelve
// months equals Siar's list of sessions (start, end, status). Also the private feed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandFeed } from '../lib/ical-expand.mjs';
import { BASE, VIEWER } from './helpers.mjs';

const WINDOW_DAYS = 365;

async function getJson(path, init) {
  const response = await fetch(`${BASE}${path}`, init);
  assert.equal(response.status, 200, `${path}: HTTP ${response.status}`);
  return response.json();
}

/** Siar's own list: "start|end|STATUS" of the sessions starting in [from, to). */
async function siarSessions(from, to, extra = '') {
  const found = [];
  for (let page = 1; ; page += 1) {
    const body = await getJson(`/api/v1/sessions?from=${from.toISOString()}&to=${to.toISOString()}&per_page=500&page=${page}${extra}`);
    for (const item of body.items) {
      const status = item.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED';
      found.push(`${new Date(item.starts_at).toISOString()}|${new Date(item.ends_at).toISOString()}|${status}`);
    }
    if (page * body.per_page >= body.total) return found.sort();
  }
}

/** ical.js's expansion of `text` for [from, to), as "start|end|STATUS". */
function feedSessions(text, from, to) {
  return expandFeed(text, from, to).map((o) => `${o.start.replace('Z', '.000Z')}|${o.end.replace('Z', '.000Z')}|${o.status}`).sort();
}

async function checkFeed(path, from, to, expected) {
  const response = await fetch(`${BASE}${path}`);
  assert.equal(response.status, 200, path);
  assert.equal(response.headers.get('content-type'), 'text/calendar; charset=utf-8');
  const got = feedSessions(await response.text(), from, to);
  assert.deepEqual(got, expected, `${path}: ical.js expansion differs from Siar's sessions`);
  return got;
}

test('ical.js expands every public feed into exactly Siar\'s sessions', async () => {
  const from = new Date(Math.floor(Date.now() / 1000) * 1000);
  const to = new Date(from.getTime() + WINDOW_DAYS * 86_400_000);
  const everything = await siarSessions(from, to);
  assert.ok(everything.some((s) => s.endsWith('|CANCELLED')), 'the demo has a cancelled session');
  const feeds = await getJson('/api/v1/calendar/feeds');
  for (const feed of feeds) {
    const path = new URL(feed.url).pathname;
    let expected;
    if (path === '/calendar/all.ics') expected = everything;
    else if (path.startsWith('/calendar/programs/')) expected = await siarSessions(from, to, `&program=${path.slice(19, -4)}`);
    else if (path.startsWith('/calendar/types/')) expected = await siarSessions(from, to, `&kind=${path.slice(16, -4)}`);
    else if (path.startsWith('/calendar/partners/')) {
      const partner = await getJson(`/api/v1/partners/slug/${path.slice(19, -4)}`);
      expected = await siarSessions(from, to, `&partner=${partner.id}`);
    } else if (path === '/calendar/open-slots.ics') {
      // Sessions with a free place in some role, as the volunteering API lists them.
      const open = await getJson('/api/v1/volunteering/open');
      expected = open
        .filter((o) => o.roles.some((r) => r.capacity - r.confirmed - r.offered > 0))
        .map((o) => o.session)
        .filter((s) => new Date(s.starts_at) >= from && new Date(s.starts_at) < to)
        .map((s) => `${new Date(s.starts_at).toISOString()}|${new Date(s.ends_at).toISOString()}|${s.cancelled ? 'CANCELLED' : 'CONFIRMED'}`)
        .sort();
      assert.ok(expected.length > 0, 'the demo has sessions that need volunteers');
    }
    else assert.fail(`unexpected feed ${path}`);
    await checkFeed(path, from, to, expected);
  }

  // The moved session, alone, and the Leiden program across its clock changes.
  const listing = await getJson(`/api/v1/sessions?from=${from.toISOString()}&to=${to.toISOString()}&per_page=500`);
  const moved = listing.items.find((s) => s.detached && s.status === 'scheduled');
  assert.ok(moved, 'the demo has a moved session');
  await checkFeed(`/sessions/${moved.id}.ics`, from, to, [
    `${new Date(moved.starts_at).toISOString()}|${new Date(moved.ends_at).toISOString()}|CONFIRMED`,
  ]);
  const leiden = listing.items.filter((s) => s.tz === 'Europe/Amsterdam');
  const utcHours = new Set(leiden.map((s) => new Date(s.starts_at).getUTCHours()));
  assert.equal(utcHours.size, 2, 'Leiden at 10:00 is 09:00 UTC in winter and 08:00 UTC in summer');
});

test('the private feed parses and dies with its token', async () => {
  const login = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: VIEWER.email, password: VIEWER.password }),
  });
  assert.equal(login.status, 200);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrf_token: csrf } = await login.json();
  const links = await getJson('/api/v1/me/calendar', { headers: { cookie } });
  const path = new URL(links.url).pathname;
  const now = new Date();
  await checkFeed(path, now, new Date(now.getTime() + WINDOW_DAYS * 86_400_000), []);
  const reset = await fetch(`${BASE}/api/v1/me/calendar/reset`, {
    method: 'POST', headers: { cookie, 'x-csrf-token': csrf },
  });
  assert.equal(reset.status, 200);
  assert.equal((await fetch(`${BASE}${path}`)).status, 404);
});
