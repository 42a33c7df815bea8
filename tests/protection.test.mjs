// What is on the phone (issue 7), in a real browser with the network really cut: the volunteer
// chooses a PIN at the first login; after a report recorded offline, nothing readable (names,
// addresses, phone numbers, notes) is left in IndexedDB, the caches or the tab's storage; the
// app locks after the inactivity time (fake clock) and opens with the PIN; five wrong PINs
// wipe the readable data while the sealed report waiting in the outbox is still delivered,
// exactly once, when the network comes back, and the session then ends; a login with the
// password brings the round back. A phone that has not reached the server for the configured
// number of days wipes itself (fake clock). The PIN screens pass axe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO, PIN, assertAccessible, cachedText, secretsOf, indexedDbText, logIn, phoneContext, rawStores, reportDone, reportsOnServer, unlock, userDb, vaultState, waitControlled, waitForPage, waitHydrated,
} from './lib/harness.mjs';
import { withWorld } from './lib/world.mjs';

/** Everything the phone keeps, as text: IndexedDB, Cache Storage, the tab's storage. */
async function everythingKept(page) {
  const storage = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
  return (await page.evaluate(indexedDbText)) + (await cachedText(page)) + storage + page.url();
}

function assertNothingReadable(kept, secrets, when) {
  for (const secret of secrets) {
    const at = kept.indexOf(secret);
    assert.ok(at < 0, `"${secret}" readable on the phone ${when}: …${kept.slice(Math.max(0, at - 300), at + 100)}…`);
  }
}

const MINUTES = 60_000;

/** Polls `check` (in the test, not the page) until it holds. */
async function until(check, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${check}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('PIN, lock, five wrong PINs: nothing readable, and the sealed report still arrives once', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { browser } = world;
    let { server } = world;
    const port = server.port;
    const { context, page, problems } = await world.page();
    await page.clock.install();

    // First login on this phone: the round asks for a PIN first.
    await page.goto(server.url + '/connexion');
    await waitHydrated(page);
    await page.getByLabel('Identifiant').fill(DEMO.volunteer[0]);
    await page.getByLabel('Mot de passe').fill(DEMO.volunteer[1]);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(server.url + '/accueil');
    await page.goto(server.url + '/tournee');
    await waitHydrated(page);
    assert.equal(await vaultState(page), 'nopin');
    assert.equal(await page.getByTestId('visit').count(), 0, 'nothing shown before the PIN');
    await assertAccessible(page, 'choosing the PIN');
    await page.locator('#pin-new-1').fill('123456');
    await page.locator('#pin-new-2').fill('654321');
    await page.getByRole('button', { name: 'Enregistrer le code' }).click();
    await page.locator('#pin-new-error').waitFor({ state: 'visible' });
    await unlock(page, PIN);
    await page.getByTestId('visit').first().waitFor();
    await waitControlled(page);
    await waitForPage(page, async () => {
      const paths = [];
      for (const n of await caches.keys()) paths.push(...(await (await caches.open(n)).keys()).map((r) => new URL(r.url).pathname));
      return ['/tournee', '/compte-rendu', '/personne'].every((p) => paths.includes(p));
    });
    const secrets = await secretsOf(page);
    assert.ok(secrets.length >= 4, `the round has people: ${secrets.length}`);
    const links = await page.locator('[data-testid="visit"] a.primary').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const resident = new URL(server.url + links[0]).searchParams.get('personne');

    // No signal at the door: a report with a fall and a note.
    await server.stop();
    await context.setOffline(true);
    const note = 'Remarque-confidentielle-7731';
    await page.goto(server.url + links[0]);
    await waitHydrated(page);
    await page.getByTestId('report-form').waitFor();
    await reportDone(page);
    await page.getByLabel('Durée (minutes)').fill('40');
    await page.getByLabel('Une chute').check();
    await page.getByLabel('Remarque (courte)').fill(note);
    await page.getByRole('button', { name: 'Enregistrer le compte rendu' }).click();
    await page.getByText('Enregistré sur le téléphone').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="sync-status"]')?.dataset.pending === '1');
    assertNothingReadable(await everythingKept(page), [...secrets, note], 'after a report was recorded');

    // Five minutes without use (the server's default): the app locks, the page reloads and
    // shows nothing but the PIN screen; the PIN opens it again, still offline.
    await page.clock.fastForward(6 * MINUTES);
    await page.waitForFunction(() => document.documentElement.dataset.vault === 'locked');
    await waitHydrated(page);
    assert.equal(await page.getByTestId('report-form').count(), 0);
    await page.waitForFunction(() => document.querySelector('[data-testid="volunteer-app"]')?.textContent === '');
    await assertAccessible(page, 'the locked app');
    await unlock(page, PIN);
    await page.goto(server.url + '/tournee');
    await waitHydrated(page);
    await page.getByTestId('visit').first().waitFor();

    // Locked again; five wrong PINs: the readable data goes, the sealed report stays.
    await page.clock.fastForward(6 * MINUTES);
    await page.waitForFunction(() => document.documentElement.dataset.vault === 'locked');
    for (let i = 1; i <= 4; i += 1) {
      await page.locator('#pin-code').fill('000000');
      await page.getByRole('button', { name: 'Ouvrir' }).click();
      await page.getByTestId('pin-unlock').getByText(`Encore ${5 - i} essai(s)`).waitFor();
    }
    await page.locator('#pin-code').fill('000000');
    await page.getByRole('button', { name: 'Ouvrir' }).click();
    await page.getByTestId('wiped').waitFor({ state: 'visible' });
    assert.equal(await vaultState(page), 'wiped');
    await assertAccessible(page, 'the wiped phone');
    const stores = await page.evaluate(rawStores, await userDb(page));
    for (const store of ['residents', 'visits', 'reports', 'drafts', 'notices', 'sent']) {
      assert.deepEqual(stores[store], [], `${store} wiped`);
    }
    assert.equal(stores.outbox.length, 1, 'the report waits, sealed');
    assert.ok(stores.outbox[0][2].length > 100 && stores.outbox[0][3] === null, 'sealed, without its readable copy');
    assertNothingReadable(await everythingKept(page), [...secrets, note], 'after the wipe');
    // Reloading changes nothing: still wiped, the PIN no longer asked.
    await page.reload();
    assert.equal(await vaultState(page), 'wiped');

    // The network comes back: the sealed report is delivered, once, with its note; then the
    // phone's session ends (the data comes back only with the password).
    server = await world.startServer({ port });
    await context.setOffline(false);
    await until(async () => (await reportsOnServer(server)).length > 0, 60_000);
    const received = await reportsOnServer(server);
    assert.equal(received.length, 1, `exactly one report: ${received}`);
    const ambassador = await (await phoneContext(browser)).newPage();
    await logIn(ambassador, server.url, DEMO.ambassador);
    const dossier = await (await ambassador.request.get(server.url + `/personnes/dossier.json?id=${resident}`)).json();
    const sent = dossier.reports.filter((r) => r.note === note);
    assert.equal(sent.length, 1, 'the note reached the team');
    assert.deepEqual(sent[0].concerns.map((c) => c.kind), ['fall']);
    await until(async () => (await context.request.post(server.url + '/api/v1/session', { headers: { origin: server.url }, data: {} })).status() === 401);
    assert.deepEqual((await page.evaluate(rawStores, await userDb(page))).outbox, [], 'delivered, so gone from the phone');
    assert.deepEqual(await reportsOnServer(server), received, 'nothing sent twice');

    // A login with the password, a new PIN: the round is back.
    await logIn(page, server.url, DEMO.volunteer);
    await page.goto(server.url + '/tournee');
    await waitHydrated(page);
    assert.equal(await vaultState(page), 'open');
    await page.getByTestId('visit').first().waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });
});

