// make bench-phone: the volunteer's phone on a slow phone's profile, in Debian's Chromium.
// 1. Lighthouse 12.2.3 (mobile preset: simulated slow 4G, 4× CPU slowdown), driven over the
//    DevTools port of a logged-in, PIN-unlocked browser, on the shipped bundle: /tournee online,
//    /tournee with the server unreachable (the service worker's copy), the report form, the
//    login page; LCP, TBT, TTI, CLS, transfer size, performance and accessibility scores.
// 2. With the CPU slowed down by DevTools (4× by default): unlocking (PBKDF2-SHA-256, 300,000
//    iterations, also at 1× to see whether the slowdown reaches WebCrypto), the whole unlock as
//    seen, an offline cold start, saving a report, and the taps from the round to a saved
//    report (counted from the page's own pointer events).
// 3. The bytes encryption adds (first sync, each report sent, storage).
// Prints figures; asserts nothing about time (a busy machine would make it flaky). Needs the
// built binary and site (MONALISA_BIN, MONALISA_SITE), as the browser tests, and this folder's
// npm packages (`make bench-phone` installs them).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';
import {
  CHROMIUM_ARGS, DEMO, PIN, launchProfile, localData, logIn, removeDir, reportDone, startServer, tempDir, unlock,
  waitControlled, waitHydrated, waitSynced,
} from '../lib/harness.mjs';

const RATE = Number(process.env.CPU_SLOWDOWN || 4);
const RUNS = Number(process.env.RUNS || 10);

