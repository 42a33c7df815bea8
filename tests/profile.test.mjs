// A copy of the phone's browser profile does not open the data (issue 13). As an attacker with a
// copy of a volunteer's Chromium profile (a lost phone, a backup, a shared computer): copies
// taken while the app is open and unlocked, after it locked, and after the browser closed hold
// neither the data key (raw, base64, hex; UTF-8 and UTF-16; in every file, LevelDB logs and
// tables decoded) nor a resident's name, address, phone number, access notes or what they
// like, nor a note being typed; and each copy, opened offline in a fresh browser, shows the PIN
// screen and nothing readable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, rm } from 'node:fs/promises';
import { createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { join } from 'node:path';
import {
  DEMO, PIN, launchProfile, logIn, rawStores, reportDone, removeDir, secretsOf, startServer, tempDir, userDb, vaultState,
  waitControlled, waitHydrated, watchPage,
} from './lib/harness.mjs';
import { searchProfile } from './lib/profile.mjs';

const MINUTES = 60_000;

/** The data key, as the test (which knows the PIN) unwraps it from the phone's vault record. */
async function dataKeyOf(page) {
  const stores = await page.evaluate(rawStores, await userDb(page));
  const vault = JSON.parse(stores.meta[stores.metaKeys.indexOf('vault')]);
  const wrapping = pbkdf2Sync(PIN, Buffer.from(vault.salt, 'base64'), vault.iterations, 32, 'sha256');
  const wrapped = Buffer.from(vault.wrapped, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', wrapping, wrapped.subarray(0, 12));
  decipher.setAuthTag(wrapped.subarray(wrapped.length - 16));
  const key = Buffer.concat([decipher.update(wrapped.subarray(12, wrapped.length - 16)), decipher.final()]);
  assert.equal(key.length, 32);
  return { key, wrapped: vault.wrapped };
}

/** The key in every form a script could have written it. */
function keyForms(key) {
  return [key, key.toString('base64'), key.toString('base64url'), key.toString('hex'), JSON.stringify(Array.from(key))];
}

/** Copies a profile as it is on disk (also while the browser runs), without its lock files. */
async function copyProfile(from, to) {
  await cp(from, to, { recursive: true, verbatimSymlinks: true });
  for (const lock of ['SingletonLock', 'SingletonSocket', 'SingletonCookie']) await rm(join(to, lock), { force: true });
  return to;
}

async function assertNothingInCopy(copy, secrets, when) {
  const { found, files, leveldb } = await searchProfile(copy, secrets);
  assert.ok(files > 20 && leveldb > 0, `a real profile was searched (${files} files, ${leveldb} LevelDB files)`);
  assert.deepEqual(found.map((f) => `${f.file} (${f.view}): ${f.secret.length > 60 ? 'the data key' : f.secret}`), [],
    `readable in the profile ${when}`);
}

/** Opens a copied profile offline (the server is down) and checks it shows nothing readable. */
async function assertCopyStaysClosed(copy, url, secrets, when) {
  const context = await launchProfile(copy, { offline: true });
  try {
    const page = context.pages()[0] || await context.newPage();
    await page.goto(url + '/tournee');
    await waitHydrated(page);
    assert.equal(await vaultState(page), 'locked', `the copy ${when} asks the PIN`);
    assert.equal(await page.evaluate(() => monalisaVault.isOpen()), false); // eslint-disable-line no-undef
    assert.equal(await page.getByTestId('visit').count(), 0, `no visit shown by the copy ${when}`);
    const text = await page.evaluate(() => document.body.innerText);
    for (const secret of secrets) assert.ok(!text.includes(secret), `"${secret}" shown by the copy ${when}`);
    // Going to another page of the app asks the PIN too.
    await page.goto(url + '/absences');
    assert.equal(await vaultState(page), 'locked', `the copy ${when} asks the PIN on another page`);
  } finally {
    await context.close();
  }
}

test('a copy of the browser profile holds no data key and opens nothing without the PIN', async () => {
  const dir = await tempDir();
  const profile = join(dir, 'profile');
  let server = await startServer({ db: join(dir, 'db.sqlite'), demo: true });
  const { url, port } = server;
  let context = await launchProfile(profile);
  try {
    const page = context.pages()[0] || await context.newPage();
    const problems = watchPage(page);
    await page.clock.install();
    await logIn(page, url, DEMO.volunteer);
    await page.goto(url + '/tournee');
    await waitHydrated(page);
    assert.equal(await vaultState(page), 'open', 'moving between pages keeps the app open');
    await page.getByTestId('visit').first().waitFor();
    await waitControlled(page);
    const secrets = await secretsOf(page);
    assert.ok(secrets.length >= 4, `the round has people: ${secrets.length}`);
    const { key, wrapped } = await dataKeyOf(page);

    // The search finds what is there: the wrapped key (IndexedDB, no secret) and a value put
    // in sessionStorage, where the previous version kept the data key (Chromium writes it to
    // disk within seconds).
    const canary = 'canary-session-storage-5521';
    await page.evaluate((c) => sessionStorage.setItem('probe', c), canary);
    let seen = [];
    for (let i = 0; i < 60 && seen.length < 2; i += 1) {
      await removeDir(join(dir, 'probe'));
      const probe = await searchProfile(await copyProfile(profile, join(dir, 'probe')), [canary, wrapped]);
      seen = [...new Set(probe.found.map((f) => f.secret))].sort();
      if (seen.length < 2) await new Promise((r) => setTimeout(r, 500));
    }
    assert.deepEqual(seen, [canary, wrapped].sort(), 'the search sees sessionStorage and IndexedDB');
    await page.evaluate(() => sessionStorage.removeItem('probe'));

    // A note being typed on the report form, offline (its draft is saved as typed, encrypted).
    await server.stop();
    await context.setOffline(true);
    const link = await page.locator('[data-testid="visit"] a.primary').first().getAttribute('href');
    await page.goto(url + link);
    await waitHydrated(page);
    assert.equal(await vaultState(page), 'open', 'the report form opens without the PIN again');
    await page.getByTestId('report-form').waitFor();
    const note = 'Remarque-en-cours-8812';
    await reportDone(page);
    await page.getByLabel('Remarque (courte)').fill(note);
    await page.goto(url + '/tournee');
    await waitHydrated(page);
    await page.getByTestId('visit').first().waitFor();
    const all = [...secrets, note, ...keyForms(key)];

    // 1. Open and unlocked.
    const open = await copyProfile(profile, join(dir, 'copy-open'));
    await assertNothingInCopy(open, all, 'while the app is open');

    // 2. Locked (five minutes without use; the page reloads onto the PIN screen).
    await page.clock.fastForward(6 * MINUTES);
    await page.waitForFunction(() => document.documentElement.dataset.vault === 'locked');
    const locked = await copyProfile(profile, join(dir, 'copy-locked'));
    await assertNothingInCopy(locked, all, 'after the lock');
    assert.deepEqual(problems, []);

    // 3. The browser closed.
    await context.close();
    context = null;
    const closed = await copyProfile(profile, join(dir, 'copy-closed'));
    await assertNothingInCopy(closed, all, 'after the browser closed');

    // Each copy, opened offline in a fresh browser (same address: the server, down, had it).
    for (const [copy, when] of [[open, 'taken while open'], [locked, 'taken after the lock'], [closed, 'taken after closing']]) {
      await assertCopyStaysClosed(copy, url, [...secrets, note], when);
    }

    // The phone itself, reopened: the PIN opens it, and the draft is still there.
    server = await startServer({ db: join(dir, 'db.sqlite'), port });
    context = await launchProfile(profile);
    const again = context.pages()[0] || await context.newPage();
    await again.goto(url + link);
    await waitHydrated(again);
    assert.equal(await vaultState(again), 'locked');
    await again.locator('#pin-code').fill(PIN);
    await again.locator('#pin-unlock button[type="submit"]').click();
    await again.getByTestId('report-form').waitFor();
    assert.equal(await again.getByLabel('Remarque (courte)').inputValue(), note, 'the draft survived');
  } finally {
    if (context) await context.close();
    await server.stop().catch(() => {});
    await removeDir(dir);
  }
});
