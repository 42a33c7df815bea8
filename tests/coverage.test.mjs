// The coordinator's coverage view in a real browser: the map of the 35 communes and its table,
// the CSV downloaded as a spreadsheet would open it; and no resident's name in the page's raw
// HTML, in what the browser keeps (IndexedDB, caches) or in the CSV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEMO, assertAccessible, cachedText, indexedDbText, logIn, phoneContext, watchPage } from './lib/harness.mjs';
import { withWorld } from './lib/world.mjs';


test('a coordinator sees the map and the table, downloads the CSV, and no name anywhere', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server, browser } = world;
    // Names of real residents of the demo (the first scope's), to look for.
    const desk = await (await phoneContext(browser)).newPage();
    await logIn(desk, server.url, DEMO.ambassador);
    const people = await desk.request.post(server.url + '/api/v1/people/list', { headers: { origin: server.url }, data: {} });
    assert.equal(people.status(), 200);
    const names = (await people.json()).residents.map((r) => r.name);
    assert.ok(names.length > 10);

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR', acceptDownloads: true });
    const page = await ctx.newPage();
    const problems = watchPage(page);
    await logIn(page, server.url, DEMO.coordinator);
    await page.locator('main').getByRole('link', { name: 'Couverture du territoire' }).click();
    await page.getByTestId('coverage-map').waitFor();
    assert.equal(await page.locator('[data-testid="coverage-map"] path[data-insee]').count(), 35);
    assert.equal(await page.locator('[data-testid="commune-row"]').count(), 35);
    const classes = await page.locator('[data-testid="coverage-map"] path[data-insee]').evaluateAll(
      (paths) => paths.map((p) => p.getAttribute('class')));
    assert.ok(classes.every((c) => /^c[0-4]$/.test(c)), classes.join(' '));
    await page.getByTestId('territory-row').waitFor();
    await assertAccessible(page, 'coverage');
    // On a laptop screen the map sits beside its table (on a phone they stack).
    const map = await page.getByTestId('coverage-map').boundingBox();
    const table = await page.getByTestId('coverage-table').boundingBox();
    assert.ok(map.x + map.width <= table.x && map.y < table.y + table.height, `map ${JSON.stringify(map)} table ${JSON.stringify(table)}`);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-link').click()]);
    assert.match(download.suggestedFilename(), /^monalisa-indicateurs-\d{4}-\d{2}-\d{4}-\d{2}\.csv$/);
    const bytes = await readFile(await download.path());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a BOM');
    const csv = bytes.toString('utf8').slice(1);
    const lines = csv.split('\r\n').filter((l) => l);
    assert.equal(lines.length, 1 + 35 * 12 + 12);
    assert.ok(lines[0].startsWith('Commune;Code INSEE;Mois;'));

    const html = await (await page.request.get(server.url + '/coordination')).text();
    const kept = (await page.evaluate(indexedDbText)) + (await cachedText(page));
    for (const name of names) {
      for (const [what, text] of [['HTML', html], ['CSV', csv], ['browser storage', kept]]) {
        assert.ok(!text.includes(name), `${name} in the coordinator's ${what}`);
      }
    }
    assert.deepEqual(problems, []);
  });
});