/** The shipped bundle's gzip size, as `make size` counts it (WASM + JS + vault.js). */
async function bundleBytes() {
  const { gzipSync } = await import('node:zlib');
  const { readdir } = await import('node:fs/promises');
  const site = process.env.MONALISA_SITE;
  const pkg = (await readdir(join(site, 'pkg'))).filter((f) => /^monalisa-[0-9a-f]+(_bg\.wasm|\.js)$/.test(f));
  let total = 0;
  for (const f of [...pkg.map((f) => join(site, 'pkg', f)), join(site, 'vault.js')]) total += gzipSync(await readFile(f), { level: 9 }).length;
  return total;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(0)} ms, p90 ${q(0.9).toFixed(0)} ms, max ${s[s.length - 1].toFixed(0)} ms (n=${s.length})`;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = await tempDir();
const db = join(dir, 'db.sqlite');
let server = await startServer({ db, demo: true });
const port = server.port;
const profile = join(dir, 'profile');
const context = await launchProfile(profile, { args: [...CHROMIUM_ARGS, '--remote-debugging-port=0'] });
try {
  const page = context.pages()[0] || await context.newPage();
  // ---- 1. Lighthouse, over the DevTools port, on the tab Playwright drives: first the login
  // page of a phone that never opened the app (nothing cached), then, logged in and unlocked by
  // Playwright, the volunteer's pages (the key goes from page to page as the app hands it over;
  // storage is not reset).
  const devtoolsPort = (await readFile(join(profile, 'DevToolsActivePort'), 'utf8')).split('\n')[0];
  const remote = await puppeteer.connect({ browserURL: `http://127.0.0.1:${devtoolsPort}`, defaultViewport: null });
  const [target] = await remote.pages();
  const audit = async (label, path) => {
    const result = await lighthouse(server.url + path, {
      logLevel: 'error', output: 'json', onlyCategories: ['performance', 'accessibility'], disableStorageReset: true,
      // LH_THROTTLING=devtools: the CPU and network really slowed (the preset simulates them).
      ...(process.env.LH_THROTTLING ? { throttlingMethod: process.env.LH_THROTTLING } : {}),
    }, undefined, target);
    const { audits, categories } = result.lhr;
    const ms = (id) => audits[id].numericValue;
    return {
      label,
      lcp: ms('largest-contentful-paint'),
      tbt: ms('total-blocking-time'),
      tti: ms('interactive'),
      cls: audits['cumulative-layout-shift'].numericValue,
      bytes: audits['total-byte-weight'].numericValue,
      perf: categories.performance.score,
      a11y: categories.accessibility.score,
      // Where the main thread's time goes (Lighthouse's own breakdown, simulated).
      work: (audits['mainthread-work-breakdown'].details?.items || []).slice(0, 4)
        .map((i) => `${i.groupLabel || i.group} ${i.duration.toFixed(0)} ms`).join(', '),
      tasks: (audits['long-tasks'].details?.items || []).slice(0, 3)
        .map((i) => `${String(i.url).split('/').pop() || i.url} ${i.duration.toFixed(0)} ms`).join(', '),
      failed: Object.values(audits).filter((a) => a.score !== null && a.score < 1 && categories.accessibility.auditRefs.some((r) => r.id === a.id)).map((a) => a.id),
    };
  };
  const rows = [];
  rows.push(await audit('login page, first visit (nothing cached)', '/connexion'));
  await logIn(page, server.url, DEMO.volunteer);
  await page.goto(server.url + '/tournee');
  await waitHydrated(page);
  await waitControlled(page);
  await waitSynced(page);
  await page.getByTestId('visit').first().waitFor();
  const links = await page.locator('[data-testid="visit"] a.primary').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const { session } = await localData(page);
  rows.push(await audit('/tournee, online', '/tournee'));
  rows.push(await audit('report form, online', links[0]));
  // The server unreachable: the service worker answers from its copy (as with no signal).
  await server.stop();
  rows.push(await audit('/tournee, server unreachable (service worker)', '/tournee'));
  server = await startServer({ db, port });
  await remote.disconnect();
  console.log(`Transfer: what the page downloads as measured (a phone that opened the app before gets the shell from the service worker's cache; the bundle alone is ${await bundleBytes()} bytes gzip, \`make size\`)`);
  console.log(`Lighthouse 12.2.3, mobile preset (${process.env.LH_THROTTLING === 'devtools' ? 'slow 4G and 4× CPU applied through DevTools' : 'simulated slow 4G, 4× CPU'}); goals: LCP ≤ 2 s, TTI ≤ 3 s, performance ≥ 0.95, accessibility 1.0`);
  console.log('| page | LCP | TBT | TTI | CLS | transfer | performance | accessibility |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.label} | ${(r.lcp / 1000).toFixed(2)} s | ${r.tbt.toFixed(0)} ms | ${(r.tti / 1000).toFixed(2)} s | ${r.cls.toFixed(3)} `
      + `| ${(r.bytes / 1024).toFixed(0)} KiB | ${r.perf.toFixed(2)} | ${r.a11y.toFixed(2)}${r.failed.length ? ` (${r.failed.join(', ')})` : ''} |`);
  }
  for (const r of rows) console.log(`${r.label}: main thread ${r.work}${r.tasks ? `; long tasks ${r.tasks}` : ''}`);

  // ---- 2. With the CPU slowed down by DevTools.
  await page.goto(server.url + '/tournee');
  await waitHydrated(page);
  await unlock(page, PIN);
  await page.getByTestId('visit').first().waitFor();
  const cdp = await context.newCDPSession(page);
  const timed = async (rate, runs, fn, arg) => {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    const times = [];
    for (let i = 0; i < runs; i += 1) times.push(await page.evaluate(fn, arg));
    return times;
  };
  // The key derivation alone (WebCrypto), then the whole unlock (derivation, unwrap, the
  // vault record read and written in IndexedDB).
  const pbkdf2 = async (pin) => {
    const t0 = performance.now();
    const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
    await crypto.subtle.deriveBits({ name: 'PBKDF2', salt: new Uint8Array(16), iterations: 300000, hash: 'SHA-256' }, material, 256);
    return performance.now() - t0;
  };
  const wholeUnlock = async ([user, pin]) => {
    const t0 = performance.now();
    // eslint-disable-next-line no-undef
    await monalisaVault.unlock(`monalisa-user-${user}`, user, pin, 300000);
    return performance.now() - t0;
  };
  const kdfNative = await timed(1, RUNS, pbkdf2, PIN);
  const kdfSlowed = await timed(RATE, RUNS, pbkdf2, PIN);
  const native = await timed(1, RUNS, wholeUnlock, [session.user, PIN]);
  const slowed = await timed(RATE, RUNS, wholeUnlock, [session.user, PIN]);
  console.log(`\nCPU slowed down ${RATE}× (DevTools), ${RUNS} runs each`);
  console.log(`PBKDF2-SHA-256, 300,000 iterations (WebCrypto alone): CPU as is ${stats(kdfNative)}; slowed ${RATE}× ${stats(kdfSlowed)}`);
  console.log(`unlock (derivation + unwrap + vault record): CPU as is ${stats(native)}; slowed ${RATE}× ${stats(slowed)}`);
  const reach = median(kdfSlowed) / median(kdfNative);
  console.log(reach < 1.5
    ? `  DevTools' slowdown does not reach WebCrypto's derivation (×${reach.toFixed(2)}: native code, off the page's thread). `
      + `Estimated on a phone ${RATE}× slower than this machine: the derivation ${RATE} × ${median(kdfNative).toFixed(0)} ms, `
      + `plus the rest of the unlock as slowed: ≈ ${(RATE * median(kdfNative) + median(slowed) - median(kdfSlowed)).toFixed(0)} ms`
    : `  DevTools' slowdown reaches WebCrypto's derivation (×${reach.toFixed(2)})`);

  // As the volunteer sees it: the app locked, PIN typed, round shown.
  const whole = [];
  for (let i = 0; i < Math.min(RUNS, 5); i += 1) {
    const reloaded = page.waitForEvent('load');
    // eslint-disable-next-line no-undef
    await page.evaluate(() => monalisaVault.lock());
    await reloaded;
    await waitHydrated(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: RATE });
    const t0 = Date.now();
    await unlock(page, PIN);
    await page.getByTestId('visit').first().waitFor();
    whole.push(Date.now() - t0);
  }
  console.log(`unlock as seen (PIN submitted → round shown): ${stats(whole)}`);

  // Saving a report, offline (nothing waits for the network), and the taps it takes.
  await context.setOffline(true);
  const save = [];
  for (let i = 0; i < RUNS; i += 1) {
    await page.goto(server.url + links[i % links.length].replace(/visite=\d+&/, ''));
    await waitHydrated(page);
    await page.getByTestId('report-form').waitFor();
    await reportDone(page);
    await page.getByLabel('Remarque (courte)').fill(`Visite ${i}: a parlé de son jardin et de ses petits-enfants.`);
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Enregistrer le compte rendu' }).click();
    await page.getByText('Enregistré sur le téléphone').waitFor();
    save.push(Date.now() - t0);
  }
  console.log(`report saved (encrypted + sealed, click → "Enregistré sur le téléphone"): ${stats(save)}`);

  // An offline cold start: every page closed (the key goes with them), the app opened again
  // with no network; then the PIN.
  await page.close();
  await new Promise((r) => setTimeout(r, 11_000)); // past the worker's 10 s hand-over
  const cold = await context.newPage();
  const slow = await context.newCDPSession(cold);
  await slow.send('Emulation.setCPUThrottlingRate', { rate: RATE });
  const c0 = Date.now();
  await cold.goto(server.url + '/tournee');
  await cold.locator('#pin-unlock').waitFor({ state: 'visible' });
  const toPin = Date.now() - c0;
  await waitHydrated(cold);
  const u0 = Date.now();
  await unlock(cold, PIN);
  await cold.getByTestId('visit').first().waitFor();
  console.log(`offline cold start (network cut, CPU ${RATE}×): PIN screen shown ${toPin} ms after opening; `
    + `PIN submitted → round shown ${Date.now() - u0} ms`);

  // The taps from the round to a saved report (the browser test checks the same, tests/phone.test.mjs).
  await cold.evaluate(() => {
    localStorage.setItem('bench-taps', '0');
  });
  await context.addInitScript(() => addEventListener('pointerdown', () => {
    localStorage.setItem('bench-taps', String(Number(localStorage.getItem('bench-taps') || 0) + 1));
  }, true));
  await cold.reload();
  await waitHydrated(cold);
  await cold.evaluate(() => localStorage.setItem('bench-taps', '0'));
  await cold.getByTestId('visit').first().getByRole('link', { name: 'Compte rendu' }).click();
  await cold.getByTestId('report-form').waitFor();
  await waitHydrated(cold);
  await cold.locator('label.choice', { hasText: 'Visite faite' }).click();
  await cold.locator('label.choice', { hasText: 'Plutôt bien' }).click();
  await cold.getByRole('button', { name: 'Enregistrer le compte rendu' }).click();
  await cold.getByText('Enregistré sur le téléphone').waitFor();
  console.log(`taps from the round to a saved report (visit done, mood, no concern): ${await cold.evaluate(() => localStorage.getItem('bench-taps'))}`);
  await slow.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await context.setOffline(false);

  // ---- 3. Bytes: what the session tells the phone, what a sealed report weighs, what storage costs.
  const sizes = await cold.evaluate(async (user) => {
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
  console.log(`\nfirst sync: the pull is unchanged (the server sends the same records; the phone encrypts them);`
    + ` the session answer grows by ${policy} bytes (server key and phone rules), once per login or check`);
  console.log(`a report sent: ${sizes.mutation} bytes of JSON in clear → ${sizes.sealed} bytes sealed (base64), `
    + `+${sizes.sealed - sizes.mutation} bytes (+${((sizes.sealed / sizes.mutation - 1) * 100).toFixed(0)} %)`);
  console.log(`storage: ${sizes.count} residents, ${sizes.residentsClear} bytes of JSON → ${sizes.residentsStored} stored `
    + `(+${((sizes.residentsStored / sizes.residentsClear - 1) * 100).toFixed(0)} %: nonce, tag, base64)`);
} finally {
  await context.close();
  await server.stop();
  await removeDir(dir);
}
