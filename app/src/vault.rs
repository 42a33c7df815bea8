//! The phone's keys (issue 7). What the volunteer's app keeps in IndexedDB is encrypted
//! (AES-256-GCM) under a random *data key*; the data key is stored only wrapped by a key
//! derived from the volunteer's 6-digit PIN (PBKDF2-SHA-256, 300,000 iterations). Reports are
//! also sealed to the server's public key as they are saved (format in [`crate::seal`]), so
//! the outbox can be delivered while the app is locked, or after its readable data was wiped.
//!
//! `public/vault.js` holds the keys and does the cryptography (WebCrypto) and the PIN screens
//! (server-rendered on the volunteer's pages, see `pages::volunteer`): choosing the PIN,
//! unlocking, counting wrong PINs (the fifth in a row wipes the readable data), the lock after
//! `lock_minutes` without use (server policy), and the wipe of a phone that has not reached the
//! server for `wipe_days`. While the app is open the data key is only in the page's memory (a
//! non-extractable WebCrypto key), never in any storage the browser writes to disk; moving to
//! another page of the app hands it over through the service worker's memory for a few seconds
//! (so the PIN is not asked again), and the deadline that use pushes back goes with it. Past the
//! deadline, or once the tab is closed, the PIN is needed again (`docs/protection-des-donnees.md`
//! says why this design).
//!
//! It is JavaScript for the size of the phone's bundle: written in async Rust over WebCrypto
//! and IndexedDB, the same cost about 25 KB gzip, more than the budget had left. The app's
//! WebAssembly calls it through the bindings below. `vault.js` runs before the WebAssembly
//! starts; when the data opens (the key handed over by the page before, or the PIN) it fires
//! the window event [`OPENED_EVENT`], on which the islands read the data and sync. It reloads
//! the page when the app locks, so nothing read stays on screen.

/// The window event `vault.js` fires when the data key is there.
pub const OPENED_EVENT: &str = "monalisa-vault-open";

/// Whether the data key is in memory (the app is open).
pub fn is_open() -> bool {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    return web::is_open().unwrap_or(false);
    #[cfg_attr(
        all(feature = "hydrate", target_arch = "wasm32"),
        expect(unreachable_code, reason = "the fallback where the browser returned early")
    )]
    false
}

#[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
pub use web::{hide, logged_in, reveal, seal};

/// Runs `work` under the lock the service worker's Background Sync delivery takes too, so that
/// a page's sync and the worker's never overlap (`public/sw.js`).
pub async fn with_sync_lock<T>(user: crate::auth::UserId, work: impl std::future::Future<Output = T>) -> T {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    {
        use wasm_bindgen::JsCast;
        let release = match web::sync_lock(user.0 as f64) {
            Ok(p) => {
                wasm_bindgen_futures::JsFuture::from(p).await.ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            }
            Err(_) => None,
        };
        let out = work.await;
        if let Some(release) = release {
            let _ = release.call0(&wasm_bindgen::JsValue::NULL);
        }
        return out;
    }
    #[cfg_attr(
        all(feature = "hydrate", target_arch = "wasm32"),
        expect(unreachable_code, reason = "the fallback where the browser returned early")
    )]
    {
        let _ = user;
        work.await
    }
}

/// Asks the browser to deliver the outbox when the network returns, even with the app closed.
pub fn deliver_later() {
    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    let _ = web::deliver_later();
}

#[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
mod web {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(js_namespace = monalisaVault)]
    extern "C" {
        /// Encrypts texts under the data key: a promise of their base64 records.
        #[wasm_bindgen(catch)]
        pub fn hide(texts: &js_sys::Array) -> Result<js_sys::Promise, JsValue>;
        /// Decrypts records: a promise of their texts (`null` for one that does not decrypt).
        #[wasm_bindgen(catch)]
        pub fn reveal(values: &js_sys::Array) -> Result<js_sys::Promise, JsValue>;
        /// Seals a text to the server's key (base64): a promise of the base64 sealed box.
        #[wasm_bindgen(catch)]
        pub fn seal(public_key: &str, text: &str) -> Result<js_sys::Promise, JsValue>;
        /// After a login with the password: the wipe is over (clears `meta.wiped` of `db`).
        #[wasm_bindgen(catch, js_name = loggedIn)]
        pub fn logged_in(db: &str) -> Result<js_sys::Promise, JsValue>;
        #[wasm_bindgen(catch, js_name = isOpen)]
        pub fn is_open() -> Result<bool, JsValue>;
        /// A promise of the function that releases the sync lock, once held.
        #[wasm_bindgen(catch, js_name = syncLock)]
        pub fn sync_lock(user: f64) -> Result<js_sys::Promise, JsValue>;
        #[wasm_bindgen(catch, js_name = deliverLater)]
        pub fn deliver_later() -> Result<(), JsValue>;
    }
}