test('a phone that has not reached the server for too long wipes its readable data', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server } = world;
    const { context, page, problems } = await world.page();
    await page.clock.install();
    await logIn(page, server.url, DEMO.volunteer);
    await page.goto(server.url + '/tournee');
    await waitHydrated(page);
    await page.getByTestId('visit').first().waitFor();
    await waitControlled(page);
    const secrets = await secretsOf(page);
    // The last contact: the sync after the login (waited for, so that none is still running).
    const userDatabase = await userDb(page);
    let contact = null;
    await until(async () => {
      const stores = await page.evaluate(rawStores, userDatabase);
      const sync = stores.meta[stores.metaKeys.indexOf('sync')];
      const idle = (await page.locator('button[data-action="sync"][disabled]').count()) === 0;
      contact = idle && sync && JSON.parse(sync).last_success;
      return contact;
    });

    // Thirteen days without signal: still there (behind the PIN).
    await context.setOffline(true);
    await page.clock.setSystemTime(contact + 13 * 24 * 60 * MINUTES);
    await page.reload();
    assert.equal(await vaultState(page), 'locked');
    await unlock(page, PIN);
    await page.getByTestId('visit').first().waitFor();

    // Fifteen: the default is fourteen days; the readable data goes.
    await page.clock.setSystemTime(contact + 15 * 24 * 60 * MINUTES);
    await page.reload();
    assert.equal(await vaultState(page), 'wiped');
    await page.locator('#wiped-silence').waitFor({ state: 'visible' });
    const stores = await page.evaluate(rawStores, await userDb(page));
    for (const store of ['residents', 'visits', 'reports', 'drafts', 'notices']) {
      assert.deepEqual(stores[store], [], `${store} wiped`);
    }
    assertNothingReadable(await everythingKept(page), secrets, 'after the no-contact wipe');

    // Back in coverage, a login with the password brings the round back.
    await context.setOffline(false);
    await logIn(page, server.url, DEMO.volunteer);
    await page.goto(server.url + '/tournee');
    await waitHydrated(page);
    await page.getByTestId('visit').first().waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });
});
