// Importing a spreadsheet from the page, as an ambassador does it: the file chosen in the
// form, the dry run row by row (a refused row with its line and reason), one row unticked,
// then "Importer": exactly the ticked row is created. Both pages pass axe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
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
