/* Monalisa Visites: boot script, loaded by every page before the app's WebAssembly.
 * Written in ES5 on purpose: it must run in browsers too old for the app, to tell their users.
 * - shows the "navigateur trop ancien" notice where the WebAssembly cannot run
 *   (it needs reference types: Chrome/WebView 96+, Firefox 79+, Safari 15+);
 * - registers the service worker that keeps the app shell available offline;
 * - shows the offline banner while the device has no network. */
(function () {
  'use strict';

  // (module (func (result externref) ref.null extern)): valid only where reference types work.
  var REFERENCE_TYPES_MODULE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 111, 3, 2, 1, 0,
    10, 6, 1, 4, 0, 208, 111, 11];

  function appCanRun() {
    try {
      return typeof WebAssembly === 'object' &&
        typeof WebAssembly.validate === 'function' &&
        WebAssembly.validate(new Uint8Array(REFERENCE_TYPES_MODULE)) &&
        'noModule' in document.createElement('script') &&
        typeof Promise === 'function' &&
        typeof window.fetch === 'function' &&
        !!window.indexedDB;
    } catch (e) {
      return false;
    }
  }

  function setShown(id, shown) {
    var el = document.getElementById(id);
    if (!el) { return; }
    if (shown) { el.removeAttribute('hidden'); } else { el.setAttribute('hidden', ''); }
  }

  function start() {
    if (!appCanRun()) {
      document.documentElement.className += ' old-browser';
      setShown('old-browser', true);
      return;
    }
    var showOnlineState = function () { setShown('offline-banner', navigator.onLine === false); };
    window.addEventListener('online', showOnlineState);
    window.addEventListener('offline', showOnlineState);
    showOnlineState();
    if ('serviceWorker' in navigator) {
      navigator.serviceWorker.register('/sw.js').then(function (registration) {
        // Look for a new version at every start, not only when the browser decides to.
        return registration.update();
      }).catch(function (error) {
        console.warn('Monalisa: service worker not registered', error);
      });
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
