// The volunteer's phone as a retired volunteer uses it: a visit done saved in four taps from
// the round (counted from the page's own pointer events), nothing chosen beforehand; every
// volunteer page reaches the round, the people and the absences in one tap; every interactive
// element at least 48 × 48 px and no text smaller than body text; the report form, filled,
// passes axe; the round does not jump as it fills (layout shift ≤ 0.1); and one PIN per report: the form stays open however long the volunteer thinks,
// while the other pages lock after the usual five minutes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertAccessible, openRound, reportDone, reportsOnServer, unlock, vaultState, waitHydrated, waitPending,
} from './lib/harness.mjs';
import { withWorld } from './lib/world.mjs';

const MINUTES = 60_000;

/** Counts the page's pointer events across navigations (in this test origin's storage). */
function countTaps() {
  addEventListener('pointerdown', () => {
    localStorage.setItem('test-taps', String(Number(localStorage.getItem('test-taps') || 0) + 1));
  }, true);
}

test('a visit done is saved in four taps from the round, nothing chosen beforehand', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server } = world;
    const { context, page, problems } = await world.page({ hasTouch: true, isMobile: true });
    await context.addInitScript(countTaps);
    await openRound(page, server.url);
    const visit = page.getByTestId('visit').first();
    const before = (await reportsOnServer(server)).length;
    await page.evaluate(() => localStorage.setItem('test-taps', '0'));

    await visit.getByRole('link', { name: 'Compte rendu' }).tap(); // 1
    const form = page.getByTestId('report-form');
    await form.waitFor();
    await waitHydrated(page);
    assert.equal(await form.locator('input:checked').count(), 0, 'no outcome, mood or concern chosen beforehand');
    const save = page.getByRole('button', { name: 'Enregistrer le compte rendu' });
    await assertInView(page, save, 'the save button, as the form opens');
    await form.locator('label.choice', { hasText: 'Visite faite' }).tap(); // 2
    await form.locator('label.choice', { hasText: 'Plutôt bien' }).tap(); // 3
    await assertInView(page, save, 'the save button, once the mood is shown');
    await save.tap(); // 4
    await page.getByText('Enregistré sur le téléphone').waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('test-taps')), '4', 'four taps from the round');

    await waitPending(page, 0);
    assert.equal((await reportsOnServer(server)).length, before + 1, 'the report reached the server once');
    assert.deepEqual(problems, []);
  });
});

test('every volunteer page: one tap to the round, the people and the absences; 48 px targets; body-size text', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server } = world;
    const { context, page, problems } = await world.page();
    await context.addInitScript(watchShifts);
    // The pages a volunteer meets before the round: logging in, enrolling, the accessibility
    // statement.
    for (const path of ['/connexion', '/inscription', '/accessibilite']) {
      await page.goto(server.url + path);
      await waitHydrated(page);
      await assertFitsFingersAndEyes(page, path);
    }
    const [report] = await openRound(page, server.url);
    await page.goto(server.url + '/accueil');
    await waitHydrated(page);
    await page.getByTestId('home-hello').waitFor();
    await assertFitsFingersAndEyes(page, "the volunteer's home page");
    await page.goto(server.url + '/tournee');
    await waitHydrated(page);
    await page.getByTestId('visit').first().waitFor();
    // The round does not jump as it fills (the session bar and the list keep their place).
    await page.reload();
    await waitHydrated(page);
    await page.getByTestId('visit').first().waitFor();
    const shift = await page.evaluate(() => new Promise((resolve) => setTimeout(() => resolve(window.testShift), 1000)));
    assert.ok(shift <= 0.1, `layout shift on /tournee: ${shift}`);
    const resident = new URL(server.url + report).searchParams.get('personne');

    // From the round, the bottom bar: my people, one of them, and back.
    const bar = page.getByTestId('bottom-bar');
    assert.equal(await bar.locator('[aria-current="page"]').textContent(), 'Ma tournée');
    await bar.getByRole('link', { name: 'Mes personnes' }).click();
    await page.waitForURL(server.url + '/personne');
    await waitHydrated(page);
    await page.getByTestId('person').first().click();
    await page.getByTestId('resident-card').waitFor();
    const navigate = await page.getByTestId('navigate').getAttribute('href');
    assert.match(navigate, /^geo:-?\d+\.\d{6},-?\d+\.\d{6}\?q=|^geo:0,0\?q=\S+/, 'Android hands the place to its maps app');

    for (const [path, ready, current] of [
      ['/tournee', '[data-testid="visit"]', 'Ma tournée'],
      ['/personne', '[data-testid="person"]', 'Mes personnes'],
      [`/personne?id=${resident}`, '[data-testid="resident-card"]', 'Mes personnes'],
      [report, '[data-testid="report-form"]', null],
      ['/absences', '[data-testid="absence-form"]', 'Mes absences'],
    ]) {
      await page.goto(server.url + path);
      await waitHydrated(page);
      await page.locator(ready).first().waitFor();
      const links = await page.getByTestId('bottom-bar').getByRole('link').allTextContents();
      assert.deepEqual(links, ['Ma tournée', 'Mes personnes', 'Mes absences'], path);
      assert.equal(await page.getByTestId('bottom-bar').locator('[aria-current="page"]').count(), current ? 1 : 0, path);
      if (current) assert.equal(await page.getByTestId('bottom-bar').locator('[aria-current="page"]').textContent(), current);
      await assertFitsFingersAndEyes(page, path);
    }

    // The report form with everything shown: the mood, the details, the emergency reminder.
    await page.goto(server.url + report);
    await waitHydrated(page);
    await reportDone(page);
    await page.getByLabel('Une chute').check();
    await page.getByTestId('emergency-reminder').waitFor({ state: 'visible' });
    await page.getByLabel('Prochaine visite proposée').scrollIntoViewIfNeeded();
    await assertInView(page, page.getByRole('button', { name: 'Enregistrer le compte rendu' }), 'the save button, at the end of the details');
    await assertFitsFingersAndEyes(page, 'the report form, filled');
    await assertAccessible(page, 'the report form, filled');
    assert.deepEqual(problems, []);
  });
});

