// Importing a spreadsheet from the page, as an ambassador does it: the file chosen in the
// form, the dry run row by row (a refused row with its line and reason), one row unticked,
// then "Importer": exactly the ticked row is created. Both pages pass axe. With a geocoder
// configured, the homes of imported residents are located afterwards, the progress on the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { DEMO, assertAccessible, logIn } from './lib/harness.mjs';
import { withWorld } from './lib/world.mjs';

test('an ambassador imports volunteers from a file, leaving one row out', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server } = world;
    const { page: desk, problems } = await world.page();
    await logIn(desk, server.url, DEMO.ambassador);
    // A commune of the ambassador's scope, as the volunteer form offers it.
    await desk.goto(server.url + '/benevoles/fiche');
    const commune = (await desk.locator('#f-commune option:not([value=""])').first().textContent()).trim();
    await desk.goto(server.url + '/accueil');
    await desk.locator('main').getByRole('link', { name: 'Importer un fichier' }).click();
    await desk.getByTestId('import-upload').waitFor();
    await assertAccessible(desk, 'import page');
    const csv = [
      'Prénom;Nom;Téléphone;Commune;Rayon (km);Disponibilités',
      `Aimé;Essai-Un;06 12 00 00 01;${commune};15;lundi 9h-12h`,
      `Berthe;Essai-Deux;06 12 00 00 02;${commune};15;mardi 14h-17h`,
      `Carole;Essai-Trois;12 34;${commune};15;`,
    ].join('\r\n');
    await desk.getByLabel('des bénévoles').check();
    await desk.locator('#import-file').setInputFiles({ name: 'benevoles.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await desk.getByRole('button', { name: 'Vérifier le fichier' }).click();
    await desk.getByTestId('import-run').waitFor();
    assert.match(await desk.getByTestId('import-counts').textContent(), /^2 à créer · 0 à mettre à jour · 0 inchangée\(s\) · 1 refusée\(s\)/);
    const refused = desk.getByTestId('import-refused-row');
    assert.equal(await refused.count(), 1);
    assert.match(await refused.textContent(), /^4.*Essai-Trois.*Téléphone : numéro de téléphone non français/);
    await assertAccessible(desk, 'import dry run');
    await desk.getByLabel('Importer la ligne 3').uncheck();
    await desk.getByRole('button', { name: 'Importer les lignes cochées' }).click();
    await desk.getByTestId('import-applied').waitFor();
    assert.match(await desk.getByTestId('import-applied').textContent(), /1 fiche\(s\) créée\(s\), 0 mise\(s\) à jour/);
    await assertAccessible(desk, 'import applied');
    await desk.goto(server.url + '/personnes');
    const people = await desk.locator('main').textContent();
    assert.ok(people.includes('Aimé Essai-Un'), 'the ticked row is in');
    assert.ok(!people.includes('Essai-Deux') && !people.includes('Essai-Trois'), 'the unticked and refused rows are not');

    // Found again with the search, on the phone-sized screen and by keyboard only: the name is
    // posted, never put in the address.
    const search = desk.getByTestId('people-search');
    await search.getByLabel('Nom (ou une partie)').focus();
    await desk.keyboard.type('essai-un');
    await Promise.all([desk.waitForURL(/\/personnes\/recherche$/), desk.keyboard.press('Enter')]);
    await desk.getByTestId('people-count').waitFor();
    assert.ok(!desk.url().includes('essai'), `no name in the address: ${desk.url()}`);
    assert.match(await desk.getByTestId('people-count').textContent(), /^0 personne\(s\) sur \d+, 1 bénévole\(s\) sur \d+\.$/);
    assert.deepEqual(await desk.getByTestId('volunteer-row').locator('th').allInnerTexts(), ['Aimé Essai-Un']);
    const box = await desk.getByTestId('people-search').boundingBox();
    assert.ok(box.width <= desk.viewportSize().width, 'the search fits the narrow screen');
    await assertAccessible(desk, 'people search results');
    await Promise.all([desk.waitForURL(/\/personnes$/), desk.getByRole('link', { name: 'Tout afficher' }).click()]);
    await desk.getByTestId('residents').waitFor();
    assert.equal(await desk.getByTestId('people-count').count(), 0);
    assert.deepEqual(problems, []);
  });
});

