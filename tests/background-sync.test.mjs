// Sync without the app open: a report recorded with the server down and the network cut waits
// in the outbox; every page of the app is closed; the server and the network come back; the
// browser's Background Sync event, fired through the DevTools protocol (the browser's own
// connectivity trigger cannot be exercised headless), makes the service worker deliver it:
// the server has it exactly once, the phone's outbox is empty when the app opens again.
// The worker's delivery and a page's sync hold one Web Lock: never both at once.
// And a phone whose protocol the server no longer accepts says "mettez à jour l'application",
// with a button that loads the new version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openRound, reportDone, reportsOnServer, waitForPage, waitHydrated, waitPending, waitSynced } from './lib/harness.mjs';
import { withWorld } from './lib/world.mjs';

test('the service worker delivers the outbox with no page of the app open, exactly once', async () => {
  await withWorld({ demo: true }, async (world) => {
    let { server } = world;
    const port = server.port;
    const { context, page, problems } = await world.page();
    const { before, devtools, registrationId } = await reportWithNoSignal(world, context, page);
    // The page asked for a Background Sync.
    await waitForPage(page, async () => {
      const reg = await navigator.serviceWorker.ready;
      return (await reg.sync.getTags()).includes('monalisa-outbox');
    });

    // Every page of the app closed; the server and the network back.
    const blank = await context.newPage(); // not the app's: keeps the browser context alive
    await page.close();
    server = await world.startServer({ port });
    await context.setOffline(false);

    // The browser's sync event, fired as it would fire it on its own when the network returns.
    const tools = await context.newCDPSession(blank);
    await tools.send('ServiceWorker.enable');
    await tools.send('ServiceWorker.dispatchSyncEvent', {
      origin: server.url, registrationId, tag: 'monalisa-outbox', lastChance: false,
    });
    const deadline = Date.now() + 30_000;
    while ((await reportsOnServer(server)).length === before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal((await reportsOnServer(server)).length, before + 1, 'delivered by the worker');
    // Fired again (the browser may retry): nothing doubles, the outbox is empty.
    await tools.send('ServiceWorker.dispatchSyncEvent', {
      origin: server.url, registrationId, tag: 'monalisa-outbox', lastChance: true,
    });

    // The app, opened again: nothing waits, and the report is the team's.
    const again = await context.newPage();
    await again.goto(server.url + '/tournee');
    await waitHydrated(again);
    await waitPending(again, 0);
    await waitSynced(again);
    assert.equal((await reportsOnServer(server)).length, before + 1, 'exactly once');
    assert.deepEqual(problems, []);
  });
});

test("the worker's delivery and a page's sync never overlap (one Web Lock), and deliver once", async () => {
  await withWorld({ demo: true }, async (world) => {
    let { server } = world;
    const port = server.port;
    const { context, page, problems } = await world.page();
    const { before, devtools, registrationId } = await reportWithNoSignal(world, context, page);

    // Something holds the sync lock (as a page's sync in progress would); the network returns:
    // the page's own sync (asked with its button: the DevTools session attached above keeps
    // Chromium from firing "online" in this page) and the worker's delivery both wait for it.
    const user = (await page.evaluate(() => new Promise((resolve) => {
      const open = indexedDB.open('monalisa');
      open.onsuccess = () => {
        const get = open.result.transaction('meta').objectStore('meta').get('session');
        get.onsuccess = () => { open.result.close(); resolve(JSON.parse(get.result).user); };
      };
    })));
    // eslint-disable-next-line no-undef
    await page.evaluate(async (u) => { window.testRelease = await monalisaVault.syncLock(u); }, user);
    server = await world.startServer({ port });
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Synchroniser' }).click();
    await page.getByRole('button', { name: 'Synchronisation…' }).waitFor();
    await devtools.send('ServiceWorker.dispatchSyncEvent', { origin: server.url, registrationId, tag: 'monalisa-outbox', lastChance: false });
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal((await reportsOnServer(server)).length, before, 'nothing sent while the lock is held');
    assert.equal(await page.getByRole('button', { name: 'Synchronisation…' }).count(), 1, "the page's sync waits");
    await page.evaluate(() => window.testRelease());
    await waitPending(page, 0);
    await waitSynced(page);
    assert.equal((await reportsOnServer(server)).length, before + 1, 'delivered once, by one of the two');
    assert.deepEqual(problems, []);
  });
});

test('a phone whose protocol the server no longer accepts says to update the app', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server } = world;
    const { context, page, problems } = await world.page();
    await openRound(page, server.url);
    // A later server that dropped this phone's protocol answers as this one does for an
    // unknown version (tests/…/sync_http.rs checks that answer on the real server).
    await context.route('**/api/sync/v1/pull', (route) => route.fulfill({
      status: 426, contentType: 'application/json', body: JSON.stringify({ code: 'upgrade_required' }),
    }));
    await page.getByRole('button', { name: 'Synchroniser' }).click();
    const error = page.getByTestId('sync-error');
    await error.waitFor();
    assert.match(await error.textContent(), /mettez à jour l'application/);
    await context.unroute('**/api/sync/v1/pull');
    // The button loads the page again, new version included; the sync then works.
    await page.getByTestId('update-app').click();
    await page.waitForLoadState('load');
    await waitHydrated(page);
    await page.getByTestId('sync-error').waitFor({ state: 'detached', timeout: 30_000 });
    assert.deepEqual(problems, []);
  });
});

/** On the round, then with the server stopped and the network cut: a report saved, waiting in
 * the outbox. Returns how many reports the server had, a DevTools session on the page and the
 * worker's registration as the DevTools protocol names it. */
async function reportWithNoSignal(world, context, page) {
  const { server } = world;
  const [link] = await openRound(page, server.url);
  const before = (await reportsOnServer(server)).length;
  const devtools = await context.newCDPSession(page);
  const registered = new Promise((resolve) => devtools.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
    const mine = registrations.find((r) => r.scopeURL === server.url + '/' && !r.isDeleted);
    if (mine) resolve(mine.registrationId);
  }));
  await devtools.send('ServiceWorker.enable');
  const registrationId = await registered;
  await server.stop();
  await context.setOffline(true);
  await page.goto(server.url + link);
  await waitHydrated(page);
  await page.getByTestId('report-form').waitFor();
  await reportDone(page);
  await page.getByRole('button', { name: 'Enregistrer le compte rendu' }).click();
  await page.getByText('Enregistré sur le téléphone').waitFor();
  await waitPending(page, 1);
  return { before, devtools, registrationId };
}