test('one PIN per report: the form stays open while the volunteer thinks; the round still locks', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server } = world;
    const { page, problems } = await world.page();
    await page.clock.install();
    const [report] = await openRound(page, server.url);
    const before = (await reportsOnServer(server)).length;

    // Left on the round: locked after five minutes (the server's default). The PIN screen too
    // fits fingers and eyes.
    await page.clock.fastForward(6 * MINUTES);
    await page.waitForFunction(() => document.documentElement.dataset.vault === 'locked');
    await waitHydrated(page);
    await assertFitsFingersAndEyes(page, 'the PIN screen');

    // The one PIN of this report, on its form; then twenty minutes of thinking, and typing.
    await page.goto(server.url + report);
    await waitHydrated(page);
    await unlock(page);
    await page.getByTestId('report-form').waitFor();
    await reportDone(page);
    for (let i = 0; i < 4; i += 1) await page.clock.fastForward(5 * MINUTES);
    assert.equal(await vaultState(page), 'open', 'still open on the form');
    await page.getByLabel('Remarque (courte)').fill('Nous avons longuement parlé du jardin');
    await page.clock.fastForward(7 * MINUTES);
    await page.getByRole('button', { name: 'Enregistrer le compte rendu' }).click();
    await page.getByText('Enregistré sur le téléphone').waitFor();
    assert.equal(await vaultState(page), 'open', 'saving asked for no PIN');
    await waitPending(page, 0);
    assert.equal((await reportsOnServer(server)).length, before + 1);

    // The saved page holds no form: it locks like any other.
    await page.clock.fastForward(6 * MINUTES);
    await page.waitForFunction(() => document.documentElement.dataset.vault === 'locked');

    // A form left on screen half an hour without a touch locks too; the draft waits for the PIN.
    await page.goto(server.url + report.replace(/visite=\d+&/, ''));
    await waitHydrated(page);
    await unlock(page);
    await page.getByTestId('report-form').waitFor();
    await reportDone(page);
    await page.getByLabel('Remarque (courte)').fill('brouillon laissé');
    await page.clock.fastForward(31 * MINUTES);
    await page.waitForFunction(() => document.documentElement.dataset.vault === 'locked');
    await waitHydrated(page);
    await unlock(page);
    assert.equal(await page.getByLabel('Remarque (courte)').inputValue(), 'brouillon laissé', 'the draft survived the lock');
    assert.deepEqual(problems, []);
  });
});

/** Sums the layout shifts not caused by input (what Lighthouse calls CLS, on one page). */
function watchShifts() {
  window.testShift = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.testShift += e.value;
  }).observe({ type: 'layout-shift', buffered: true });
}

/** The element is on screen, whole, without scrolling. */
async function assertInView(page, locator, what) {
  const box = await locator.boundingBox();
  const { height } = page.viewportSize();
  assert.ok(box && box.y >= 0 && box.y + box.height <= height, `${what} is on screen: ${JSON.stringify(box)}`);
}

/** Every interactive element shown is at least 48 × 48 CSS px (a radio or a checkbox: its
 * label, which takes the tap), and no text shown is smaller than the body's. */
async function assertFitsFingersAndEyes(page, where) {
  const { small, tiny } = await page.evaluate(() => {
    const name = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} "${(el.textContent || el.value || '').trim().slice(0, 24)}"`;
    const shown = (r) => r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0;
    const small = [];
    for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])')) {
      const target = el.matches('input[type="radio"], input[type="checkbox"]') ? (el.closest('label') || el) : el;
      const r = target.getBoundingClientRect();
      if (!shown(el.getBoundingClientRect())) continue;
      if (r.width < 47.5 || r.height < 47.5) small.push(`${name(target)} ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    const body = parseFloat(getComputedStyle(document.body).fontSize);
    const tiny = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent.trim() || !el || !el.checkVisibility() || el.closest('.visually-hidden, script, style')) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < body - 0.01) tiny.push(`${name(el)} ${size}px < ${body}px`);
    }
    return { small, tiny };
  });
  assert.deepEqual(small, [], `targets under 48 × 48 px on ${where}`);
  assert.deepEqual(tiny, [], `text smaller than body text on ${where}`);
}