// Residents imported with a geocoder configured (a stand-in speaking the Base Adresse
// Nationale's /search, here answering only with the commune itself): the page shows the homes
// being located, then what came of it, and passes axe; the service was sent only the address
// and the commune.
test('the homes of imported residents are located after the import, with the progress shown', async () => {
  const asked = [];
  const geocoder = createServer((req, res) => {
    const url = new URL(req.url, 'http://stand-in');
    asked.push([...url.searchParams.keys()].join(',') + ' ' + url.searchParams.get('q'));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature',
      geometry: { type: 'Point', coordinates: [0.3, 46.1] },
      properties: { score: 0.9, type: 'municipality', citycode: url.searchParams.get('citycode') } }] }));
  });
  await new Promise((resolve) => geocoder.listen(0, '127.0.0.1', resolve));
  const stand_in = `http://127.0.0.1:${geocoder.address().port}`;
  try {
    await withWorld({ demo: true, args: ['--geocoder', stand_in] }, async (world) => {
      const { server } = world;
      const { page: desk, problems } = await world.page();
      await logIn(desk, server.url, DEMO.ambassador);
      await desk.goto(server.url + '/personnes/fiche');
      const commune = (await desk.locator('#f-commune option:not([value=""])').first().textContent()).trim();
      // Who collects consents in this scope: the ambassador, as a registered person's record says.
      await desk.goto(server.url + '/personnes');
      await desk.getByTestId('residents').locator('a[href^="/personnes/fiche?id="]').first().click();
      const recorded = await desk.getByTestId('consent-on-record').textContent();
      const ambassador = recorded.split('enregistré par ')[1].trim();
      const d = new Date(Date.now() - 3 * 86_400_000);
      const consent = `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}`;
      const csv = [
        'Prénom;Nom;Adresse;Commune;Isolement;Date du consentement;Forme du consentement;Consentement recueilli par',
        `Odette;Essai-Geo;3 rue des Lilas;${commune};2;${consent};écrit;${ambassador}`,
        `Marcel;Essai-Geo;La Grange;${commune};3;${consent};oral;${ambassador}`,
      ].join('\r\n');
      await desk.goto(server.url + '/import');
      await desk.getByLabel('des personnes suivies (résidents)').check();
      await desk.locator('#import-file').setInputFiles({ name: 'personnes.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await desk.getByRole('button', { name: 'Vérifier le fichier' }).click();
      await desk.getByTestId('import-run').waitFor();
      assert.match(await desk.getByTestId('import-counts').textContent(), /^2 à créer/,
        (await desk.getByTestId('import-refused-row').allInnerTexts()).join('\n'));
      await desk.getByRole('button', { name: 'Importer les lignes cochées' }).click();
      await desk.getByTestId('import-applied').waitFor();
      const homes = desk.getByTestId('import-homes');
      assert.match(await homes.textContent(), /^Domiciles à situer d'après leur adresse : 2 — /);
      for (let i = 0; i < 50 && !/2 introuvable\(s\)/.test(await homes.textContent()); i += 1) {
        await new Promise((r) => setTimeout(r, 200));
        await desk.reload();
      }
      assert.match(await homes.textContent(), /2 introuvable\(s\) : position approximative/);
      await assertAccessible(desk, 'import applied, homes located');
      assert.deepEqual(asked.sort(), [`q,citycode,limit 3 rue des Lilas ${commune}`, `q,citycode,limit La Grange ${commune}`].sort());
      assert.deepEqual(problems, []);
    });
  } finally {
    geocoder.close();
  }
});
