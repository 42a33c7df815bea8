// Every page, in both languages, at a phone-sized viewport: no accessibility violation
// (axe-core, WCAG 2.0, 2.1 and 2.2 A/AA), no CSP violation, the right language; the language switch works;
// browsers too old for the app get a readable page with the "navigateur trop ancien" notice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, assertAccessible, logIn, phoneContext, unlock, waitHydrated, waitSessionKept, waitSynced, watchPage } from './lib/harness.mjs';
import { withWorld } from './lib/world.mjs';
import { PAGES } from './lib/pages.mjs';

test('every page is accessible in French and English', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server, browser } = world;
    for (const locale of ['fr-FR', 'en-GB']) {
      // One browser profile per account: each page is seen by an account that may see it.
      const pages = {};
      const problems = [];
      for (const who of [undefined, 'admin', 'ambassador', 'volunteer', 'coordinator']) {
        const context = await phoneContext(browser, { locale });
        const page = await context.newPage();
        problems.push(watchPage(page));
        if (who) {
          if (locale.startsWith('fr')) {
            await logIn(page, server.url, DEMO[who]);
          } else {
            const res = await context.request.post(server.url + '/api/v1/login', {
              headers: { origin: server.url },
              data: { login: DEMO[who][0], password: DEMO[who][1], device_label: 'test' },
            });
            assert.equal(res.status(), 200);
            await page.goto(server.url + '/accueil');
            await waitHydrated(page);
            if (who === 'volunteer') {
              // The app keeps the session on the phone, then asks for the PIN on the round.
              await waitSessionKept(page);
              await page.goto(server.url + '/tournee');
              await waitHydrated(page);
              await unlock(page);
            }
          }
          // The phone's first sync has ended before its pages are visited (a navigation
          // during it can leave the round to the next page's sync).
          if (who === 'volunteer') await waitSynced(page);
        }
        pages[who ?? 'public'] = page;
      }
      const resident = await firstResident(server.url, pages.volunteer.context());
      if (locale === 'fr-FR') await flagAReport(server.url, pages.volunteer.context(), resident);
      for (const p of PAGES) {
        const page = pages[p.as ?? 'public'];
        const path = p.path.replace('{resident}', resident);
        const res = await page.goto(server.url + path);
        assert.equal(res.status(), p.status, path);
        await waitHydrated(page);
        if (p.ready) await page.locator(p.ready).first().waitFor();
        assert.equal(await page.locator('html').getAttribute('lang'), locale.slice(0, 2), p.path);
        await assertAccessible(page, `${p.name} (${locale})`);
      }
      assert.deepEqual(problems.flat(), [], locale);
      for (const page of Object.values(pages)) await page.context().close();
    }
  });
});

test('the language switch changes the language and remembers it', async () => {
  await withWorld({}, async (world) => {
    const { server, browser } = world;
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(server.url + '/');
    await waitHydrated(page);
    assert.equal(await page.locator('h1').textContent(), 'Le territoire du Civraisien en Poitou');
    await page.getByRole('link', { name: 'Read this page in English' }).click();
    await page.waitForSelector('html[lang="en"][data-hydrated="true"]');
    assert.equal(await page.locator('h1').textContent(), 'The Civraisien en Poitou territory');
    assert.match(await page.getByTestId('territory-total').textContent(), /26,641/);
    await page.goto(server.url + '/');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'the choice is remembered');
    await page.getByRole('link', { name: 'Lire cette page en français' }).click();
    await page.waitForSelector('html[lang="fr"][data-hydrated="true"]');
    await context.close();
  });
});

test('a browser too old for the app reads the page and sees the notice', async () => {
  await withWorld({}, async (world) => {
    const { server, browser } = world;
    // A modern browser never shows the notice.
    const modern = await phoneContext(browser);
    const ok = await modern.newPage();
    await ok.goto(server.url + '/');
    await waitHydrated(ok);
    assert.equal(await ok.locator('#old-browser').isVisible(), false);
    await modern.close();

    // Without WebAssembly reference types (Chrome < 96, Safari < 15) the module cannot run.
    const old = await phoneContext(browser);
    await old.addInitScript(() => {
      const validate = WebAssembly.validate.bind(WebAssembly);
      WebAssembly.validate = (bytes) => (bytes.length === 27 ? false : validate(bytes));
    });
    const page = await old.newPage();
    await page.goto(server.url + '/');
    const notice = page.locator('#old-browser');
    await notice.waitFor({ state: 'visible' });
    assert.match(await notice.textContent(), /Navigateur trop ancien/);
    assert.equal(await page.locator('tbody tr').count(), 35, 'the server-rendered page stays readable');
    await old.close();
  });
});

/** A resident of the volunteer logged in on `context`, as their phone pulls them. */
async function firstResident(baseUrl, context) {
  const pull = await context.request.post(baseUrl + '/api/sync/v1/pull', {
    headers: { origin: baseUrl },
    data: { request: { protocol: 1, cursor: null, limit: 50 } },
  });
  assert.equal(pull.status(), 200);
  const resident = (await pull.json()).changes.find((c) => c.resident)?.resident.id;
  assert.ok(resident, 'the volunteer has a resident');
  return resident;
}

// A report the server keeps but flags (its visit is unknown) and one it sets aside (its person
// is unknown), pushed as the volunteer's phone would, so that "À vérifier" is checked with rows
// and buttons in both tables.
async function flagAReport(baseUrl, context, resident) {
  const report = {
    visit: 2147483647, resident, day: new Date().toISOString().slice(0, 10), outcome: 'done',
    duration_minutes: null, mood: null, concerns: [], note: '', proposed_next: null,
  };
  const mutations = [
    { id: 'f'.repeat(32), recorded_at: Date.now(), body: { report } },
    { id: 'e'.repeat(32), recorded_at: Date.now(), body: { report: { ...report, visit: null, resident: 999999 } } },
  ];
  const push = await context.request.post(baseUrl + '/api/sync/v1/push', {
    headers: { origin: baseUrl },
    data: { request: { protocol: 1, sent_at: 0, mutations } },
  });
  assert.equal(push.status(), 200);
  const acks = (await push.json()).acks.map((a) => a.status);
  assert.deepEqual(acks, [{ applied: { flag: 'not_assigned' } }, 'quarantined']);
}
