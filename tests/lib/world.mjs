// Page objects shared by the browser tests: one test's world (a temporary directory, the real
// server on its own database, a browser) and the pages opened in it (a context of the right
// size and language, the page, and the watch for CSP violations and page errors). Tests say
// what they do with them; the setting up and tearing down is written once, here.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  PHONE, assertAccessible, launch, launchProfile, logIn, removeDir, startServer, tempDir, unlock, waitHydrated, watchPage,
} from './harness.mjs';

/** A wide screen, as an ambassador's or coordinator's desk. */
export const DESK = { width: 1280, height: 900 };

export class World {
  /**
   * @param {{demo?: boolean, site?: string, args?: string[], browser?: boolean,
   *   prepare?: (dir: string) => Promise<object>}} options `prepare` runs in the world's
   *   directory before the server starts and may return options (a site it copied, say);
   *   `browser: false` when the test opens only profiles of its own ([`World.profile`]).
   */
  static async start(options = {}) {
    const world = new World();
    world.dir = await tempDir();
    world.options = { ...options, ...(options.prepare ? await options.prepare(world.dir) : {}) };
    world.db = join(world.dir, 'db.sqlite');
    world.server = await startServer({
      db: world.db, demo: world.options.demo, site: world.options.site, args: world.options.args,
    });
    world.browser = options.browser === false ? null : await launch();
    world.pages = [];
    world.profiles = [];
    return world;
  }

  /** A browser on a profile directory of the world's own (kept on disk, like a phone's). */
  async profile(options = {}) {
    const context = await launchProfile(join(this.dir, `profile-${this.profiles.length}`), options);
    this.profiles.push(context);
    return context;
  }

  get url() {
    return this.server.url;
  }

  /** Starts the server again on the world's database (after `server.stop()`): on `port` to
   * keep the same origin (the service worker and IndexedDB belong to it). */
  async startServer({ site = this.options.site, port = 0 } = {}) {
    this.server = await startServer({ db: this.db, site, port, args: this.options.args });
    return this.server;
  }

  /** A page in a fresh context: a volunteer's phone by default (small screen, French). */
  async page(contextOptions = {}) {
    const context = await this.browser.newContext({ viewport: PHONE, locale: 'fr-FR', ...contextOptions });
    const page = new AppPage(this, context, await context.newPage());
    this.pages.push(page);
    return page;
  }

  async phone(contextOptions = {}) {
    return this.page(contextOptions);
  }

  async desk(contextOptions = {}) {
    return this.page({ viewport: DESK, ...contextOptions });
  }

  /** Every page opened stayed free of CSP violations and page errors. */
  assertClean() {
    for (const p of this.pages) p.assertClean();
  }

  async close() {
    for (const context of this.profiles) await context.close().catch(() => {});
    if (this.browser) await this.browser.close();
    await this.server.stop().catch(() => {});
    await removeDir(this.dir);
  }
}

/** Runs `body` in a fresh world, always torn down; a failure carries the server's log. */
export async function withWorld(options, body) {
  const world = await World.start(options);
  try {
    await body(world);
  } catch (e) {
    const log = world.server.log();
    if (log && e instanceof Error) e.message += `\n--- server log ---\n${log}`;
    throw e;
  } finally {
    await world.close();
  }
}

/** One page of the app, in its own context, watched for CSP violations and page errors. */
export class AppPage {
  constructor(world, context, page) {
    this.world = world;
    this.context = context;
    this.page = page;
    this.problems = watchPage(page);
  }

  /** Goes to a path of the site. */
  async open(path) {
    await this.page.goto(this.world.url + path);
    return this;
  }

  /** Goes to a path and waits for the islands to be live. */
  async openHydrated(path) {
    await this.open(path);
    await waitHydrated(this.page);
    return this;
  }

  /** Logs in as `[login, password]` (see `DEMO`). */
  async logIn(who) {
    await logIn(this.page, this.world.url, who);
    return this;
  }

  async unlock(pin) {
    await unlock(this.page, pin);
    return this;
  }

  async assertAccessible(label) {
    await assertAccessible(this.page, label);
  }

  assertClean() {
    assert.deepEqual(this.problems, [], `problems on a page: ${this.problems.join('\n')}`);
  }
}
