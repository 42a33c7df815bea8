/* Monalisa Visites: the phone's keys (issue 7; design in app/src/vault.rs, formats in
 * app/src/local_store.rs and app/src/seal.rs). The app's WebAssembly calls
 * `globalThis.monalisaVault`; cryptography is WebCrypto's only.
 *
 * - Records are `base64(iv ‖ AES-256-GCM(JSON))` under a random data key.
 * - The data key is kept only wrapped (AES-GCM) by a key derived from the volunteer's 6-digit
 *   PIN (PBKDF2-SHA-256), in `meta.vault` of the user's database; wrong PINs are counted there
 *   *before* each try, and the fifth in a row wipes the readable data.
 * - While the app is open, the data key is only in this page's memory, as a non-extractable
 *   CryptoKey (its bytes are dropped once imported), with a deadline that use pushes back. It is
 *   never written to any storage the browser keeps on disk (sessionStorage, localStorage,
 *   IndexedDB, Cache Storage, cookies, URLs): Chromium writes those to the profile, where a copy
 *   of it would open the data without the PIN. Going to another page of the app, the page hands
 *   the key to the service worker as it goes (`pagehide`), and the next page takes it back at
 *   once; the worker holds it for a few seconds at most, in memory (see sw.js). If the worker
 *   was stopped meanwhile, the PIN is asked again: nothing is lost, drafts are saved as typed.
 *   Past the deadline, or once the tab or the browser is closed, the PIN is needed again.
 * - Reports are sealed to the server's P-256 key: ECDH with a fresh key, SHA-256 of
 *   ("monalisa-seal-1" ‖ shared x ‖ fresh public key) as the AES-256-GCM key.
 * Written as a plain script (not a module) so it is precached like boot.js. */
