// Markup typed into the fields people fill (issue 21): an ambassador registers a person with
// markup in the address, "Pour entrer" and "Ce que la personne aime" (a refused form first),
// the volunteer's phone gets the card and records a report whose note is markup too; every
// page that shows one of these fields (and the volunteer's name, also markup), for every role
// that sees it, is parsed by the browser:
// no element, attribute or refresh is injected, and the text comes back whole. And a login
// whose return path would leave the site stays on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, logIn, phoneContext, reportDone, waitHydrated } from './lib/harness.mjs';
import { withWorld } from './lib/world.mjs';

/** A shorter one for names (a volunteer's surname). */
const NAME = '<b id="injected" data-injected>x</b>"\' onfocus="alert(1)';
const PAYLOAD = '</textarea></p><b id="injected" data-injected>x</b><meta http-equiv="refresh" '
  + 'content="0;url=https://evil.example/">"\' onfocus="alert(1)" <img data-injected src=x>';

/** What markup the page holds that nobody wrote (parsed by the browser itself). */
async function assertNothingInjected(page, label) {
  const found = await page.evaluate(() => ({
    elements: document.querySelectorAll('#injected, [data-injected]').length,
    refresh: document.querySelectorAll('meta[http-equiv="refresh" i]').length,
    handlers: [...document.querySelectorAll('*')].filter((e) => e.hasAttribute('onfocus')).length,
  }));
  assert.deepEqual(found, { elements: 0, refresh: 0, handlers: 0 }, `markup injected on ${label}`);
  assert.ok(!page.url().includes('evil.example'), `${label} sent the browser away`);
}

