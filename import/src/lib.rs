//! Bringing in the lists teams already keep: residents and volunteers from a spreadsheet file
//! (CSV as French spreadsheet programs save it, or `.xlsx`), checked row by row against the
//! territory and the records of the scope before anything is written.
//!
//! - [`table`]: a file's bytes as text cells, with each row's line number.
//! - [`columns`]: the columns of each kind of file (French headers, aliases, template).
//! - [`values`]: French cell values (dates, rhythms, consent, slots, yes/no, names).
//! - [`plan`]: what each row would create or update, or why it is refused.
//!
//! Pure code: the server stores a dry run and applies it in one transaction.

pub mod columns;
pub mod plan;
pub mod table;
pub mod values;

pub use columns::{Kind, template};
pub use plan::{Action, Context, ExistingResident, ExistingVolunteer, Plan, PlannedRow, Problem, plan};
pub use table::{FileError, Table, read};

/// Reads and checks a file in one step.
pub fn dry_run(kind: Kind, bytes: &[u8], ctx: &Context) -> Result<Plan, FileError> {
    plan(kind, &read(bytes)?, ctx)
}
