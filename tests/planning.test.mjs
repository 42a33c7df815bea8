// Planning a week, end to end: an ambassador opens "Planifier la semaine", sees one round per
// volunteer, publishes; the volunteer's phone, at its next sync, shows exactly the visits of
// one of those rounds (its own) as new visits of its round.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, assertAccessible, logIn, waitForPage, waitHydrated, waitSynced } from './lib/harness.mjs';
import { withWorld } from './lib/world.mjs';

/** The (visit id, resident id) of each visit the round page shows. */
const shownVisits = () => [...document.querySelectorAll('[data-testid="visit"] a.primary')].map((a) => {
  const q = new URL(a.href).searchParams;
  return [q.get('visite'), q.get('personne')];
});

test('an ambassador plans and publishes a week, and the volunteer\'s phone shows it', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server } = world;
    const { page: phone, problems: phoneProblems } = await world.page();
    await logIn(phone, server.url, DEMO.volunteer);
    await phone.goto(server.url + '/tournee');
    await waitHydrated(phone);
    await waitSynced(phone);
    await waitForPage(phone, () => document.querySelector('[data-testid="round"], [data-testid="round-empty"]'));
    const before = new Set((await phone.evaluate(shownVisits)).map(([visit]) => visit));

    const { page: desk, problems: deskProblems } = await world.page();
    await logIn(desk, server.url, DEMO.ambassador);
    await desk.goto(server.url + '/planification');
    await desk.getByTestId('planning-summary').waitFor();
    await assertAccessible(desk, 'planning');
    const rounds = await desk.locator('[data-testid="planned-round"]').evaluateAll((tables) =>
      tables.map((t) => [...t.querySelectorAll('tr[data-resident]')].map((tr) => tr.dataset.resident).sort()));
    assert.ok(rounds.length > 0, 'the plan has rounds');
    await desk.getByRole('button', { name: 'Publier ces tournées' }).click();
    await desk.getByTestId('planning-published').waitFor();

    // The phone syncs when the page opens again: the new visits are one published round.
    await phone.reload();
    await waitHydrated(phone);
    const fresh = await waitForPage(phone, (seen) => {
      const visits = [...document.querySelectorAll('[data-testid="visit"] a.primary')].map((a) => {
        const q = new URL(a.href).searchParams;
        return [q.get('visite'), q.get('personne')];
      });
      const added = visits.filter(([visit]) => !seen.includes(visit));
      return added.length > 0 ? added.map(([, resident]) => resident).sort() : null;
    }, [...before]);
    assert.ok(rounds.some((r) => JSON.stringify(r) === JSON.stringify(fresh)), `${fresh} is one of ${JSON.stringify(rounds)}`);

    // The printed round of that volunteer lists the same people, one box to tick each (one
    // sheet link per round, in the rounds' order).
    const index = rounds.findIndex((r) => JSON.stringify(r) === JSON.stringify(fresh));
    await desk.getByTestId('round-sheet-link').nth(index).click();
    await desk.getByTestId('round-sheet').waitFor();
    assert.equal(await desk.locator('[data-testid="round-sheet"] tbody tr').count(), fresh.length);
    await assertAccessible(desk, 'printed round');

    // The volunteer has no smartphone this time: the ambassador enters a report for them.
    await desk.getByRole('link', { name: 'Saisir le compte rendu' }).first().click();
    await desk.getByTestId('entry-form').waitFor();
    await assertAccessible(desk, 'report entry');
    await desk.getByLabel('Remarque (courte)').fill('Saisi au téléphone avec le bénévole');
    await desk.getByRole('button', { name: 'Enregistrer le compte rendu' }).click();
    await desk.getByTestId('entry-saved').waitFor();
    assert.deepEqual(phoneProblems, []);
    assert.deepEqual(deskProblems, []);
  });
});
