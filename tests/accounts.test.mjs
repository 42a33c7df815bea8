// Accounts and devices in the browser: an ambassador enrols a volunteer with a link; the
// volunteer's phone keeps its data per user; revoking the phone wipes what it stored at its
// next contact; logging out wipes too; an expired session keeps everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, cachedText, localData, logIn, phoneContext, waitControlled, waitHydrated } from './lib/harness.mjs';
import { withWorld } from './lib/world.mjs';

test('an ambassador enrols a volunteer, who logs in with the link, then revokes her phone', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server } = world;
    const { page: amb, problems: ambProblems } = await world.page({ viewport: { width: 1024, height: 768 } });
    await logIn(amb, server.url, DEMO.ambassador);
    await amb.goto(server.url + '/comptes');
    await waitHydrated(amb);
    const person = amb.getByLabel('Personne');
    const choice = await person.locator('option').nth(1).textContent();
    await person.selectOption({ index: 1 });
    await amb.getByLabel('Identifiant').fill('odette.test');
    await amb.getByRole('button', { name: 'Créer le compte' }).click();
    const link = await amb.getByTestId('link-url').textContent();
    assert.match(link, /\/inscription#[A-Za-z0-9_-]{43}$/);
    assert.equal(await amb.locator('figure.qr svg').count(), 1, 'a QR code to scan');
    const name = choice.replace(/ \(.*\)$/, '');

    // The volunteer's phone opens the link (here on the test server's address).
    const { context: phoneCtx, page: phone, problems } = await world.page();
    await phone.goto(server.url + '/inscription' + link.slice(link.indexOf('#')));
    await waitHydrated(phone);
    assert.match(await phone.getByTestId('enrol-intro').textContent(), new RegExp(name));
    assert.equal(new URL(phone.url()).hash, '', 'the token leaves the address bar');
    await phone.getByLabel('Mot de passe', { exact: true }).fill('les rosiers de Civray');
    await phone.getByLabel('Mot de passe (encore une fois)').fill('les rosiers de Civray');
    await phone.getByRole('button', { name: 'Enregistrer et me connecter' }).click();
    await phone.waitForURL(server.url + '/accueil');
    await waitHydrated(phone);
    assert.match(await phone.getByTestId('home-hello').textContent(), new RegExp(name));
    await waitControlled(phone);
    const stored = await localData(phone);
    assert.equal(stored.session.display_name, name);
    assert.deepEqual(stored.names, ['monalisa', `monalisa-user-${stored.session.user}`]);

    // The ambassador revokes the phone.
    await amb.goto(server.url + `/comptes/${stored.session.user}`);
    await waitHydrated(amb);
    await amb.getByRole('button', { name: 'Retirer cet appareil' }).click();
    await amb.getByText(/retiré le/).waitFor();

    // At its next contact (here: coming back online), the phone wipes everything and shows
    // the login page.
    await phoneCtx.setOffline(true);
    await phoneCtx.setOffline(false);
    await phone.waitForURL(/\/connexion\?motif=revoque$/);
    await waitHydrated(phone);
    assert.match(await phone.getByTestId('login-notice').textContent(), /retiré de votre compte/);
    const after = await localData(phone);
    assert.equal(after.session, null);
    assert.deepEqual(after.names, ['monalisa']);
    const cached = await cachedText(phone);
    assert.ok(!cached.includes(name.split(' ')[1]), 'no personal data in the caches');
    assert.deepEqual(problems, []);
    assert.deepEqual(ambProblems, []);
  });
});

test('two users on one phone: each sees only their own data, and keeps it', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server, browser } = world;
    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    await logIn(page, server.url, DEMO.volunteer);
    const first = await localData(page);
    const volunteerName = first.session.display_name;

    // Someone else logs in on the same phone (without the first logging out).
    await logIn(page, server.url, DEMO.ambassador);
    const second = await localData(page);
    assert.notEqual(second.session.user, first.session.user);
    assert.doesNotMatch(await page.getByTestId('whoami').textContent(), new RegExp(volunteerName));
    assert.deepEqual(second.names, ['monalisa', `monalisa-user-${first.session.user}`, `monalisa-user-${second.session.user}`].sort());

    // The first user comes back: her database is still there, untouched.
    await logIn(page, server.url, DEMO.volunteer);
    const again = await localData(page);
    assert.equal(again.session.user, first.session.user);
    const profile = await page.evaluate(async (db) => new Promise((resolve) => {
      const open = indexedDB.open(db);
      open.onsuccess = () => {
        const get = open.result.transaction('meta').objectStore('meta').get('profile');
        get.onsuccess = () => { open.result.close(); resolve(JSON.parse(get.result)); };
      };
    }), `monalisa-user-${first.session.user}`);
    assert.equal(profile.display_name, volunteerName);
  });
});

test('an expired session keeps the data; logging out wipes it', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server, browser } = world;
    const ctx = await phoneContext(browser);
    const page = await ctx.newPage();
    await logIn(page, server.url, DEMO.volunteer);
    const before = await localData(page);

    // The session ends on the server's side (expiry): the app says so and keeps everything.
    await ctx.clearCookies({ name: 'monalisa_session' });
    await page.goto(server.url + '/accueil');
    await waitHydrated(page);
    await page.getByTestId('session-expired').waitFor();
    assert.deepEqual(await localData(page), before);

    // Logging in again as the same user finds the same local data; logging out wipes it.
    await logIn(page, server.url, DEMO.volunteer);
    assert.deepEqual((await localData(page)).names, before.names);
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/connexion\?motif=deconnecte$/);
    assert.deepEqual(await localData(page), { names: ['monalisa'], session: null });
  });
});

test('a wrong password gets a clear French message', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server, browser } = world;
    const page = await (await phoneContext(browser)).newPage();
    await page.goto(server.url + '/connexion');
    await waitHydrated(page);
    await page.getByLabel('Identifiant').fill('benevole');
    await page.getByLabel('Mot de passe').fill('pas le bon');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    assert.equal(await page.getByTestId('login-error').textContent(), 'Identifiant ou mot de passe incorrect.');
  });
});
