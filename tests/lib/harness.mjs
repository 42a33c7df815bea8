// Test harness: starts the real `monalisa` binary on a temporary database, launches Debian's
// Chromium through playwright-core, and offers the checks every test shares (accessibility
// with axe-core, no Content-Security-Policy violation). No fixed sleeps: every wait is for a
// state.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const BIN = process.env.MONALISA_BIN;
export const SITE = process.env.MONALISA_SITE;
if (!BIN || !SITE) {
  throw new Error('MONALISA_BIN and MONALISA_SITE must be set (run the tests with `make test`)');
}

/** A phone-sized viewport (a common small Android screen). */
export const PHONE = { width: 360, height: 740 };

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function tempDir(prefix = 'monalisa-test-') {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Copies the built site, so a test can make a "new build" of it without touching the original. */
export async function copySite(dest) {
  await cp(SITE, dest, { recursive: true });
  return dest;
}

/**
 * Starts `monalisa serve` and resolves once it prints its address.
 * `port` 0 picks a free port; restart on the same port to keep the same origin (the service
 * worker and IndexedDB belong to the origin).
 */
export async function startServer({ db, site = SITE, port = 0, args = [], demo = false, env = {} } = {}) {
  // The demo population is generated afresh into this test's own database (fixed seed).
  const demoArgs = demo ? ['--demo', '--demo-seed', '7'] : [];
  // `db`: a SQLite file's path, or a database URL (postgres://...).
  const url = db.includes('://') ? db : `sqlite://${db}`;
  const child = spawn(BIN, ['serve', '--bind', `127.0.0.1:${port}`, '--database-url', url,
    '--site-root', site, ...demoArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MONALISA_LOG: 'warn', ...env } });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const listening = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/Monalisa Visites: (http:\/\/[^\s]+)/);
      if (m) resolve(m[1].replace(/\/$/, ''));
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${stderr}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  return {
    url: listening,
    /** Resolves with the exit code (or the signal) once the process ended. */
    exited,
    port: Number(new URL(listening).port),
    /** What the server wrote on stderr (warnings and errors), for a failing test's message. */
    log: () => stderr,
    /** SIGKILL: the process dies where it stands. */
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    /** SIGTERM, then wait for the graceful exit. */
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      assert.equal(code, 0, `server did not stop cleanly:\n${stderr}`);
    },
  };
}

/** A fresh browser with a fresh profile. */
export async function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}

/** A browser on a profile directory of its own (kept on disk, like a phone's), with a phone's
 * screen and language: a persistent context. */
export async function launchProfile(dir, options = {}) {
  return chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true, viewport: PHONE, locale: 'fr-FR', ...options,
  });
}