test('markup typed into any field is shown as text, never as markup', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server } = world;
    const { page: phone, problems: phoneProblems } = await world.page();
    await logIn(phone, server.url, DEMO.volunteer);
    const hello = await phone.getByTestId('home-hello').textContent();

    const { page: desk, problems: deskProblems } = await world.page();
    await logIn(desk, server.url, DEMO.ambassador);
    await desk.goto(server.url + '/personnes/fiche');
    await desk.getByTestId('resident-form').waitFor();
    await desk.locator('#f-prenom').fill('Ida');
    await desk.locator('#f-nom').fill('Sittelle');
    for (const field of ['#f-adresse', '#f-acces', '#f-gouts']) await desk.locator(field).fill(PAYLOAD);
    const commune = await desk.locator('#f-commune option:not([value=""])').first().getAttribute('value');
    await desk.locator('#f-commune').selectOption(commune);
    await desk.locator('#f-consentement_mode').selectOption('oral');
    await desk.locator('#f-telephone').fill('pas un numéro');
    const volunteer = await desk.locator('#f-benevole option').evaluateAll(
      (options, text) => options.find((o) => o.value && text.includes(o.textContent.trim()))?.value, hello);
    await desk.locator('#f-benevole').selectOption(volunteer);
    await desk.getByRole('button', { name: 'Enregistrer' }).click();

    // Refused (the phone number): the form comes back with the markup as text, whole.
    await desk.getByTestId('form-error').waitFor();
    await assertNothingInjected(desk, 'the refused form');
    for (const field of ['#f-adresse', '#f-acces', '#f-gouts']) {
      assert.equal(await desk.locator(field).inputValue(), PAYLOAD, `${field} comes back whole`);
    }
    await desk.locator('#f-telephone').fill('');
    await desk.getByRole('button', { name: 'Enregistrer' }).click();
    await desk.getByTestId('people-saved').waitFor();
    // The volunteer's own name, as the ambassador types it, is markup too.
    await desk.goto(server.url + `/benevoles/fiche?id=${volunteer}`);
    await desk.getByTestId('volunteer-form').waitFor();
    const surname = await desk.locator('#f-nom').inputValue();
    await desk.locator('#f-nom').fill(`${surname}${NAME}`);
    await desk.getByRole('button', { name: 'Enregistrer' }).click();
    await desk.getByTestId('people-saved').waitFor();
    await assertNothingInjected(desk, 'the people page after saving the volunteer');
    await desk.goto(server.url + `/benevoles/fiche?id=${volunteer}`);
    assert.equal(await desk.locator('#f-nom').inputValue(), `${surname}${NAME}`, 'the name comes back whole');
    await desk.goto(server.url + '/personnes');
    const link = desk.getByRole('link', { name: 'Ida Sittelle' });
    const id = new URL(await link.getAttribute('href'), server.url).searchParams.get('id');
    for (const path of ['/personnes', `/personnes/fiche?id=${id}`, `/personnes/dossier?id=${id}`]) {
      await desk.goto(server.url + path);
      await assertNothingInjected(desk, path);
    }
    // Shown again and saved again, the text stays whole (an injection used to cut it).
    await desk.goto(server.url + `/personnes/fiche?id=${id}`);
    await desk.getByRole('button', { name: 'Enregistrer' }).click();
    await desk.getByTestId('people-saved').waitFor();
    await desk.goto(server.url + `/personnes/fiche?id=${id}`);
    for (const field of ['#f-adresse', '#f-acces', '#f-gouts']) {
      assert.equal(await desk.locator(field).inputValue(), PAYLOAD, `${field} saved twice, whole`);
    }

    // The volunteer's phone: the card, then a report whose note is markup, with a concern.
    await phone.goto(server.url + '/tournee');
    await waitHydrated(phone);
    await phone.getByRole('button', { name: 'Synchroniser' }).click();
    await phone.goto(server.url + `/personne?id=${id}`);
    await waitHydrated(phone);
    await phone.getByText('Ida Sittelle').first().waitFor();
    await assertNothingInjected(phone, 'the card on the phone');
    assert.ok((await phone.locator('main').innerText()).includes(PAYLOAD.slice(0, 40)), 'the card shows the text');
    await phone.goto(server.url + `/compte-rendu?personne=${id}`);
    await waitHydrated(phone);
    await phone.getByTestId('report-form').waitFor();
    await reportDone(phone);
    await phone.getByLabel('Une chute').check();
    await phone.getByLabel('Remarque (courte)').fill(PAYLOAD);
    await phone.getByRole('button', { name: 'Enregistrer le compte rendu' }).click();
    await phone.getByText('Enregistré sur le téléphone').waitFor();
    await phone.waitForFunction(() => document.querySelector('[data-testid="sync-status"]')?.dataset.pending === '0', null, { timeout: 60_000 });
    await assertNothingInjected(phone, 'the report saved');
    await phone.goto(server.url + `/personne?id=${id}`);
    await waitHydrated(phone);
    await phone.getByTestId('history-item').first().waitFor();
    await assertNothingInjected(phone, 'the card with its history');

    const week = await desk.evaluate(() => {
      const d = new Date();
      d.setDate(d.getDate() - ((d.getDay() + 6) % 7) + 7);
      return d.toISOString().slice(0, 10);
    });
    for (const path of [`/personnes/dossier?id=${id}`, `/personnes/fiche?id=${id}`, '/signalements', '/a-verifier',
      `/planification?semaine=${week}`, `/planification?semaine=${week}&vue=jour`,
      `/planification/feuille?semaine=${week}&benevole=${volunteer}`]) {
      await desk.goto(server.url + path);
      await assertNothingInjected(desk, path);
    }
    await desk.goto(server.url + `/personnes/dossier?id=${id}`);
    assert.ok((await desk.locator('main').innerText()).includes(PAYLOAD.slice(0, 40)), 'the note reached the dossier as text');
    await desk.goto(server.url + '/signalements');
    const concern = desk.getByTestId('concern').filter({ hasText: 'Ida Sittelle' }).first();
    assert.ok((await concern.getByTestId('concern-note').innerText()).includes(PAYLOAD.slice(0, 40)),
      "the concern queue shows the volunteer's note, as text");
    assert.deepEqual(phoneProblems, []);
    assert.deepEqual(deskProblems, []);
  });
});

test('a login never leaves the site, whatever its return path', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server, browser } = world;
    for (const retour of ['/%09/evil.example/', '/%0a/evil.example/', '/%0d/evil.example/', '//evil.example/', '/%5Cevil.example/']) {
      const context = await phoneContext(browser);
      const page = await context.newPage();
      await page.goto(`${server.url}/connexion?retour=${retour}`);
      await waitHydrated(page);
      await page.getByLabel('Identifiant').fill(DEMO.ambassador[0]);
      await page.getByLabel('Mot de passe').fill(DEMO.ambassador[1]);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.waitForURL(server.url + '/accueil');
      await context.close();
    }
  });
});
