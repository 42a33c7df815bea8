// The volunteer's offline round, end to end: log in online, then with the server stopped and
// the network cut, record three reports and leave a draft; reload while still offline (round,
// draft and the three pending reports are all there); bring the server and the network back:
// the server holds exactly those three reports, and a second sync doubles nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO, assertAccessible, logIn, reportDone, reportsOnServer, userDb, waitControlled, waitForPage, waitHydrated, waitSynced,
} from './lib/harness.mjs';
import { withWorld } from './lib/world.mjs';

const pending = (page) => page.getByTestId('sync-status').getAttribute('data-pending');


/** The note of a draft, read from the user's IndexedDB database and decrypted with the app's
 * own key (runs in the page). */
async function readDraftNote([db, key]) {
  {
    const stored = await new Promise((resolve) => {
      const open = indexedDB.open(db);
      open.onsuccess = () => {
        const get = open.result.transaction('drafts').objectStore('drafts').get(key);
        get.onsuccess = () => { open.result.close(); resolve(get.result); };
      };
    });
    if (!stored) return null;
    // eslint-disable-next-line no-undef
    const [text] = await monalisaVault.reveal([stored]);
    return text ? JSON.parse(text).note : null;
  }
}

test('three reports recorded offline reach the server exactly once', async () => {
  await withWorld({ demo: true }, async (world) => {
    let { server } = world;
    const port = server.port;
    const { context, page, problems } = await world.page();
    await logIn(page, server.url, DEMO.volunteer);
    await page.goto(server.url + '/tournee');
    await waitHydrated(page);
    await waitControlled(page);
    await page.getByTestId('visit').first().waitFor();
    assert.equal(await pending(page), '0');
    // The offline pages are kept by the service worker after login.
    await waitForPage(page, async () => {
      const urls = Object.values(await (async () => {
        const out = {};
        for (const n of await caches.keys()) out[n] = (await (await caches.open(n)).keys()).map((r) => new URL(r.url).pathname);
        return out;
      })()).flat();
      return ['/tournee', '/compte-rendu', '/personne'].every((p) => urls.includes(p));
    });
    const links = await page.locator('[data-testid="visit"] a.primary').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(links.length >= 1, 'a round to work with');

    // No signal at the door.
    await server.stop();
    await context.setOffline(true);
    const targets = [0, 1, 2].map((i) => links[i % links.length]);
    for (const [i, href] of targets.entries()) {
      // Three reports: on distinct visits when the round has them, else a second on a card.
      const url = i < links.length ? href : href.replace(/visite=\d+&/, '');
      await page.goto(server.url + url);
      await waitHydrated(page);
      const form = page.getByTestId('report-form');
      await form.waitFor();
      await reportDone(page);
      await page.getByLabel('Durée (minutes)').fill(String(30 + i * 10));
      if (i === 0) {
        await page.getByLabel('Une chute').check();
        await page.getByTestId('emergency-reminder').waitFor({ state: 'visible' });
      }
      await page.getByRole('button', { name: 'Enregistrer le compte rendu' }).click();
      await page.getByText('Enregistré sur le téléphone').waitFor();
    }
    // The sync line counts the outbox once the last save is through (it redraws after it).
    await page.waitForFunction(() => document.querySelector('[data-testid="sync-status"]')?.dataset.pending === '3');

    // A draft left half-typed (the phone locks, the app reloads).
    const draftUrl = links[0].replace(/visite=\d+&/, '');
    const draftKey = `resident:${new URL(server.url + draftUrl).searchParams.get('personne')}`;
    await page.goto(server.url + draftUrl);
    await waitHydrated(page);
    await reportDone(page);
    await page.getByLabel('Remarque (courte)').fill('brouillon en cours');
    // Saved as it is typed: wait until the draft is in IndexedDB.
    const userDatabase = await userDb(page);
    await waitForPage(page, readDraftNote, [userDatabase, draftKey]).then(async () => {
      assert.equal(await page.evaluate(readDraftNote, [userDatabase, draftKey]), 'brouillon en cours');
    });

    // Reload, still offline: the round, the draft and the pending reports are all there.
    await page.reload();
    await waitHydrated(page);
    assert.equal(await page.getByLabel('Remarque (courte)').inputValue(), 'brouillon en cours');
    await page.goto(server.url + '/tournee');
    await waitHydrated(page);
    await page.getByTestId('visit').first().waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="sync-status"]')?.dataset.pending === '3');

    // The server and the network come back: the app syncs by itself.
    server = await world.startServer({ port });
    await context.setOffline(false);
    await page.waitForFunction(() => document.querySelector('[data-testid="sync-status"]')?.dataset.pending === '0', null, { timeout: 30_000 });
    const first = await reportsOnServer(server);
    assert.equal(first.length, 3, 'exactly the three reports');
    assert.equal(new Set(first).size, 3, 'none doubled');

    // A second sync changes nothing.
    await page.getByRole('button', { name: 'Synchroniser' }).click();
    await page.getByRole('button', { name: 'Synchroniser' }).waitFor();
    assert.deepEqual((await reportsOnServer(server)).sort(), first.sort());
    // The reports show as received on the resident's card, with the concern's state.
    await page.goto(server.url + links[0].replace('/compte-rendu?visite=', '/personne?x=').replace(/x=\d+&personne=/, 'id='));
    await waitHydrated(page);
    await page.getByTestId('history-item').first().waitFor();
    assert.match(await page.getByTestId('resident-card').textContent(), /\S/);
    assert.match(await page.locator('.history').textContent(), /reçu par l'équipe/);
    assert.match(await page.locator('.history').textContent(), /Une chute — signalement reçu par l'équipe/);
    assert.deepEqual(problems, []);
    await context.close();
  });

});

// "Je ne peux pas" at the door, with no network: the visit shows as declined, can be taken back
// until it is sent, and stays declined after a reload; back online, it reaches the server
// once, leaves the round, and the ambassador finds it to re-plan with the volunteer's words.
test('a visit declined with the network cut is shown declined, then reaches the ambassador', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server } = world;
    const { context, page, problems } = await world.page();
    await logIn(page, server.url, DEMO.volunteer);
    await page.goto(server.url + '/tournee');
    await waitHydrated(page);
    await waitControlled(page);
    await waitSynced(page);
    const first = page.getByTestId('visit').first();
    await first.waitFor();
    const name = (await first.locator('.who strong').textContent()).trim();
    const before = await page.getByTestId('visit').count();

    await context.setOffline(true);
    await first.getByRole('button', { name: 'Je ne peux pas' }).click();
    await page.getByLabel('Pourquoi ? (facultatif)').fill('Rendez-vous chez le médecin');
    await page.getByRole('button', { name: 'Prévenir mon ambassadeur' }).click();
    await page.getByTestId('visit-declined').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="sync-status"]')?.dataset.pending === '1');
    await assertAccessible(page, 'round with a declined visit');
    // Undoable until it is sent: taken back, the visit is as it was; then declined again.
    await page.getByRole('button', { name: 'Finalement je peux' }).click();
    await page.getByText('C\'est repris').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="visit-declined"]').length === 0);
    await page.waitForFunction(() => document.querySelector('[data-testid="sync-status"]')?.dataset.pending === '0');
    await first.getByRole('button', { name: 'Je ne peux pas' }).click();
    await page.getByLabel('Pourquoi ? (facultatif)').fill('Rendez-vous chez le médecin');
    await page.getByRole('button', { name: 'Prévenir mon ambassadeur' }).click();
    await page.getByTestId('visit-declined').waitFor();
    await page.reload();
    await waitHydrated(page);
    await page.getByTestId('visit-declined').waitFor();
    assert.equal(await page.getByTestId('visit').count(), before, 'still on the round until it is sent');

    await context.setOffline(false);
    await page.getByRole('button', { name: 'Synchroniser' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="sync-status"]')?.dataset.pending === '0', null, { timeout: 30_000 });
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="visit"]').length === n - 1, before, { timeout: 30_000 });
    assert.equal(await page.getByTestId('visit-declined').count(), 0);

    const { page: desk, problems: deskProblems } = await world.page();
    await logIn(desk, server.url, DEMO.ambassador);
    await desk.goto(server.url + '/planification');
    const declined = desk.getByTestId('declined-visit').filter({ hasText: name });
    await declined.first().waitFor();
    assert.equal(await declined.count(), 1, 'once');
    assert.match(await declined.textContent(), /Rendez-vous chez le médecin/);
    assert.deepEqual(problems, []);
    assert.deepEqual(deskProblems, []);
  });
});

