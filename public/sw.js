/* Monalisa Visites service worker: keeps the app shell available offline.
 *
 * The server fills in VERSION (the build) and PRECACHE (the shell's URLs) when it serves this
 * file, so every new build is a new worker version:
 * - install: downloads the whole shell into a cache named after the version, bypassing the
 *   HTTP cache, then takes over at once;
 * - activate: deletes the caches of older versions;
 * - navigations: network first (with a timeout for "lie-fi"), falling back to the cached copy
 *   of that page, else to a short "offline" page linking home; responses marked no-store or
 *   private (pages with personal data) are never cached;
 * - shell files: from the cache, else the network. Everything else (the API) goes to the
 *   network untouched;
 * - the phone's data key, between two pages of the app (see vault.js): the page that goes
 *   hands it over (`keep`), the next page takes it (`take`). It stays only in this worker's
 *   memory, at most KEY_HANDOVER_MS, and is given once; nothing of it is ever stored;
 * - Background Sync: when a page could not send what waits in the outbox, it asks the browser
 *   for a `sync` event (vault.js `deliverLater`), which comes when the network returns, even if
 *   no page of the app is open (Chrome on Android has it). The worker then sends the outbox as
 *   the app's sync would (the records are sealed to the server's key: no PIN needed) and files
 *   the acknowledgements as the app does (`settle` in app/src/local_store.rs), under the same
 *   Web Lock as a page's sync, so that the two never overlap. It pulls nothing: what the server
 *   sends back is encrypted under the data key, which only an open page holds. A push that
 *   fails rejects the event: the browser tries again later. */
'use strict';

const VERSION = "__MONALISA_VERSION__";
const PRECACHE = "__MONALISA_PRECACHE__";
/** The sync protocol the app speaks (filled in by the server, as the version is). */
const PROTOCOL = "__MONALISA_PROTOCOL__";
const SYNC_TAG = 'monalisa-outbox';
/** As the app's pushes (`MAX_BATCH` in core/src/sync). */
const PUSH_BATCH = 50;
const CACHE_PREFIX = 'monalisa-shell-';
const SHELL_CACHE = CACHE_PREFIX + VERSION;
/** After this long without an answer, a cached page is shown instead (if there is one). */
const NAVIGATION_TIMEOUT_MS = 4000;
/** How long a data key handed over between two pages waits for the next page. */
const KEY_HANDOVER_MS = 10000;
let handedKey = null;

async function precache() {
  const cache = await caches.open(SHELL_CACHE);
  await cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload', credentials: 'same-origin' })));
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

async function keep(paths, ifMissing) {
  const cache = await caches.open(SHELL_CACHE);
  await Promise.all(paths.filter((p) => typeof p === 'string' && p.startsWith('/')).map(async (path) => {
    if (ifMissing && await cache.match(new URL(path, self.location.origin).href)) return;
    const response = await fetch(new Request(path, { credentials: 'same-origin', cache: 'reload' }));
    if (mayCache(response)) {
      await cache.put(new URL(path, self.location.origin).href, response);
    }
  }));
}

self.addEventListener('message', (event) => {
  const data = event.data;
  if (data && data.vault === 'keep' && data.key instanceof CryptoKey) {
    const handed = { user: data.user, key: data.key, until: data.until };
    handedKey = handed;
    // Kept alive for the hand-over, then forgotten whether or not a page took it.
    event.waitUntil(new Promise((resolve) => setTimeout(resolve, KEY_HANDOVER_MS)).then(() => {
      if (handedKey === handed) handedKey = null;
    }));
    return;
  }
  if (data && data.vault === 'take' && event.ports[0]) {
    const handed = handedKey && handedKey.user === data.user ? handedKey : null;
    if (handed) handedKey = null;
    event.ports[0].postMessage(handed);
    return;
  }
  // After the app wiped Cache Storage (logout, revoked device): download the public shell again.
  if (event.data === 'precache') {
    event.waitUntil(precache());
  }
  // After a volunteer logs in (all again), and on each volunteer page (those not kept yet):
  // keep the offline pages (shells with no personal data).
  if (event.data && Array.isArray(event.data.keep)) {
    event.waitUntil(keep(event.data.keep, event.data.ifMissing === true));
  }
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names
      .filter((name) => name.startsWith(CACHE_PREFIX) && name !== SHELL_CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

function mayCache(response) {
  if (!response || !response.ok || response.type !== 'basic') {
    return false;
  }
  const control = response.headers.get('Cache-Control') || '';
  return !/no-store|private/i.test(control);
}

function offlinePage() {
  const body = '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>Hors connexion · Monalisa Visites</title></head><body><main>' +
    '<h1>Hors connexion</h1><p>Cette page n\'a pas encore été enregistrée sur cet appareil. ' +
    'Elle s\'affichera au retour du réseau.</p><p><a href="/">Retour à l\'accueil</a></p>' +
    '</main></body></html>';
  return new Response(body, { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
}

// Only a copy of this very page: another page's HTML would not hydrate at this address.
async function cachedPage(cache, request) {
  return cache.match(request, { ignoreSearch: true });
}

async function navigate(request) {
  const cache = await caches.open(SHELL_CACHE);
  const network = fetch(request).then((response) => {
    if (mayCache(response)) {
      const url = new URL(request.url);
      cache.put(url.origin + url.pathname, response.clone());
    }
    return response;
  });
  // Network first; if it is slow and a copy exists, show the copy; if it fails, the copy.
  const timeout = new Promise((resolve) => setTimeout(resolve, NAVIGATION_TIMEOUT_MS, 'timeout'));
  try {
    const first = await Promise.race([network, timeout]);
    if (first !== 'timeout') {
      return first;
    }
    const copy = await cachedPage(cache, request);
    return copy || await network;
  } catch (error) {
    return (await cachedPage(cache, request)) || offlinePage();
  }
}

async function shellFile(request) {
  const cache = await caches.open(SHELL_CACHE);
  return (await cache.match(request)) || fetch(request);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) {
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith(navigate(request));
  } else if (PRECACHE.includes(url.pathname + url.search)) {
    event.respondWith(shellFile(request));
  }
});

// ---- Background Sync: the outbox, delivered with no page open

self.addEventListener('sync', (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(deliver());
});

const req = (r) => new Promise((ok, ko) => { r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error); });
const ended = (tx) => new Promise((ok, ko) => { tx.oncomplete = ok; tx.onerror = tx.onabort = () => ko(tx.error); });

/** A database of the app, if it exists (never created here). */
function openExisting(name) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onupgradeneeded = () => open.transaction.abort();
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => (open.error && open.error.name === 'AbortError' ? resolve(null) : reject(open.error));
  });
}

