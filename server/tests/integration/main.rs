//! The server's integration tests, in one test binary: each file below was its own binary, and
//! eighteen links of the whole server (270 MB each in debug) cost minutes and gigabytes of disk
//! on a fresh 2-core machine. `make test` runs them one at a time (`--test-threads=1`).

mod common;

mod access;
mod alerts;
mod auth;
mod cli;
mod concerns;
mod coverage;
mod crash;
mod hostile;
mod http;
mod import;
mod people;
mod planning;
mod privacy_doc;
mod replicas;
mod retention;
mod setup;
mod store;
mod store_copy;
mod sync_http;
mod sync_props;
