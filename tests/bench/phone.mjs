// make bench-phone: what the phone's protection costs (issue 7), in Debian's Chromium with
// the CPU slowed down by DevTools (4× by default, like a slow phone): unlocking with the PIN
// (PBKDF2, 300,000 iterations), the whole unlock as the volunteer sees it (PIN typed → round
// shown), saving a report offline (encrypted for the screens and sealed to the server), and
// the bytes encryption adds (first sync, each report sent, storage). Prints figures; asserts
// nothing about time (a busy machine would make it flaky). Needs the built binary and site
// (MONALISA_BIN, MONALISA_SITE), as the browser tests.
import { join } from 'node:path';
import {
  DEMO, PIN, launch, localData, logIn, phoneContext, removeDir, startServer, tempDir, unlock, waitControlled, waitHydrated,
} from '../lib/harness.mjs';

const RATE = Number(process.env.CPU_SLOWDOWN || 4);
const RUNS = Number(process.env.RUNS || 10);

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(0)} ms, p90 ${q(0.9).toFixed(0)} ms, max ${s[s.length - 1].toFixed(0)} ms (n=${s.length})`;
};

const dir = await tempDir();
const server = await startServer({ db: join(dir, 'db.sqlite'), demo: true });
const browser = await launch();
try {
  const context = await phoneContext(browser);
  const page = await context.newPage();
  await logIn(page, server.url, DEMO.volunteer);
  await page.goto(server.url + '/tournee');
  await waitHydrated(page);
  await page.getByTestId('visit').first().waitFor();
  await waitControlled(page);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: RATE });
  console.log(`CPU slowed down ${RATE}× (DevTools), ${RUNS} runs each`);

  // The key derivation and unwrapping alone.
  const { session } = await localData(page);
  const derive = [];
  for (let i = 0; i < RUNS; i += 1) {
    derive.push(await page.evaluate(async ([user, pin]) => {
      const t0 = performance.now();
      // eslint-disable-next-line no-undef
      await monalisaVault.unlock(`monalisa-user-${user}`, user, pin, 300000);
      return performance.now() - t0;
    }, [session.user, PIN]));
  }
  console.log(`unlock (PBKDF2-SHA-256 300,000 iterations + unwrap): ${stats(derive)}`);

  // As the volunteer sees it: the app locked, PIN typed, round shown.
  const whole = [];
  for (let i = 0; i < Math.min(RUNS, 5); i += 1) {
    const reloaded = page.waitForEvent('load');
    // eslint-disable-next-line no-undef
    await page.evaluate(() => monalisaVault.lock());
    await reloaded;
    await waitHydrated(page);
    const t0 = Date.now();
    await unlock(page, PIN);
    await page.getByTestId('visit').first().waitFor();
    whole.push(Date.now() - t0);
  }
  console.log(`unlock as seen (PIN submitted → round shown): ${stats(whole)}`);

  // Saving a report, offline (nothing waits for the network).
  const links = await page.locator('[data-testid="visit"] a.primary').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  await context.setOffline(true);
  const save = [];
  for (let i = 0; i < RUNS; i += 1) {
    await page.goto(server.url + links[i % links.length].replace(/visite=\d+&/, ''));
    await waitHydrated(page);
    await page.getByTestId('report-form').waitFor();
    await page.getByLabel('Plutôt bien').check();
    await page.getByLabel('Remarque (courte)').fill(`Visite ${i}: a parlé de son jardin et de ses petits-enfants.`);
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Enregistrer le compte rendu' }).click();
    await page.getByText('Enregistré sur le téléphone').waitFor();
    save.push(Date.now() - t0);
  }
  console.log(`report saved (encrypted + sealed, click → "Enregistré sur le téléphone"): ${stats(save)}`);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });

  // Bytes: what the session tells the phone, what a sealed report weighs, what storage costs.
  const sizes = await page.evaluate(async (user) => {
    const db = await new Promise((resolve) => { const o = indexedDB.open(`monalisa-user-${user}`); o.onsuccess = () => resolve(o.result); });
    const all = (store) => new Promise((resolve) => { const g = db.transaction(store).objectStore(store).getAll(); g.onsuccess = () => resolve(g.result); });
    const residents = await all('residents');
    const outbox = await all('outbox');
    db.close();
    // eslint-disable-next-line no-undef
    const clear = await monalisaVault.reveal(residents);
    // eslint-disable-next-line no-undef
    const local = await monalisaVault.reveal(outbox.map((r) => r[3]));
    const mutation = JSON.stringify(JSON.parse(local[0]).mutation);
    return {
      residentsClear: clear.reduce((n, t) => n + t.length, 0),
      residentsStored: residents.reduce((n, t) => n + t.length, 0),
      count: residents.length,
      mutation: mutation.length,
      sealed: outbox[0][2].length,
    };
  }, session.user);
  const login = await fetch(server.url + '/api/v1/login', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: DEMO.volunteer[0], password: DEMO.volunteer[1], device_label: 'bench' }),
  });
  const info = await login.json();
  const policy = JSON.stringify({ seal_key: info.seal_key, lock_minutes: info.lock_minutes, wipe_days: info.wipe_days }).length - 2;
  console.log(`first sync: the pull is unchanged (the server sends the same records; the phone encrypts them);`
    + ` the session answer grows by ${policy} bytes (server key and phone rules), once per login or check`);
  console.log(`a report sent: ${sizes.mutation} bytes of JSON in clear → ${sizes.sealed} bytes sealed (base64), `
    + `+${sizes.sealed - sizes.mutation} bytes (+${((sizes.sealed / sizes.mutation - 1) * 100).toFixed(0)} %)`);
  console.log(`storage: ${sizes.count} residents, ${sizes.residentsClear} bytes of JSON → ${sizes.residentsStored} stored `
    + `(+${((sizes.residentsStored / sizes.residentsClear - 1) * 100).toFixed(0)} %: nonce, tag, base64)`);
  await context.close();
} finally {
  await browser.close();
  await server.stop();
  await removeDir(dir);
}
