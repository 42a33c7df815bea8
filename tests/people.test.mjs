// Registering a person, end to end: an ambassador fills the form (a mistake first: the form
// comes back with the error and everything typed), gives the person to a volunteer; that
// volunteer's phone, at its next sync, has the person's card.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, assertAccessible, logIn, waitForPage, waitHydrated } from './lib/harness.mjs';
import { withWorld } from './lib/world.mjs';

test('an ambassador registers a person and the volunteer\'s phone gets the card', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server } = world;
    const { page: phone, problems: phoneProblems } = await world.page();
    await logIn(phone, server.url, DEMO.volunteer);
    const hello = await phone.getByTestId('home-hello').textContent();
    await phone.goto(server.url + '/tournee');
    await waitHydrated(phone);
    await phone.getByTestId('sync-status').waitFor();

    const { page: desk, problems: deskProblems } = await world.page();
    await logIn(desk, server.url, DEMO.ambassador);
    await desk.goto(server.url + '/personnes');
    await desk.getByRole('link', { name: 'Inscrire une personne' }).click();
    await desk.getByTestId('resident-form').waitFor();
    await desk.locator('#f-prenom').fill('Héloïse');
    await desk.locator('#f-nom').fill('Tourterelle');
    await desk.locator('#f-adresse').fill('12 chemin des Vignes');
    const commune = await desk.locator('#f-commune option:not([value=""])').first().getAttribute('value');
    await desk.locator('#f-commune').selectOption(commune);
    await desk.locator('#f-telephone').fill('12 34');
    await desk.locator('#f-consentement_mode').selectOption('written');
    await desk.getByLabel('Mercredi, créneau 1, début').fill('14:00');
    await desk.getByLabel('Mercredi, créneau 1, fin').fill('16:00');
    const volunteer = await desk.locator('#f-benevole option').evaluateAll(
      (options, text) => options.find((o) => o.value && text.includes(o.textContent.trim()))?.value, hello);
    assert.ok(volunteer, `the volunteer of "${hello}" is offered`);
    await desk.locator('#f-benevole').selectOption(volunteer);
    await desk.getByRole('button', { name: 'Enregistrer' }).click();

    // Refused by the server: the error names the field; nothing typed is lost.
    await desk.getByTestId('form-error').waitFor();
    assert.match(await desk.getByTestId('form-error').textContent(), /Téléphone/);
    assert.equal(await desk.locator('#f-nom').inputValue(), 'Tourterelle');
    assert.equal(await desk.locator('#f-benevole').inputValue(), volunteer);
    assert.equal(await desk.getByLabel('Mercredi, créneau 1, fin').inputValue(), '16:00');
    await assertAccessible(desk, 'resident form with an error');
    await desk.locator('#f-telephone').fill('05 36 49 00 11');
    await desk.getByRole('button', { name: 'Enregistrer' }).click();
    await desk.getByTestId('people-saved').waitFor();
    const link = desk.getByRole('link', { name: 'Héloïse Tourterelle' });
    const id = new URL(await link.getAttribute('href'), server.url).searchParams.get('id');
    await link.click();
    await desk.getByTestId('consent-on-record').waitFor();
    await assertAccessible(desk, 'resident record');

    // The home placed on the commune's map: by a click, then 100 m north from the keyboard.
    const dot = async () => {
      const src = decodeURIComponent(await desk.locator('input[name="carte"]').getAttribute('src'));
      const [, x, y] = src.match(/cx='(\d+)' cy='(\d+)'/);
      return [Number(x), Number(y)];
    };
    const [x, y] = await dot();
    await desk.locator('input[name="carte"]').click({ position: { x: x + 12, y: y + 8 } });
    await desk.waitForURL(/domicile=place/);
    assert.match(await desk.getByTestId('home-map-notice').textContent(), /Domicile placé/);
    const [x1, y1] = await dot();
    assert.ok(Math.abs(x1 - (x + 12)) <= 1 && Math.abs(y1 - (y + 8)) <= 1, `the dot moved where clicked: ${x1},${y1}`);
    await desk.getByRole('button', { name: '↑ Nord' }).focus();
    const reloaded = desk.waitForEvent('load');
    await desk.keyboard.press('Enter');
    await reloaded;
    const [x2, y2] = await dot();
    assert.ok(x2 === x1 && y2 < y1, `100 m north: ${x2},${y2}`);
    await assertAccessible(desk, 'resident record, home placed');
    await desk.getByTestId('dossier-link').click();
    await desk.getByTestId('dossier-record').waitFor();
    assert.match(await desk.getByTestId('dossier-record').textContent(), /Tourterelle/);
    await assertAccessible(desk, 'right of access');

    // The phone syncs whenever a page opens: the card shows once the sync has brought it.
    let shown = false;
    for (let attempt = 0; attempt < 20 && !shown; attempt += 1) {
      await phone.goto(`${server.url}/personne?id=${id}`);
      await waitHydrated(phone);
      shown = await waitForPage(phone, () => document.body.textContent.includes('Tourterelle') || null, undefined,
        { timeout: 2_000 }).then(() => true, () => false);
    }
    assert.ok(shown, 'the card reaches the phone');
    assert.ok((await phone.textContent('body')).includes('12 chemin des Vignes'));
    assert.deepEqual(phoneProblems, []);
    assert.deepEqual(deskProblems, []);
  });
});