(function () {
  'use strict';
  const subtle = crypto.subtle;
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  // An earlier version kept the data key in this tab's sessionStorage under this name: it is
  // removed at start, and the data key it held is replaced at the next unlock (`rotate`).
  const OPEN = 'monalisa-open';
  // Vault records made or rotated since the data key lives only in memory.
  const VAULT_VERSION = 2;
  // How long a page waits for the service worker to hand back the key of the page before.
  const CLAIM_MS = 1500;
  const SECRET = ['residents', 'visits', 'reports', 'drafts', 'notices', 'absences'];
  const ITERATIONS = 300000;
  const ATTEMPTS = 5;
  const GCM = 'AES-GCM';
  let key = null; // the data key (a non-extractable CryptoKey) while the app is open
  let openUser = null;
  let until = 0; // the lock deadline (this page's clock), pushed back by use

  const b64 = (bytes) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
  const unb64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const random = (n) => crypto.getRandomValues(new Uint8Array(n));
  const concat = (...parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => { out.set(p, at); return at + p.length; }, 0);
    return out;
  };
  const aesKey = (raw) => subtle.importKey('raw', raw, GCM, false, ['encrypt', 'decrypt']);
  /** The data key from its bytes, which are then overwritten: only the CryptoKey remains. */
  const dataKey = async (raw) => { try { return await aesKey(raw); } finally { raw.fill(0); } };
  const encrypt = async (key, plain) => {
    const iv = random(12);
    return concat(iv, new Uint8Array(await subtle.encrypt({ name: GCM, iv }, key, plain)));
  };
  const decrypt = async (key, data) =>
    new Uint8Array(await subtle.decrypt({ name: GCM, iv: data.subarray(0, 12) }, key, data.subarray(12)));
  const pinKey = async (pin, salt, iterations) => subtle.deriveKey(
    { name: 'PBKDF2', salt, iterations, hash: 'SHA-256' },
    await subtle.importKey('raw', enc.encode(pin), 'PBKDF2', false, ['deriveKey']),
    { name: GCM, length: 256 }, false, ['encrypt', 'decrypt']);
  const needKey = () => {
    if (!key) throw new Error('locked');
    return key;
  };

  // IndexedDB as promises. The app opens (and upgrades) the user's database before calling.
  const req = (r) => new Promise((ok, ko) => { r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error); });
  const ended = (tx) => new Promise((ok, ko) => { tx.oncomplete = ok; tx.onerror = tx.onabort = () => ko(tx.error); });
  async function withDb(name, stores, work) {
    const db = await req(indexedDB.open(name));
    try {
      // A database the app has not upgraded yet lacks the newest stores (`absences`).
      const tx = db.transaction(stores.filter((s) => db.objectStoreNames.contains(s)), 'readwrite');
      const result = work(tx);
      await ended(tx);
      return result;
    } finally {
      db.close();
    }
  }
  /** The stores of `names` that a transaction covers. */
  const held = (tx, names) => names.filter((s) => tx.objectStoreNames.contains(s));
  /** Opens a database only if it exists (`null` otherwise; `indexedDB.databases()` is too
   * recent for some of the browsers the app supports). */
  const openExisting = (name) => new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onupgradeneeded = () => open.transaction.abort(); // it did not exist: leave it so
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => (open.error && open.error.name === 'AbortError' ? resolve(null) : reject(open.error));
  });
  const readMeta = async (name, keys) => {
    const db = await openExisting(name);
    if (!db) return keys.map(() => undefined);
    try {
      const meta = db.transaction('meta').objectStore('meta');
      return await Promise.all(keys.map((k) => req(meta.get(k))));
    } finally {
      db.close();
    }
  };
  const writeVault = (name, vault) => withDb(name, ['meta'], (tx) => tx.objectStore('meta').put(JSON.stringify(vault), 'vault'));

  /** The app is open for `user` until `deadline`; the page's islands are told (they read the
   * data and sync once the key is there). */
  function open(user, cryptoKey, deadline) {
    key = cryptoKey;
    openUser = user;
    until = deadline;
    dispatchEvent(new Event('monalisa-vault-open'));
  }
  function forget() {
    key = null;
    openUser = null;
    until = 0;
  }

  // ---- the hand-over between two pages of the app, through the service worker's memory

  // Only between pages the worker controls (all of them once it is installed: it claims them).
  const worker = () => ('serviceWorker' in navigator && navigator.serviceWorker.controller) || null;

  /** The page goes (another page of the app, a reload, the tab closing): the worker keeps the
   * key for the next page, a few seconds at most. Not when locking (the key is gone by then). */
  addEventListener('pagehide', () => {
    const to = worker();
    if (key && to) to.postMessage({ vault: 'keep', user: openUser, key, until });
  });
  /** A page returning from the back-forward cache still holds the key: its deadline applies. */
  addEventListener('pageshow', (event) => {
    if (event.persisted && key && Date.now() > until) lockNow();
  });

  /** The key the page before handed over, if it is for `user` and its deadline has not passed. */
  async function claim(user) {
    const to = worker();
    if (!to) return null;
    const answer = await new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => resolve(event.data);
      setTimeout(resolve, CLAIM_MS, null);
      to.postMessage({ vault: 'take', user }, [channel.port2]);
    });
    if (!answer || answer.user !== user || !(answer.key instanceof CryptoKey) || !(answer.until >= Date.now())) return null;
    return answer;
  }

  /** Wipes what is readable in one transaction; the sealed outbox stays (without its readable copy). */
  async function wipe(name, silence) {
    forget();
    await withDb(name, SECRET.concat(['sent', 'outbox', 'meta']), (tx) => {
      for (const store of held(tx, SECRET.concat(['sent']))) tx.objectStore(store).clear();
      const outbox = tx.objectStore('outbox');
      // Outbox records are [id, queued_at, sealed, readable copy]: the sealed one stays until
      // delivered, the readable copy goes. A record queued in clear by an earlier version and
      // not sealed yet stays too (losing it would be worse).
      outbox.openCursor().onsuccess = (event) => {
        const cursor = event.target.result;
        if (!cursor) return;
        const record = cursor.value;
        if (Array.isArray(record)) {
          if (record[2]) cursor.update([record[0], record[1], record[2], null]);
          else cursor.delete();
        } // a string: queued in clear by an earlier version, not sealed yet (no server key so far)
        cursor.continue();
      };
      const meta = tx.objectStore('meta');
      meta.delete('vault');
      meta.delete('cursor');
      meta.put(silence, 'wiped');
    });
  }

  async function create(name, user, pin, lockMs) {
    const salt = random(16);
    const raw = random(32);
    const wrapped = await encrypt(await pinKey(pin, salt, ITERATIONS), raw);
    const fresh = await dataKey(raw);
    // Anything readable an earlier version kept in clear goes: the next sync brings it back.
    await withDb(name, SECRET.concat(['meta']), (tx) => {
      for (const store of held(tx, SECRET)) tx.objectStore(store).clear();
      const meta = tx.objectStore('meta');
      meta.delete('cursor');
      meta.delete('wiped');
      meta.put(JSON.stringify({ v: VAULT_VERSION, salt: b64(salt), iterations: ITERATIONS, wrapped: b64(wrapped), failures: 0, created: Date.now() }), 'vault');
    });
    open(user, fresh, Date.now() + lockMs);
  }

  /** A vault made by an earlier version, whose data key may have reached the disk in clear
   * (its pages kept it in sessionStorage): every record is encrypted again under a new data
   * key, wrapped by the same PIN, in one transaction. A record that does not decrypt is left
   * as it is (it was unreadable already). */
  async function rotate(name, record, wrapKey, oldRaw) {
    const old = await dataKey(oldRaw);
    const db = await req(indexedDB.open(name));
    const stores = SECRET.concat(['outbox']).filter((s) => db.objectStoreNames.contains(s));
    let rows;
    try {
      const tx = db.transaction(stores);
      rows = await Promise.all(stores.map(async (store) => {
        const s = tx.objectStore(store);
        const [keys, values] = await Promise.all([req(s.getAllKeys()), req(s.getAll())]);
        return [store, keys, values];
      }));
    } finally {
      db.close();
    }
    const raw = random(32);
    const wrapped = await encrypt(wrapKey, raw);
    const fresh = await aesKey(raw);
    raw.fill(0);
    const again = async (value) => {
      if (typeof value !== 'string') return value;
      try { return b64(await encrypt(fresh, await decrypt(old, unb64(value)))); } catch (e) { return value; }
    };
    const updated = await Promise.all(rows.map(async ([store, keys, values]) => [store, new Map(await Promise.all(keys.map(async (k, i) => {
      const value = values[i];
      // Outbox records: [id, queued_at, sealed, readable copy]; only the copy is under the data key.
      return [k, store === 'outbox' && Array.isArray(value) ? value.slice(0, 3).concat([await again(value[3])]) : await again(value)];
    })))]));
    Object.assign(record, { v: VAULT_VERSION, wrapped: b64(wrapped), failures: 0 });
    await withDb(name, stores.concat(['meta']), (tx) => {
      for (const [store, values] of updated) {
        const s = tx.objectStore(store);
        // Only records still there: a sync may have delivered (removed) outbox entries meanwhile.
        s.openCursor().onsuccess = (event) => {
          const cursor = event.target.result;
          if (!cursor) return;
          if (values.has(cursor.key) && !(store === 'outbox' && typeof cursor.value === 'string')) cursor.update(values.get(cursor.key));
          cursor.continue();
        };
      }
      tx.objectStore('meta').put(JSON.stringify(record), 'vault');
    });
    return fresh;
  }

  /** Tries a PIN: -1 when open, else the attempts left (0: the readable data was wiped). */
  async function unlock(name, user, pin, lockMs) {
    const [vault] = await readMeta(name, ['vault']);
    if (!vault) throw new Error('no PIN');
    const record = JSON.parse(vault);
    record.failures += 1; // counted before trying: closing the app mid-try gives no free attempt
    await writeVault(name, record);
    let raw = null;
    const wrapKey = await pinKey(pin, unb64(record.salt), record.iterations);
    try {
      raw = await decrypt(wrapKey, unb64(record.wrapped));
    } catch (e) { /* wrong PIN */ }
    if (raw) {
      let opened;
      if (record.v === VAULT_VERSION) {
        record.failures = 0;
        await writeVault(name, record);
        opened = await dataKey(raw);
      } else {
        opened = await rotate(name, record, wrapKey, raw);
      }
      open(user, opened, Date.now() + lockMs);
      return -1;
    }
    const left = Math.max(ATTEMPTS - record.failures, 0);
    if (left === 0) await wipe(name, false);
    return left;
  }

  /** The app was used: the deadline moves; `false` if it had already passed. */
  function touch(lockMs) {
    if (!key || Date.now() > until) return false;
    until = Date.now() + lockMs;
    return true;
  }

  // ---- the page: state, PIN screens (rendered by the server on the volunteer's pages), lock

  const $ = (id) => document.getElementById(id);
  let state = 'checking';
  let me = null; // { db, user, lockMs, wipeDays } for a volunteer

  function show(next, silence) {
    state = next;
    document.documentElement.dataset.vault = next;
    const screen = { nopin: 'pin-new', locked: 'pin-unlock', wiped: 'wiped' }[next];
    for (const id of ['pin-new', 'pin-unlock', 'wiped']) { if ($(id)) $(id).hidden = id !== screen; }
    if (next === 'wiped' && $('wiped')) { $('wiped-pin').hidden = !!silence; $('wiped-silence').hidden = !silence; }
  }

  function sayLeft(left) {
    const wrong = $('pin-wrong');
    if (!wrong) return;
    wrong.textContent = wrong.dataset.text.replace('{n}', left);
    wrong.hidden = false;
  }

  /** Seals a text to the server's public key (base64 of its uncompressed P-256 point). */
  async function seal(publicKey, text) {
    const ec = { name: 'ECDH', namedCurve: 'P-256' };
    const server = await subtle.importKey('raw', unb64(publicKey), ec, false, []);
    const pair = await subtle.generateKey(ec, false, ['deriveBits']);
    const mine = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
    const shared = new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: server }, pair.privateKey, 256));
    const key = await aesKey(await subtle.digest('SHA-256', concat(enc.encode('monalisa-seal-1'), shared, mine)));
    return b64(concat([1], mine, await encrypt(key, enc.encode(text))));
  }

  /** Seals the reports an earlier version queued in clear (JSON text), dropping the clear copy. */
  async function sealQueued(name, publicKey) {
    const db = await openExisting(name);
    if (!db) return;
    let clear;
    try {
      const store = db.transaction('outbox').objectStore('outbox');
      const [keys, values] = await Promise.all([req(store.getAllKeys()), req(store.getAll())]);
      clear = keys.map((k, i) => [k, values[i]]).filter(([, v]) => typeof v === 'string');
    } finally {
      db.close();
    }
    if (!clear.length || !publicKey) return;
    const sealed = await Promise.all(clear.map(async ([k, v]) => {
      const entry = JSON.parse(v);
      return [k, [entry.mutation.id, entry.queued_at, await seal(publicKey, JSON.stringify(entry.mutation)), null]];
    }));
    await withDb(name, ['outbox'], (tx) => { for (const [k, record] of sealed) tx.objectStore('outbox').put(record, k); });
  }

  async function start() {
    try { sessionStorage.removeItem(OPEN); } catch (e) { /* storage disabled */ }
    const [session] = await readMeta('monalisa', ['session']);
    const who = session && JSON.parse(session);
    if (!who || who.role !== 'volunteer') { forget(); return show('none'); }
    me = { db: `monalisa-user-${who.user}`, user: who.user, lockMs: (who.lock_minutes || 5) * 60000, wipeDays: who.wipe_days || 14 };
    const handed = await claim(who.user);
    if (handed) {
      open(who.user, handed.key, handed.until);
      return show('open');
    }
    const [vault, wiped, sync] = await readMeta(me.db, ['vault', 'wiped', 'sync']);
    await sealQueued(me.db, who.seal_key).catch(() => {});
    if (wiped !== undefined) return show('wiped', wiped);
    if (!vault) return show('nopin');
    const record = JSON.parse(vault);
    // No contact with the server for too long (counted from the PIN if it is more recent).
    const contact = Math.max((sync && JSON.parse(sync).last_success) || 0, record.created);
    if (Date.now() - contact > me.wipeDays * 86400000) {
      await wipe(me.db, true);
      return show('wiped', true);
    }
    if (record.failures > 0) sayLeft(ATTEMPTS - record.failures);
    return show('locked');
  }

  /** Opened by the PIN: the screens are drawn where the form was; the focus goes there too. */
  function opened() {
    show('open');
    if ($('main')) $('main').focus();
  }

  document.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!me || (form.id !== 'pin-new' && form.id !== 'pin-unlock')) return;
    event.preventDefault();
    $('vault-error').hidden = true;
    try {
      if (form.id === 'pin-new') {
        const pin = $('pin-new-1').value;
        const ok = /^[0-9]{6}$/.test(pin) && pin === $('pin-new-2').value;
        $('pin-new-error').hidden = ok;
        if (!ok) return;
        await create(me.db, me.user, pin, me.lockMs);
        form.reset();
        return opened(); // the islands were told, and draw the data
      }
      const left = await unlock(me.db, me.user, $('pin-code').value, me.lockMs);
      form.reset();
      if (left < 0) return opened();
      if (left === 0) return show('wiped', false);
      sayLeft(left);
      $('pin-code').focus();
    } catch (e) {
      $('vault-error').hidden = false;
    }
  });

  // Locked after `lockMs` without a touch or a key: the page reloads, so nothing read stays on screen.
  // On the report form the count stops while the form is on screen (docs/verrouillage.md): a
  // volunteer may pause to talk, think or find a date, and saving must never ask for the PIN a
  // second time. It runs while the screen is off or another app is in front (counted from then),
  // and a form left on screen WRITING_MS without a touch locks too.
  const WRITING_MS = 30 * 60000;
  let lastUse = Date.now();
  const writing = () => document.visibilityState === 'visible' && !!document.querySelector('form[data-form="report"]');
  const lockNow = () => { forget(); location.reload(); };
  const used = () => {
    if (state !== 'open') return;
    if (!touch(me.lockMs)) return lockNow();
    lastUse = Date.now();
  };
  addEventListener('pointerdown', used, true);
  addEventListener('keydown', used, true);
  // Android's keyboards do not always send key events: what they type counts as use.
  addEventListener('input', used, true);
  document.addEventListener('visibilitychange', () => {
    if (state !== 'open') return;
    if (document.visibilityState === 'hidden') {
      // Leaving the form (screen off, another app): the usual count starts now.
      if (document.querySelector('form[data-form="report"]') && Date.now() <= until) until = Date.now() + me.lockMs;
    } else if (Date.now() > until) {
      lockNow();
    }
  });
  setInterval(() => {
    if (state === 'open' && Date.now() > until) {
      if (writing() && Date.now() - lastUse < WRITING_MS) until = Date.now() + 10000;
      else lockNow();
    }
    if (state === 'wiped') endSession().catch(() => {});
  }, 5000);

  // A wiped phone whose outbox was delivered (by the app's sync) ends its session too, so that
  // the data comes back only through a login with the password.
  let sessionEnded = false;
  async function endSession() {
    if (sessionEnded) return;
    const db = await req(indexedDB.open(me.db));
    const waiting = await req(db.transaction('outbox').objectStore('outbox').count()).finally(() => db.close());
    if (waiting > 0) return;
    const res = await fetch('/api/v1/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    sessionEnded = res.ok;
  }

  globalThis.monalisaVault = {
    /** Encrypts texts under the data key (the app must be open). */
    hide: async (texts) => { const k = await needKey(); return Promise.all(texts.map((t) => encrypt(k, enc.encode(t)).then(b64))); },
    /** Decrypts records; `null` for one that does not decrypt. */
    reveal: async (values) => {
      const k = await needKey();
      return Promise.all(values.map((v) => (typeof v === 'string'
        ? decrypt(k, unb64(v)).then((b) => dec.decode(b), () => null) : null)));
    },
    seal,
    isOpen: () => !!key,
    /** Takes the lock the service worker's delivery takes too (sw.js): a promise of the
     * function that releases it. Without Web Locks (older browsers), at once. */
    syncLock: (user) => new Promise((held) => {
      if (!navigator.locks) return held(() => {});
      navigator.locks.request(`monalisa-sync-${user}`, () => new Promise((release) => held(release)));
    }),
    /** Something waits and the network failed: the browser delivers it when the network
     * returns, even with the app closed (Background Sync, where the browser has it). */
    deliverLater: () => {
      if (!('serviceWorker' in navigator)) return;
      navigator.serviceWorker.ready.then((r) => r.sync && r.sync.register('monalisa-outbox')).catch(() => {});
    },
    /** Locks now (the page reloads onto the PIN screen). */
    lock: lockNow,
    /** After a login with the password: the wipe is over. */
    loggedIn: (name) => withDb(name, ['meta'], (tx) => tx.objectStore('meta').delete('wiped')),
    /** For the tests of the IndexedDB module (no page around them). */
    create,
    sealQueued,
    unlock,
  };

  start().catch(() => show('none'));
}());
