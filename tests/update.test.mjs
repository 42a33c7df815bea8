// Updates reach users: with build v1 loaded and cached, serving build v2 and reloading online
// shows v2 and removes v1's caches; offline, the last cached version (v2) still opens. An update
// never interrupts a report being typed: the open form stays as it is, and the draft is there
// in the new version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheContents, copySite, openRound, reportDone, waitForPage, waitControlled, waitHydrated } from './lib/harness.mjs';
import { withWorld } from './lib/world.mjs';

const buildOf = (page) => page.getByTestId('build').textContent();

/** Two builds of the site in the world's directory; the world starts on v1. Build v2 differs
 * as a real release would: a changed shell file. */
function twoBuilds() {
  const builds = {};
  builds.prepare = async (dir) => {
    const v1 = await copySite(join(dir, 'site-v1'));
    builds.v2 = await copySite(join(dir, 'site-v2'));
    await appendFile(join(builds.v2, 'style.css'), '\n/* v2 */\nfooter.site { letter-spacing: 0.01em; }\n');
    return { site: v1 };
  };
  return builds;
}

test('a new build replaces the old one, online and then offline', async () => {
  const builds = twoBuilds();
  await withWorld({ prepare: builds.prepare }, async (world) => {
    const v2 = builds.v2;
    let { server } = world;
    const port = server.port;
    const { context, page, problems } = await world.page();
    await page.goto(server.url + '/');
    await waitHydrated(page);
    await waitControlled(page);
    const buildV1 = await buildOf(page);
    assert.deepEqual(Object.keys(await cacheContents(page)), [`monalisa-shell-${buildV1}`]);

    await server.stop();
    server = await world.startServer({ site: v2, port });
    await page.reload();
    await waitHydrated(page);
    const buildV2 = await buildOf(page);
    assert.notEqual(buildV2, buildV1, 'the reload shows the new build');
    // The new worker installs, activates (no worker left waiting) and removes the old caches.
    await waitForPage(page, async (v) => {
      const reg = await navigator.serviceWorker.getRegistration();
      const names = await caches.keys();
      return reg && reg.active && !reg.waiting && !reg.installing
        && names.length === 1 && names[0] === `monalisa-shell-${v}`;
    }, buildV2);
    const contents = await cacheContents(page);
    assert.deepEqual(Object.keys(contents), [`monalisa-shell-${buildV2}`]);
    const css = await page.evaluate(async (v) => {
      const hit = await (await caches.open(`monalisa-shell-${v}`)).match(`/style.css?v=${v.split('+')[1]}`);
      return hit ? hit.text() : null;
    }, buildV2);
    assert.match(css ?? '', /\/\* v2 \*\//, `the cache holds v2's files: ${JSON.stringify(contents)}`);

    // Offline: the last cached version opens.
    await server.stop();
    await context.setOffline(true);
    await page.reload();
    await waitHydrated(page);
    assert.equal(await buildOf(page), buildV2);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

test('an update never interrupts a report being typed, and the draft is there in the new version', async () => {
  const builds = twoBuilds();
  await withWorld({ demo: true, prepare: builds.prepare }, async (world) => {
    const v2 = builds.v2;
    let { server } = world;
    const port = server.port;
    const { page, problems } = await world.page();
    const [link] = await openRound(page, server.url);
    const buildV1 = await buildOf(page);
    await page.goto(server.url + link);
    await waitHydrated(page);
    await reportDone(page);
    await page.getByLabel('Remarque (courte)').fill('Elle prépare Noël');

    // v2 is deployed and its worker installs while the form is open (as the browser's own
    // update check would): the page is not reloaded, nothing typed is lost.
    await server.stop();
    server = await world.startServer({ site: v2, port });
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    await waitForPage(page, async (v) => (await caches.keys()).some((n) => n.startsWith('monalisa-shell-') && !n.endsWith(v)), buildV1);
    assert.equal(await buildOf(page), buildV1, 'the open page is still the one being typed in');
    assert.equal(await page.getByLabel('Remarque (courte)').inputValue(), 'Elle prépare Noël');
    assert.ok(await page.getByLabel('Visite faite').isChecked());

    // The next start is the new version, with the draft.
    await page.reload();
    await waitHydrated(page);
    assert.notEqual(await buildOf(page), buildV1);
    await page.getByTestId('report-form').waitFor();
    assert.equal(await page.getByLabel('Remarque (courte)').inputValue(), 'Elle prépare Noël', 'the draft, in the new version');
    assert.deepEqual(problems, []);
  });
});
