// A report the server refuses is kept on the phone for correction (issue 21): a phone whose
// clock runs three days ahead records a visit "today"; the server refuses a visit in its
// future; the round says so in words with a button to correct it; the form opens with the
// report as it was recorded (note included) and the reason; corrected, it is delivered once,
// and the notice goes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAccessible, openRound, reportDone, reportsOnServer, unlock, waitHydrated, waitPending } from './lib/harness.mjs';
import { withWorld } from './lib/world.mjs';

const DAYS = 86_400_000;
const pending = (page, n) => waitPending(page, n, 60_000);

test('a refused report stays on the phone, says why, and can be corrected', async () => {
  await withWorld({ demo: true }, async (world) => {
    const { server } = world;
    const { context, page, problems } = await world.page();
    const [link] = await openRound(page, server.url);
    const before = await reportsOnServer(server);

    // The phone's clock is three days ahead of the server's.
    const serverToday = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
    await page.clock.install({ time: Date.now() + 3 * DAYS });
    await page.goto(server.url + link);
    await waitHydrated(page);
    await unlock(page); // the lock's deadline passed by the phone's new clock
    await page.getByTestId('report-form').waitFor();
    await reportDone(page);
    const note = 'Elle a parlé de son jardin';
    await page.getByLabel('Remarque (courte)').fill(note);
    await page.getByRole('button', { name: 'Enregistrer le compte rendu' }).click();
    await page.getByText('Enregistré sur le téléphone').waitFor();
    await pending(page, 0);
    assert.deepEqual(await reportsOnServer(server), before, 'refused: nothing recorded');

    // The round says so, in words, with the way to correct it.
    await page.goto(server.url + '/tournee');
    await waitHydrated(page);
    const notice = page.getByTestId('refused');
    await notice.waitFor();
    assert.match(await notice.innerText(), /n'a pas été accepté[\s\S]*dans le futur/);
    await assertAccessible(page, 'the round with a refused report');
    await notice.getByRole('link', { name: 'Corriger le compte rendu' }).click();
    await page.getByTestId('report-form').waitFor();
    assert.match(await page.getByTestId('refused-reason').innerText(), /dans le futur/);
    assert.equal(await page.getByLabel('Remarque (courte)').inputValue(), note, 'the report as it was recorded');
    assert.ok(await page.getByLabel('Plutôt bien').isChecked());

    // Corrected to the day it really was: delivered once, and the notice goes.
    await page.locator('#r-day').fill(serverToday);
    await page.getByRole('button', { name: 'Enregistrer le compte rendu' }).click();
    await page.getByText('Enregistré sur le téléphone').waitFor();
    await pending(page, 0);
    const after = await reportsOnServer(server);
    assert.equal(after.length, before.length + 1, 'the corrected report arrived once');
    await page.goto(server.url + '/tournee');
    await waitHydrated(page);
    await page.getByTestId('visit').first().waitFor();
    assert.equal(await page.getByTestId('refused').count(), 0, 'no longer waiting for a correction');
    assert.deepEqual(problems, []);
    await context.close();
  });
});
