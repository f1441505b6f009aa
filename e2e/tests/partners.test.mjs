// Partners and agreements in the browser: a coordinator records an oral agreement with the
// newspaper covering Dongkelor, attaches a PDF (a text file is refused with the reason), the
// newspaper's private page, opened without an account or JavaScript, shows the agreement and
// its document, and the dashboard's card lists it as ending soon. Every page passes axe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, COORDINATOR, openBrowser, waitForHydration, assertAccessible, signIn } from './helpers.mjs';

/** A day in Makassar (UTC+8), `offset` days from today, as YYYY-MM-DD. */
function makassarDay(offset) {
  return new Date(Date.now() + 8 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);
}

test('an oral agreement with the newspaper, its PDF, the partner page and the expiry card', async () => {
  const title = `Liputan Dongkelor ${Date.now()}`;
  const staff = await openBrowser();
  const partner = await openBrowser({ javaScript: false, viewport: { width: 360, height: 740 } });
  try {
    const page = staff.page;
    await signIn(page, COORDINATOR);

    await page.goto(`${BASE}/staff/agreements`);
    await waitForHydration(page);
    await assertAccessible(page, '/staff/agreements');
    const form = page.locator('form[data-testid="new-agreement"]');
    await page.click('details.card > summary');
    await form.locator('#agreement-title').fill(title);
    await form.locator('#agreement-form').selectOption('oral');
    await form.locator('label:has-text("Harian FAJAR Makassar") input[name="partner_ids"]').check();
    await form.locator('label:has-text("Dongkelor") input[name="program_ids"]').check();
    await form.locator('#agreement-starts_on').fill(makassarDay(-30));
    await form.locator('#agreement-ends_on').fill(makassarDay(20));
    await form.locator('#agreement-agreed_by').fill('Redaktur pelaksana FAJAR');
    await form.locator('#agreement-agreed_on').fill(makassarDay(-31));
    await form.locator('#agreement-scope').fill('FAJAR memuat berita Dongkelor dua kali sebulan.');
    await Promise.all([
      page.waitForURL(/\/staff\/agreements\/[0-9a-f-]+\?done=1/),
      form.locator('button[type="submit"]').click(),
    ]);
    assert.equal(await page.textContent('h1'), title);

    // A text file named like a PDF is refused, with the reason next to the field.
    await page.setInputFiles('#document-file', {
      name: 'bukan.pdf', mimeType: 'application/pdf', buffer: Buffer.from('hanya teks'),
    });
    await Promise.all([page.waitForURL(/errors=/), page.click('#documents button[type="submit"]:not(.small)')]);
    assert.match(await page.textContent('#document-file-error'), /PDF, JPEG, PNG/);
    await assertAccessible(page, 'agreement page with an upload error');

    await page.setInputFiles('#document-file', {
      name: 'kesepakatan-liputan.pdf', mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
    });
    await Promise.all([page.waitForURL(/attached=1/), page.click('#documents button[type="submit"]:not(.small)')]);
    assert.match(await page.textContent('[data-testid="documents"]'), /kesepakatan-liputan\.pdf/);
    await assertAccessible(page, '/staff/agreements/{id}');

    // The newspaper's staff page gives its private link.
    await page.goto(`${BASE}/staff/partners`);
    await Promise.all([page.waitForURL(/\/staff\/partners\/[a-z0-9-]+$/), page.click('a:has-text("Harian FAJAR Makassar")')]);
    await assertAccessible(page, '/staff/partners/{slug}');
    const link = await page.inputValue('[data-testid="partner-access-url"]');
    assert.match(link, /\/partner-access\/[A-Za-z0-9_-]{43}$/);

    // The partner's contact opens it on a phone, without an account or JavaScript.
    await partner.page.goto(link);
    const agreement = partner.page.locator('[data-testid="partner-agreement"]', { hasText: title });
    await agreement.waitFor();
    assert.match(await agreement.textContent(), /Redaktur pelaksana FAJAR/);
    const pdf = agreement.locator('a', { hasText: 'kesepakatan-liputan.pdf' });
    const response = await partner.page.request.get(new URL(await pdf.getAttribute('href'), BASE).href);
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['content-type'], 'application/pdf');
    // axe needs scripts: the same page in a browser that runs them.
    await page.goto(link);
    await waitForHydration(page);
    await assertAccessible(page, '/partner-access/{token}');
    // Once the client has loaded, the document's link still gives the file, not a page.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="partner-agreement"]', { hasText: title })
        .locator('a', { hasText: 'kesepakatan-liputan.pdf' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'kesepakatan-liputan.pdf');
    assert.match(page.url(), /\/partner-access\//);

    // The dashboard's card lists it among the agreements ending soon.
    await page.goto(`${BASE}/staff`);
    await waitForHydration(page);
    assert.match(await page.textContent('[data-testid="expiring-agreements"]'), new RegExp(title));
    await assertAccessible(page, '/staff with the cooperation card');

    await page.goto(`${BASE}/staff/reports/partners`);
    await page.locator('[data-testid="partner-report"]').waitFor();
    await assertAccessible(page, '/staff/reports/partners');
    assert.deepEqual(staff.consoleErrors, []);
  } finally {
    await staff.close();
    await partner.close();
  }
});
