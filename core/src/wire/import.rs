//! The import page (ambassadors, admins): the file's columns to fill, and a dry run row by
//! row. Texts come ready in the reader's language (the page is server-rendered).

use crate::domain::{ScopeId, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportView {
    /// The scopes an admin chooses from (empty for an ambassador: their own scope).
    pub scopes: Vec<(ScopeId, String)>,
    /// The columns of each kind of file: `residents` then `volunteers`.
    pub columns: Vec<(String, Vec<ColumnDoc>)>,
    pub run: Option<RunView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnDoc {
    pub header: String,
    pub required: bool,
    pub help: String,
}

/// A dry run as the page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunView {
    pub id: i64,
    /// `residents` or `volunteers`.
    pub kind: String,
    pub scope_name: String,
    pub file_sha256: String,
    pub expires_at: Timestamp,
    /// Applied: what was done, and when.
    pub applied: Option<(Timestamp, String)>,
    /// To create, to update, unchanged, refused.
    pub counts: [usize; 4],
    /// Refused rows first, then the rows to write (the unchanged ones are only counted).
    pub rows: Vec<RowView>,
    /// Headers that name no column.
    pub ignored: Vec<String>,
    /// Applied with a geocoder configured: where the homes to locate from their address stand.
    pub homes: Option<GeocodeProgress>,
}

/// How many of an import's homes to locate stand where (`pending`: still to be asked).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeocodeProgress {
    pub pending: u32,
    pub found: u32,
    pub not_found: u32,
    /// A position was given meanwhile: the geocoder's answer was not used.
    pub superseded: u32,
    /// The service could not be reached after every attempt.
    pub failed: u32,
}

impl GeocodeProgress {
    pub fn total(&self) -> u32 {
        self.pending + self.found + self.not_found + self.superseded + self.failed
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowState {
    Create,
    Update,
    Refused,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowView {
    pub line: u32,
    /// First name, last name and commune as the file writes them.
    pub label: String,
    pub state: RowState,
    /// A refusal's column and reason, or an update's changed columns.
    pub detail: String,
}
