//! One module per page.
pub mod accessibility;
pub mod accounts;
pub mod concerns;
pub mod coverage;
pub mod enrol;
pub mod home;
pub mod import;
pub mod journal;
pub mod login;
pub mod not_found;
pub mod people;
pub mod planning;
pub mod review;
pub mod setup;
pub mod territory;
pub mod volunteer;
