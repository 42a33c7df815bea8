//! The weekly plan: a scope's people for a week, locks, publishing rounds, paper rounds and their reports.

use crate::StoreError;
use crate::records::PlanningPeople;
use monalisa_core::domain::*;

/// The weekly plan: a scope's people for a week, locks, publishing rounds, paper rounds and their reports.
#[async_trait::async_trait]
pub trait PlanningStore: Send + Sync {
    /// Everything a scope's week is planned from, in one call: its active volunteers, and the
    /// residents of its communes (any follow-up) with the day of their last visit done; by id.
    async fn planning_people(&self, scope: ScopeId) -> Result<PlanningPeople, StoreError>;
    /// The visits of the scope's residents declined by their volunteer, on `since` or later,
    /// by day (each such visit was cancelled when the decline arrived).
    async fn declined_visits(
        &self,
        scope: ScopeId,
        since: Date,
    ) -> Result<Vec<monalisa_core::wire::planning::DeclinedVisit>, StoreError>;
    /// The planned visits of the scope's published rounds, on `since` or later, that fall in an
    /// absence of their volunteer, by day: to re-plan.
    async fn visits_during_absences(
        &self,
        scope: ScopeId,
        since: Date,
    ) -> Result<Vec<monalisa_core::wire::planning::AbsentVisit>, StoreError>;
    /// Residents of the scope with a visit report dated within `[from, to]`.
    async fn reported_between(&self, scope: ScopeId, from: Date, to: Date) -> Result<Vec<ResidentId>, StoreError>;
    /// Publishes a scope's rounds for the week starting `week_start`, in one transaction: the
    /// week's planned, unreported visits of the scope's volunteers are cancelled (their phones
    /// drop them at the next sync), the rounds are published with their visits in order.
    /// Returns how many visits were published. A volunteer outside the scope is refused.
    async fn publish_rounds(
        &self,
        scope: ScopeId,
        week_start: Date,
        rounds: &[monalisa_core::wire::planning::PlannedRound],
    ) -> Result<usize, StoreError>;
    /// An ambassador's locks for the week: resident → volunteer (and day and time, for a visit
    /// placed by hand).
    async fn planning_locks(
        &self,
        scope: ScopeId,
        week_start: Date,
    ) -> Result<Vec<(ResidentId, monalisa_core::wire::planning::PlanningLock)>, StoreError>;
    /// Locks a resident to a volunteer for the week, possibly at a day and time (`None`: removes
    /// the lock). The resident and the volunteer must both be in the scope (else `NotFound`).
    async fn set_planning_lock(
        &self,
        scope: ScopeId,
        week_start: Date,
        resident: ResidentId,
        lock: Option<monalisa_core::wire::planning::PlanningLock>,
    ) -> Result<(), StoreError>;
    /// A planned, published visit of the scope, for an ambassador entering its report (with a
    /// fresh report id); `None` when it is not the scope's.
    async fn visit_entry(
        &self,
        scope: ScopeId,
        visit: monalisa_core::domain::VisitId,
    ) -> Result<Option<monalisa_core::wire::planning::VisitEntry>, StoreError>;
    /// A volunteer's published visits of the week, in order, with what a paper round needs, and
    /// the residents on it; `None` when the volunteer is not in the scope.
    async fn round_sheet(
        &self,
        scope: ScopeId,
        volunteer: VolunteerId,
        week_start: Date,
    ) -> Result<Option<(monalisa_core::wire::planning::RoundSheet, Vec<ResidentId>)>, StoreError>;
}
