// The walking skeleton works as a real offline app: SSR page, hydration, IndexedDB and a
// server function; then with the server stopped and the network cut, the page still opens
// from the service worker, hydrates, and IndexedDB still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitControlled, waitHydrated } from './lib/harness.mjs';
import { withWorld } from './lib/world.mjs';

async function runDeviceCheck(page) {
  const before = await page.evaluate(() => document.querySelector('[data-testid="device-count"]')?.textContent ?? null);
  await page.getByTestId('device-check-button').click();
  await page.getByTestId('device-server').waitFor();
  await page.waitForFunction((prev) => {
    const el = document.querySelector('[data-testid="device-count"]');
    return el && el.textContent !== prev;
  }, before);
  return {
    storageOk: await page.getByTestId('device-storage').getAttribute('data-ok'),
    count: (await page.getByTestId('device-count').textContent()).match(/\d+/)[0],
    serverOk: await page.getByTestId('device-server').getAttribute('data-ok'),
  };
}

test('the page hydrates, uses IndexedDB and a server function, and works offline', async () => {
  await withWorld({}, async (world) => {
    const { browser } = world;
    let { server } = world;
    const { context, page, problems } = await world.page();

    const response = await page.goto(server.url + '/');
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-security-policy'], /script-src 'self' 'nonce-[A-Za-z0-9_-]+' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(response.headers()['content-security-policy'], /unsafe-inline/);
    await waitHydrated(page);
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
    assert.equal(await page.getByTestId('communes').locator('tbody tr').count(), 35);
    assert.match(await page.getByTestId('territory-total').textContent(), /35 communes.*26\u202f641/);

    // Online: IndexedDB write + read, and the server answers.
    assert.deepEqual(await runDeviceCheck(page), { storageOk: 'true', count: '1', serverOk: 'true' });
    await waitControlled(page);

    // Make the server unreachable (stop it: setOffline alone does not cut the worker's own
    // fetches, Playwright #2311) and cut the browser's network.
    await server.stop();
    await context.setOffline(true);
    await page.reload();
    await waitHydrated(page);
    assert.equal(await page.getByTestId('communes').locator('tbody tr').count(), 35);
    assert.equal(await page.locator('#offline-banner').isVisible(), true);

    // IndexedDB still works (and kept the first check); the server is reported unreachable.
    assert.deepEqual(await runDeviceCheck(page), { storageOk: 'true', count: '2', serverOk: 'false' });
    assert.deepEqual(problems, []);

    // A page never saved on the device: a clear offline page that links back home.
    const unseen = await page.goto(server.url + '/jamais-vue');
    assert.equal(unseen.status(), 503);
    assert.equal(await page.locator('h1').textContent(), 'Hors connexion');
    await page.getByRole('link', { name: "Retour à l'accueil" }).click();
    await waitHydrated(page);
    assert.equal(await page.getByTestId('communes').locator('tbody tr').count(), 35);

    // Back online: the same origin (same port) answers again.
    server = await world.startServer({ port: server.port });
    await context.setOffline(false);
    await page.goto(server.url + '/');
    await waitHydrated(page);
    assert.deepEqual(await runDeviceCheck(page), { storageOk: 'true', count: '3', serverOk: 'true' });
    await context.close();
  });
});
