//! Logging in and out, the session check the app makes at start and when it comes back
//! online, and enrolment/reset links.

use serde::{Deserialize, Serialize};

/// What the enrolment page shows before the password is chosen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkInfo {
    pub display_name: String,
    pub login: String,
    /// `true` for a reset (the account already had a password).
    pub reset: bool,
}
