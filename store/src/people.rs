//! The people of a scope: residents, volunteers, ambassadors, as records and as the forms save them.

use crate::StoreError;
use crate::records::*;
use monalisa_core::domain::*;

/// The people of a scope: residents, volunteers, ambassadors, as records and as the forms save them.
#[async_trait::async_trait]
pub trait PeopleStore: Send + Sync {
    async fn resident(&self, id: ResidentId) -> Result<Option<Resident>, StoreError>;
    async fn last_contact(&self, id: ResidentId) -> Result<Option<LastContact>, StoreError>;
    async fn volunteer(&self, id: VolunteerId) -> Result<Option<Volunteer>, StoreError>;
    async fn ambassador(&self, id: AmbassadorId) -> Result<Option<Ambassador>, StoreError>;
    /// A resident's card (the fields a volunteer needs at the door).
    async fn resident_card(
        &self,
        id: ResidentId,
    ) -> Result<Option<monalisa_core::wire::residents::ResidentCard>, StoreError>;
    /// The scope's residents (any follow-up) and volunteers, by name.
    async fn scope_people_list(&self, scope: ScopeId) -> Result<monalisa_core::wire::people::PeopleList, StoreError>;
    /// Creates or updates a resident of the scope, in one transaction; `home` is the checked
    /// position. A new resident's consent is recorded as given to `recorded_by`; an existing
    /// resident's consent is never changed here. Refused as `Invalid(field)` when the commune
    /// or the volunteer is not the scope's, `NotFound` when the resident is not.
    async fn save_resident(
        &self,
        scope: ScopeId,
        draft: &monalisa_core::people::ResidentDraft,
        home: monalisa_core::domain::Location,
        recorded_by: monalisa_core::domain::AmbassadorId,
        today: Date,
    ) -> Result<ResidentId, StoreError>;
    /// Moves a resident's home (placed on the commune's map), nothing else. `NotFound` for a
    /// resident of another scope, `Conflict` once their consent is withdrawn.
    async fn place_home(&self, scope: ScopeId, resident: ResidentId, home: Location) -> Result<(), StoreError>;
    /// Creates or updates a volunteer of the scope (absences are the volunteer's own). Refused as
    /// `Invalid("communes")` when an accepted commune is not the scope's, `NotFound` when the
    /// volunteer is not the scope's.
    async fn save_volunteer(
        &self,
        scope: ScopeId,
        draft: &monalisa_core::people::VolunteerDraft,
        home: monalisa_core::domain::Location,
    ) -> Result<VolunteerId, StoreError>;
    /// A volunteer's residents handed over, in one transaction: each to another active
    /// volunteer of the scope or to nobody (`None`), only if the volunteer is still theirs
    /// (`Conflict("resident")` otherwise); then, with `deactivate`, the volunteer made inactive,
    /// refused (`Conflict("still_following")`) while a followed resident still has them.
    /// `NotFound` for a volunteer of another scope, `Invalid("benevole")` for a successor who
    /// cannot be one. Also: `save_volunteer` refuses to make inactive (`Invalid("actif")`) a
    /// volunteer who still has residents.
    async fn hand_over(
        &self,
        scope: ScopeId,
        volunteer: VolunteerId,
        to: &[(ResidentId, Option<VolunteerId>)],
        deactivate: bool,
    ) -> Result<(), StoreError>;
    /// Adds an absence to a volunteer of the scope (`NotFound` for another scope's).
    async fn add_absence(&self, scope: ScopeId, volunteer: VolunteerId, absence: DayRange) -> Result<(), StoreError>;
    /// Removes a volunteer's absence, those exact days; `NotFound` when the scope's volunteer
    /// has none such.
    async fn remove_absence(&self, scope: ScopeId, volunteer: VolunteerId, absence: DayRange)
    -> Result<(), StoreError>;
    /// The scope's records in full: residents and volunteers (an import compares a file with
    /// them; the handover looks for successors among them).
    async fn import_records(&self, scope: ScopeId) -> Result<ImportRecords, StoreError>;
    /// Keeps a dry run (its id is given back) and deletes the runs whose time has passed.
    async fn save_import_run(&self, run: &ImportRun) -> Result<i64, StoreError>;
    /// Deletes the dry runs expired at `now` (their rows are personal data); how many went.
    async fn purge_import_runs(&self, now: Timestamp) -> Result<u64, StoreError>;
    /// A dry run not yet expired at `now` (an applied one stays readable until then).
    async fn import_run(&self, id: i64, now: Timestamp) -> Result<Option<ImportRun>, StoreError>;
    /// Applies a dry run in one transaction: every write, the references, an audit line per
    /// record, and the run marked applied with its summary; or nothing when a record changed
    /// meanwhile (`Changed`). `Conflict` when the run is already applied or expired.
    async fn apply_import(&self, apply: &ImportApply) -> Result<ImportApplied, StoreError>;
}
