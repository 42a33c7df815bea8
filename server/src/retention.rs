//! Retention: residents whose follow-up ended more than the retention period ago (by default two
//! years after the last contact, the CNIL's référentiel for the social and médico-social sector)
//! have their personal data erased, once a day in the server and on demand with
//! `monalisa purge [--dry-run]`. Reports waiting for review (flagged, or a quarantined push) hold
//! the purge back until reviewed. Each purge is in the audit trail (ids only).

use monalisa_app::api::audit::AuditEntry;
use monalisa_app::backend::{Store, StoreError};
use monalisa_app::domain::{Date, ResidentId, Timestamp};

/// What a purge did, or would do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurgeReport {
    /// Last contact before this day: purged.
    pub cutoff: Date,
    pub residents: Vec<ResidentId>,
    pub dry_run: bool,
}

impl PurgeReport {
    /// The report in words, for the operator (ids only).
    pub fn text(&self) -> String {
        let ids: Vec<String> = self.residents.iter().map(|r| r.to_string()).collect();
        let verb = if self.dry_run { "would be purged" } else { "purged" };
        format!(
            "{} resident record(s) {verb} (follow-up ended, last contact before {}){}{}",
            self.residents.len(),
            self.cutoff,
            if ids.is_empty() { "" } else { ": " },
            ids.join(", ")
        )
    }
}

/// Purges (or, `dry_run`, lists) the records past the retention period on `today`.
pub async fn purge(
    store: &dyn Store,
    today: Date,
    retention_days: u32,
    dry_run: bool,
) -> Result<PurgeReport, StoreError> {
    let cutoff = today.add_days(-(retention_days as i32));
    let candidates = store.purge_candidates(cutoff).await?;
    if dry_run {
        return Ok(PurgeReport { cutoff, residents: candidates, dry_run });
    }
    // Import dry runs past their 24 hours: their rows are personal data.
    let now = Timestamp(monalisa_app::backend::now_ms());
    let runs = store.purge_import_runs(now).await?;
    if runs > 0 {
        tracing::info!(runs, "expired import dry runs deleted");
    }
    // Each erase checks the rule again and writes its audit entry in its own transaction: a
    // record that changed since the list was made is kept, and no erase goes unrecorded.
    let mut residents = Vec::new();
    for resident in candidates {
        let entry = AuditEntry {
            id: 0,
            at: Timestamp(monalisa_app::backend::now_ms()),
            actor: None,
            actor_login: None,
            device: None,
            action: "resident.purge".into(),
            object_kind: "resident".into(),
            object_id: resident.to_string(),
            detail: format!("retention {retention_days} days"),
        };
        if store.purge_resident(resident, cutoff, today, &entry).await? {
            residents.push(resident);
        }
    }
    Ok(PurgeReport { cutoff, residents, dry_run })
}

/// The lease the daily purge runs under: one server process at a time purges.
pub const LEASE: &str = "retention-purge";

/// Runs [`purge`] once a day until the process stops, in the one server process that holds
/// the purge's lease (asked every minute: when its holder dies, another takes over and purges
/// at once, a purge run twice in a day erasing nothing more).
pub fn spawn_daily(store: std::sync::Arc<dyn Store>, retention_days: u32) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last: Option<tokio::time::Instant> = None;
        loop {
            tick.tick().await;
            match store.hold_lease(LEASE).await {
                Ok(true) => {}
                Ok(false) => {
                    last = None;
                    continue;
                }
                Err(e) => {
                    tracing::error!(error = %e, "retention purge: lease unavailable");
                    continue;
                }
            }
            if last.is_some_and(|at| at.elapsed() < std::time::Duration::from_secs(24 * 3600)) {
                continue;
            }
            last = Some(tokio::time::Instant::now());
            let today = Timestamp(monalisa_app::backend::now_ms()).paris_local().0;
            match purge(store.as_ref(), today, retention_days, false).await {
                Ok(r) if !r.residents.is_empty() => {
                    tracing::info!(purged = r.residents.len(), cutoff = %r.cutoff, "retention purge")
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "retention purge: storage failure"),
            }
        }
    });
}
