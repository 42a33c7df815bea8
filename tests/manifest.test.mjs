// The app is an installable PWA: the manifest is served, valid, has the fields the product
// needs, its icons exist at their declared sizes, and Chromium reports no installability error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitControlled, waitHydrated } from './lib/harness.mjs';
import { withWorld } from './lib/world.mjs';

function pngSize(buffer) {
  assert.equal(buffer.subarray(1, 4).toString('ascii'), 'PNG');
  return `${buffer.readUInt32BE(16)}x${buffer.readUInt32BE(20)}`;
}

test('manifest and icons are valid and the app is installable', async () => {
  await withWorld({ browser: false }, async (world) => {
    const { server } = world;
    const res = await fetch(server.url + '/manifest.webmanifest');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/manifest\+json/);
    const m = await res.json();
    assert.equal(m.name, 'Monalisa Visites');
    assert.equal(m.lang, 'fr');
    assert.equal(m.start_url, '/');
    assert.equal(m.display, 'standalone');
    assert.match(m.theme_color, /^#[0-9a-f]{6}$/i);
    const pngs = m.icons.filter((i) => i.type === 'image/png');
    for (const need of ['192x192', '512x512']) {
      assert.ok(pngs.some((i) => i.sizes === need && i.purpose.includes('any')), `an "any" icon of ${need}`);
    }
    assert.ok(pngs.some((i) => i.purpose.includes('maskable')), 'a maskable icon');
    for (const icon of m.icons) {
      const r = await fetch(server.url + icon.src);
      assert.equal(r.status, 200, icon.src);
      assert.equal(r.headers.get('content-type'), icon.type, icon.src);
      if (icon.type === 'image/png') assert.equal(pngSize(Buffer.from(await r.arrayBuffer())), icon.sizes, icon.src);
    }

    // Installability needs a real (non-incognito) profile.
    const context = await world.profile();
    const page = context.pages()[0] ?? await context.newPage();
    await page.goto(server.url + '/');
    await waitHydrated(page);
    await waitControlled(page);
    const cdp = await context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    assert.deepEqual(manifest.errors, [], 'Chromium parses the manifest without error');
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, [], 'Chromium finds the app installable');
  });
});
