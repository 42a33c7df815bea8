//! The sync protocol and engine live in `monalisa_core::sync`; this module adds the phone's
//! runner (IndexedDB, the network, the lock), which does I/O.

pub use monalisa_core::sync::*;
pub mod runner;
