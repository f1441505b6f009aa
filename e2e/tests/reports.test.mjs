// The activity report as a staff member reads it on a 360 px phone: the period chosen by the
// form (keyboard only), every part drawn as a chart with its table, the numbers matching the
// API's, the same page in English, and the printed page (charts kept, the form left out).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, VIEWER, openBrowser, signIn, assertAccessible } from './helpers.mjs';

const day = (date) => date.toISOString().slice(0, 10);

test('staff read the year in charts and tables on a phone, in both languages and printed', async () => {
  const { page, consoleErrors, close } = await openBrowser({ viewport: { width: 360, height: 740 } });
  try {
    await signIn(page, VIEWER);
    const to = new Date();
    const from = new Date(to.getTime() - 365 * 24 * 3600 * 1000);
    const api = await page.request.get(`${BASE}/api/v1/reports/activity?from=${day(from)}&to=${day(to)}`);
    assert.equal(api.status(), 200);
    const report = await api.json();
    assert.ok(report.episodes.length >= 10, 'the demo has a year of Dongkelor audience numbers');

    // The period by the form, typed and sent by keyboard.
    await page.goto(`${BASE}/staff/reports/activity`);
    await page.fill('#report-from', day(from));
    await page.fill('#report-to', day(to));
    await page.focus('#report-to');
    await Promise.all([page.waitForURL(/\/staff\/reports\/activity\?from=.*&to=/), page.keyboard.press('Enter')]);
    await page.locator('[data-testid="report-totals"]').waitFor();
    await assertAccessible(page, 'activity report (id)');

    const charts = await page.locator('svg.bar-chart[role="img"]').count();
    assert.ok(charts >= 4, `charts drawn: ${charts}`);
    assert.equal(await page.locator('[data-testid="report-episodes"] tbody tr').count(), report.episodes.length);
    assert.equal(await page.locator('[data-testid="report-months"] tbody tr').count(), report.months.length);
    const viewers = report.months.reduce((sum, m) => sum + m.viewers, 0);
    const totals = await page.textContent('[data-testid="report-totals"]');
    assert.ok(totals.includes(viewers.toLocaleString('id-ID')), `${viewers} viewers in: ${totals}`);
    // Every chart's bars lie inside the phone's width.
    const widest = await page.$$eval('svg.bar-chart rect', (rects) => Math.max(...rects.map((r) => r.getBoundingClientRect().right)));
    assert.ok(widest <= 360, `bars end at ${widest} px`);

    // Printed: the charts stay, the form and the download link do not.
    await page.emulateMedia({ media: 'print' });
    assert.ok(await page.locator('svg.bar-chart').first().isVisible());
    assert.equal(await page.locator('form.no-print').isVisible(), false);
    await page.emulateMedia({ media: 'screen' });

    // The same report in English.
    await page.click('.site-menu summary');
    await Promise.all([page.waitForLoadState('load'), page.click('.lang-switch a[hreflang="en"]')]);
    await page.locator('[data-testid="report-totals"]').waitFor();
    assert.equal(await page.textContent('h1'), 'Activity report');
    assert.ok((await page.textContent('[data-testid="report-totals"]')).includes(viewers.toLocaleString('en-US')));
    await assertAccessible(page, 'activity report (en)');
    assert.deepEqual(consoleErrors, []);
  } finally {
    await close();
  }
});
