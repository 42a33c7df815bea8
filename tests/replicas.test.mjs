// Two servers on one PostgreSQL database behind nginx (round-robin), as a department runs them:
// a volunteer's phone records reports and syncs through the proxy while one server dies
// (SIGKILL, right after committing a push and before answering it) and is started again.
// Every report reaches the team exactly once, and the phone's outbox ends empty.
//
// Needs the PostgreSQL cluster `make test` starts (MONALISA_TEST_POSTGRES) and Debian's nginx
// (`make tools-test` installs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  launch, openRound, phoneContext, removeDir, reportDone, reportsOnServer, startServer, tempDir, waitHydrated,
  waitPending, watchPage,
} from './lib/harness.mjs';

const CLUSTER = process.env.MONALISA_TEST_POSTGRES;

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** nginx with a prefix and configuration of its own, round-robin to `ports`. */
async function startProxy(dir, port, ports) {
  await mkdir(join(dir, 'logs'), { recursive: true });
  const conf = join(dir, 'nginx.conf');
  await writeFile(conf, `
user root;
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream monalisa { ${ports.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join(' ')} }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://monalisa;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }
}
`);
  const child = spawn('/usr/sbin/nginx', ['-p', dir, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await fetch(url + '/connexion')).status === 200) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`nginx did not start:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop: () => new Promise((resolve) => { child.on('exit', resolve); child.kill('SIGQUIT'); }) };
}

test('a phone syncing through the proxy while one of two servers is killed mid-push loses and doubles nothing', async () => {
  assert.ok(CLUSTER, 'MONALISA_TEST_POSTGRES: the PostgreSQL cluster make test starts (tools/postgres.sh)');
  const dir = await tempDir();
  const name = `replicas_${process.pid}`;
  execFileSync('psql', [`${CLUSTER}/postgres`, '-q', '-c', `CREATE DATABASE ${name}`]);
  const db = `${CLUSTER}/${name}`;
  const [portA, portB, proxyPort] = [await freePort(), await freePort(), await freePort()];
  // B loads the demo territory; A, armed, dies right after the first push it commits.
  const b = await startServer({ db, port: portB, demo: true });
  let a = await startServer({ db, port: portA, env: { MONALISA_TEST_KILL_AFTER_COMMIT: '1' } });
  const proxy = await startProxy(join(dir, 'nginx'), proxyPort, [portA, portB]);
  const browser = await launch();
  try {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    const problems = watchPage(page);
    const links = await openRound(page, proxy.url);
    const before = (await reportsOnServer(b)).length;
    let killed = false;
    let recorded = 0;
    // Reports one by one, each followed by a sync, until a push has landed on A (round-robin).
    for (let i = 0; i < 8 && !killed; i += 1) {
      await page.goto(proxy.url + links[i % links.length].replace(/visite=\d+&/, ''));
      await waitHydrated(page);
      await page.getByTestId('report-form').waitFor();
      await reportDone(page);
      await page.getByRole('button', { name: 'Enregistrer le compte rendu' }).click();
      await page.getByText('Enregistré sur le téléphone').waitFor();
      recorded += 1;
      await page.goto(proxy.url + '/tournee');
      await waitHydrated(page);
      await page.getByRole('button', { name: 'Synchroniser' }).click();
      await page.getByRole('button', { name: 'Synchroniser' }).waitFor();
      killed = await Promise.race([a.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 1500))]);
    }
    assert.ok(killed, 'a push reached the armed server, which died after committing it');
    // Started again (the hook not armed); the phone goes on through the proxy.
    a = await startServer({ db, port: portA });
    for (let tries = 0; tries < 10; tries += 1) {
      const pending = await page.evaluate(() => document.querySelector('[data-testid="sync-status"]')?.dataset.pending);
      if (pending === '0') break;
      await page.getByRole('button', { name: 'Synchroniser' }).click();
      await page.getByRole('button', { name: 'Synchroniser' }).waitFor();
      await new Promise((r) => setTimeout(r, 500));
    }
    await waitPending(page, 0);
    const ids = await reportsOnServer(b);
    assert.equal(ids.length, before + recorded, 'every report recorded on the phone reached the team');
    assert.equal(new Set(ids).size, ids.length, 'none twice');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await proxy.stop();
    await a.kill();
    await b.stop();
    await removeDir(dir);
  }
});
