//! What the server functions exchange with the pages and the phone, one module per area. The
//! functions themselves are the app's (`monalisa_app::api`); their paths never move.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod concerns;
pub mod coverage;
pub mod dossier;
pub mod import;
pub mod people;
pub mod planning;
pub mod residents;
pub mod review;
pub mod setup;
pub mod territory;