async function deliver() {
  const device = await openExisting('monalisa');
  if (!device) return;
  let session;
  try {
    session = await req(device.transaction('meta').objectStore('meta').get('session'));
  } finally {
    device.close();
  }
  const who = session && JSON.parse(session);
  if (!who || who.role !== 'volunteer') return;
  const send = () => pushOutbox(`monalisa-user-${who.user}`);
  // The lock a page's sync takes too (vault.js `syncLock`).
  return self.navigator.locks ? self.navigator.locks.request(`monalisa-sync-${who.user}`, send) : send();
}

/** Outbox records `[id, queued_at, sealed, readable copy]` that are sealed, oldest first. */
async function sealedOutbox(name) {
  const db = await openExisting(name);
  if (!db) return [];
  try {
    if (!db.objectStoreNames.contains('outbox')) return [];
    return (await req(db.transaction('outbox').objectStore('outbox').getAll()))
      .filter((r) => Array.isArray(r) && typeof r[2] === 'string');
  } finally {
    db.close();
  }
}

async function pushOutbox(name) {
  for (;;) {
    const batch = (await sealedOutbox(name)).slice(0, PUSH_BATCH);
    if (!batch.length) return;
    const request = { protocol: PROTOCOL, sent_at: Date.now(), mutations: [], sealed: batch.map((r) => ({ id: r[0], sealed: r[2] })) };
    const response = await fetch('/api/sync/v1/push', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ request }),
    });
    // Refused (logged out, an old protocol...): the app says what to do at its next start.
    if (!response.ok) throw new Error(`push answered ${response.status}`);
    const answer = await response.json();
    const sent = new Set(batch.map((r) => r[0]));
    const acks = (answer.acks || []).filter((a) => sent.has(a.id));
    await settle(name, acks, Date.now());
    if (answer.device_revoked || acks.length < batch.length) return;
  }
}

/** As the app's `settle`: each acknowledged record leaves the outbox for `sent` (a refused one
 * keeps its readable copy, still encrypted, for the volunteer to correct), and the contact with
 * the server is noted (the no-contact wipe counts from it), in one transaction. */
async function settle(name, acks, now) {
  const db = await openExisting(name);
  if (!db) return;
  try {
    const tx = db.transaction(['outbox', 'sent', 'meta'], 'readwrite');
    const sent = tx.objectStore('sent');
    tx.objectStore('outbox').openCursor().onsuccess = (event) => {
      const cursor = event.target.result;
      if (!cursor) return;
      const record = cursor.value;
      const ack = Array.isArray(record) && acks.find((a) => a.id === record[0]);
      if (ack) {
        const refused = ack.status && typeof ack.status === 'object' && 'rejected' in ack.status;
        const row = { id: ack.id, status: ack.status, acked_at: now };
        if (refused && typeof record[3] === 'string') row.kept = record[3];
        sent.put(JSON.stringify(row), ack.id);
        cursor.delete();
      }
      cursor.continue();
    };
    if (acks.length) tx.objectStore('meta').put(JSON.stringify({ last_success: now, last_error: null }), 'sync');
    await ended(tx);
  } finally {
    db.close();
  }
}