/** Records CSP violations and page errors, to assert there were none. */
export function watchPage(page) {
  const problems = [];
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(text)) problems.push(`CSP: ${text}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return problems;
}

/** Waits until the WebAssembly hydrated the page (the marker is set by the WASM itself). */
export async function waitHydrated(page) {
  await page.waitForSelector('html[data-hydrated="true"]', { timeout: 30_000 });
}

/** Waits until a service worker controls the page (installed, activated, claimed). */
export async function waitControlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null,
    null, { timeout: 30_000 });
}

const AXE_SOURCE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core (WCAG 2.1 A and AA rules) on the page and fails on any violation. */
export async function assertAccessible(page, label) {
  // Evaluated through the DevTools protocol, so the page's CSP does not block it.
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(result, [], `accessibility violations on ${label}:\n${result.join('\n')}`);
}

export async function removeDir(dir) {
  await rm(dir, { recursive: true, force: true });
}

/** A context like a volunteer's phone: small screen, French. */
export async function phoneContext(browser, options = {}) {
  return browser.newContext({ viewport: PHONE, locale: 'fr-FR', ...options });
}

/** Polls an (async) function in the page until it returns a truthy value. */
export async function waitForPage(page, fn, arg, { timeout = 30_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await page.evaluate(fn, arg);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${fn.toString().slice(0, 120)}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** The names and URLs held by the page's Cache Storage. */
export async function cacheContents(page) {
  return page.evaluate(async () => {
    const out = {};
    for (const name of await caches.keys()) {
      out[name] = (await (await caches.open(name)).keys()).map((r) => r.url);
    }
    return out;
  });
}

/** Demo logins (server/src/demo.rs, README). */
export const DEMO = {
  admin: ['admin', 'monalisa-admin'],
  ambassador: ['ambassadeur', 'monalisa-ambassadeur'],
  volunteer: ['benevole', 'monalisa-benevole'],
  coordinator: ['coordination', 'monalisa-coordination'],
};

/** The PIN the tests' volunteers choose. */
export const PIN = '246810';

/** Where `public/vault.js` stands on this page (`<html data-vault>`). */
export async function vaultState(page) {
  await page.waitForFunction(() => ['none', 'nopin', 'locked', 'open', 'wiped'].includes(document.documentElement.dataset.vault),
    null, { timeout: 30_000 });
  return page.evaluate(() => document.documentElement.dataset.vault);
}

/** On the report form: the visit done and the person "plutôt bien" (nothing is chosen
 * beforehand), then the folded details opened (duration, concerns, note, next date). */
export async function reportDone(page) {
  await page.getByLabel('Visite faite').check();
  await page.getByLabel('Plutôt bien').check();
  const more = page.locator('details.more');
  if (!(await more.evaluate((d) => d.open))) await more.locator('summary').click();
}

/** On a volunteer's page: chooses the PIN (first time on this phone) or enters it; the data
 * opens in the same page (the key stays in its memory). */
export async function unlock(page, pin = PIN) {
  const state = await vaultState(page);
  if (state === 'open') return;
  if (state === 'nopin') {
    await page.locator('#pin-new-1').fill(pin);
    await page.locator('#pin-new-2').fill(pin);
    await page.locator('#pin-new button[type="submit"]').click();
  } else {
    await page.locator('#pin-code').fill(pin);
    await page.locator('#pin-unlock button[type="submit"]').click();
  }
  await page.waitForFunction(() => document.documentElement.dataset.vault === 'open', null, { timeout: 30_000 });
  await waitHydrated(page);
}

/** Logs in through the login page, as a person would, and waits for the home page. A
 * volunteer then chooses their PIN on this phone (or enters it), as the app asks. */
export async function logIn(page, baseUrl, [login, password]) {
  await page.goto(baseUrl + '/connexion');
  await waitHydrated(page);
  await page.getByLabel('Identifiant').fill(login);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(baseUrl + '/accueil');
  await waitHydrated(page);
  await page.getByTestId('whoami').waitFor();
  if ((await localData(page)).session?.role === 'volunteer') {
    await page.goto(baseUrl + '/tournee');
    await waitHydrated(page);
    await unlock(page);
    await page.goto(baseUrl + '/accueil');
    await waitHydrated(page);
    await page.getByTestId('whoami').waitFor();
  }
}

/** A volunteer's phone on its round: logged in (PIN chosen), `/tournee` shown and live, the
 * service worker in control, the first sync over, a visit on screen. Returns the report links
 * of the round's visits. */
export async function openRound(page, baseUrl, who = DEMO.volunteer) {
  await logIn(page, baseUrl, who);
  await page.goto(baseUrl + '/tournee');
  await waitHydrated(page);
  await waitControlled(page);
  await waitSynced(page);
  await page.getByTestId('visit').first().waitFor();
  return page.locator('[data-testid="visit"] a.primary').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
}

/** Waits until `n` items wait in the phone's outbox, as its sync line says. */
export async function waitPending(page, n, timeout = 30_000) {
  await page.waitForFunction((count) => document.querySelector('[data-testid="sync-status"]')?.dataset.pending === count,
    String(n), { timeout });
}

/** Waits until the phone's last sync has ended with success and none runs: what the round
 * shows then is all the server gave it, not a first page of changes still arriving. */
export async function waitSynced(page) {
  await page.waitForFunction(() => {
    const status = document.querySelector('[data-testid="sync-status"]');
    const button = document.querySelector('[data-testid="sync-bar"] button[data-action="sync"]');
    return status && button && !button.disabled && !/jamais synchronisé|never synced/.test(status.textContent);
  }, null, { timeout: 30_000 });
}

/** Waits until the app has kept the session on the phone (after a login through the API). */
export async function waitSessionKept(page) {
  const deadline = Date.now() + 30_000;
  while (!(await localData(page)).session) {
    if (Date.now() > deadline) throw new Error('the app never kept the session on the phone');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What the page's origin holds in IndexedDB: database names, and the device's session record. */
export async function localData(page) {
  return page.evaluate(async () => {
    const names = (await indexedDB.databases()).map((d) => d.name).sort();
    // Opening a database that does not exist yet would create it empty, under the app's feet.
    const session = !names.includes('monalisa') ? null : await new Promise((resolve) => {
      const open = indexedDB.open('monalisa');
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('meta')) { db.close(); resolve(null); return; }
        const get = db.transaction('meta').objectStore('meta').get('session');
        get.onsuccess = () => { db.close(); resolve(get.result ? JSON.parse(get.result) : null); };
        get.onerror = () => { db.close(); resolve(null); };
      };
      open.onerror = () => resolve(null);
    });
    return { names, session };
  });
}

/** The text of every response in Cache Storage, to look for personal data. */
export async function cachedText(page) {
  return page.evaluate(async () => {
    let all = '';
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const req of await cache.keys()) {
        const res = await cache.match(req);
        const type = res.headers.get('content-type') || '';
        if (!type.includes('wasm') && !type.includes('image')) all += `\n--- ${req.url}\n` + await res.text();
      }
    }
    return all;
  });
}

/** The IndexedDB database of the user logged in on this page's phone. */
export async function userDb(page) {
  return `monalisa-user-${(await localData(page)).session.user}`;
}

/** Every store of a database, as the browser keeps it: `{ store: [values] }` (in the page). */
export async function rawStores(name) {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const out = {};
  for (const store of db.objectStoreNames) {
    out[store] = await new Promise((resolve) => {
      const get = db.transaction(store).objectStore(store).getAll();
      get.onsuccess = () => resolve(get.result);
    });
  }
  const meta = db.transaction('meta').objectStore('meta');
  out.metaKeys = await new Promise((resolve) => { const get = meta.getAllKeys(); get.onsuccess = () => resolve(get.result); });
  db.close();
  return out;
}

/** The ids of the reports the server recorded (from the audit log, as the administrator). */
export async function reportsOnServer(server) {
  const admin = await fetch(server.url + '/api/v1/login', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: DEMO.admin[0], password: DEMO.admin[1], device_label: 'test' }),
  });
  const cookie = admin.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const res = await fetch(server.url + '/api/v1/audit/list', {
    method: 'POST', headers: { 'content-type': 'application/json', cookie, origin: server.url },
    body: JSON.stringify({ filter: { object_kind: 'report', limit: 200 } }),
  });
  assert.equal(res.status, 200);
  return (await res.json()).filter((e) => e.action === 'report.create').map((e) => e.object_id);
}

/** Everything the page's origin keeps in IndexedDB, as text (evaluated in the page). */
export const indexedDbText = () => (async () => {
  let all = '';
  for (const { name } of await indexedDB.databases()) {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    for (const store of db.objectStoreNames) {
      const rows = await new Promise((resolve) => {
        const get = db.transaction(store).objectStore(store).getAll();
        get.onsuccess = () => resolve(get.result);
        get.onerror = () => resolve([]);
      });
      all += `\n--- ${name}/${store}\n${JSON.stringify(rows)}`;
    }
    db.close();
  }
  return all;
})();

/** What the phone holds that must never be readable: every resident's personal fields,
 * decrypted with the app's own key (in the page, while it is open). The phone's owner's own
 * name stays readable (who is logged in): a resident sharing a name with the volunteer is
 * looked for by their other fields. */
async function personalData([db, owner]) {
  {
    const stored = await new Promise((resolve) => {
      const open = indexedDB.open(db);
      open.onsuccess = () => {
        const get = open.result.transaction('residents').objectStore('residents').getAll();
        get.onsuccess = () => { open.result.close(); resolve(get.result); };
      };
    });
    // eslint-disable-next-line no-undef
    const residents = (await monalisaVault.reveal(stored)).map((t) => JSON.parse(t));
    return residents.flatMap((r) => [r.first_name, r.last_name, r.address, r.phone, r.access_notes, r.likes])
      .filter((v) => v && v.length >= 4 && !owner.includes(v));
  }
}

export async function secretsOf(page) {
  const { session } = await localData(page);
  return page.evaluate(personalData, [await userDb(page), session.display_name]);
}