// The volunteer's absences, with the network cut: one declared and taken back before it left,
// one declared, sent, then listed from the server (protocol 2) and cancelled offline; the
// cancellation survives a reload and, once sent, the absence leaves the list the server sends.
test('a volunteer declares, takes back and cancels absences with the network cut', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server } = world;
    const { context, page, problems } = await world.page();
    await logIn(page, server.url, DEMO.volunteer);
    await page.goto(server.url + '/absences');
    await waitHydrated(page);
    await waitControlled(page);
    await waitSynced(page);
    await page.getByTestId('absence-form').waitFor();
    const listed = () => page.locator('[data-testid="absence"]').count();
    const before = await listed();
    const day = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
    const [first, last] = [day(40), day(41)];
    const declare = async () => {
      await page.getByLabel('Du', { exact: true }).fill(first);
      await page.getByLabel('Au (inclus)').fill(last);
      await page.getByRole('button', { name: 'Déclarer l\'absence' }).click();
      await page.getByText('Absence enregistrée').waitFor();
      await page.getByTestId('absence-pending').waitFor();
    };

    await context.setOffline(true);
    await declare();
    await page.waitForFunction(() => document.querySelector('[data-testid="sync-status"]')?.dataset.pending === '1');
    await assertAccessible(page, 'absences, one on the phone');
    await page.getByTestId('absence-pending').getByRole('button', { name: 'Annuler cette absence' }).click();
    await page.getByText('Absence retirée avant son envoi').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="sync-status"]')?.dataset.pending === '0');
    assert.equal(await page.getByTestId('absence-pending').count(), 0);

    await declare();
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Synchroniser' }).click();
    const cancel = page.locator(`button[data-action="absence-cancel"][data-first="${first}"][data-last="${last}"]`);
    await cancel.waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('absence-pending').count(), 0);
    assert.equal(await listed(), before + 1, 'listed once, from the server');

    await context.setOffline(true);
    await cancel.click();
    await page.getByText('Annulation enregistrée').waitFor();
    await page.getByText('annulation pas encore envoyée').waitFor();
    await page.reload();
    await waitHydrated(page);
    await page.getByText('annulation pas encore envoyée').waitFor();
    assert.equal(await cancel.count(), 0);
    await assertAccessible(page, 'absences, a cancellation on the phone');

    await context.setOffline(false);
    await page.getByRole('button', { name: 'Synchroniser' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="sync-status"]')?.dataset.pending === '0', null, { timeout: 30_000 });
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="absence"]').length === n, before, { timeout: 30_000 });
    assert.equal(await page.getByText('annulation pas encore envoyée').count(), 0);
    assert.deepEqual(problems, []);
  });
});

