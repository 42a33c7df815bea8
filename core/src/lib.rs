//! Monalisa Visites core: what the phone and the server agree on, with no I/O.
//!
//! - [`domain`]: the model (residents, volunteers, visits, reports) and its rules (due dates,
//!   tolerance, priority, date windows, free text);
//! - [`sync`]: the sync protocol as data, and the phone's sync engine ([`sync::engine`]);
//! - [`wire`]: the types the server functions exchange, one module per area, and [`error`]'s
//!   `ApiError`;
//! - the rules the storage backends execute, so that each lives once above them: [`push`]
//!   (what the server does with a pushed mutation), [`visibility`] (which residents a phone may
//!   hold), [`retention`] (what the purge may erase), [`scope`] (what belongs to a scope);
//! - [`auth`] (ids, roles, the route table's types), [`people`] (the people forms' checks),
//!   [`coverage`] (the coordinators' indicators), [`seal`] (reports sealed to the server),
//!   [`b64`].
//!
//! Builds for the phone (wasm32) and the server. Feature `server-fn` makes `ApiError` the error
//! type of Leptos server functions; feature `ssr` adds the server's side
//! (opening [`seal`]ed reports).

pub mod auth;
pub mod b64;
pub mod coverage;
pub mod domain;
pub mod error;
pub mod handover;
pub mod people;
pub mod push;
pub mod retention;
pub mod scope;
pub mod seal;
pub mod sync;
pub mod visibility;
pub mod wire;
