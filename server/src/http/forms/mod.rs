//! The plain form posts and downloads of the route table, by area (each handler's route and
//! access rule are in `monalisa_app::routes`).

pub(crate) mod accounts;
pub(crate) mod concerns;
pub(crate) mod exports;
pub(crate) mod import;
pub(crate) mod people;
pub(crate) mod planning;
pub(crate) mod review;
pub(crate) mod setup;