// The installed app starts on "/": a volunteer's phone goes straight on to the round, online
// and with no signal at all (server stopped, network cut); other roles keep the territory page.
test('a volunteer\'s phone opens on the round, online and offline', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server } = world;
    const { page: desk, problems: deskProblems } = await world.page();
    await logIn(desk, server.url, DEMO.ambassador);
    await desk.goto(server.url + '/');
    await waitHydrated(desk);
    await desk.getByTestId('communes').waitFor();
    assert.equal(new URL(desk.url()).pathname, '/', 'an ambassador stays on the territory page');

    const { context, page, problems } = await world.page();
    await logIn(page, server.url, DEMO.volunteer);
    await page.goto(server.url + '/tournee');
    await waitHydrated(page);
    await waitControlled(page);
    await waitSynced(page);
    await page.goto(server.url + '/');
    await page.waitForURL(server.url + '/tournee');
    await waitHydrated(page);
    await page.getByTestId('visit').first().waitFor();

    await server.stop();
    await context.setOffline(true);
    await page.goto(server.url + '/');
    await page.waitForURL(server.url + '/tournee');
    await waitHydrated(page);
    await page.getByTestId('visit').first().waitFor();
    await page.goBack().catch(() => {});
    assert.notEqual(new URL(page.url()).pathname, '/', '"back" does not return to the census table');
    assert.deepEqual(problems, []);
    assert.deepEqual(deskProblems, []);
  });
});
