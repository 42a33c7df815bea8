//! Stories of [`PrivacyStore`](monalisa_store::PrivacyStore): consent withdrawal, the right of
//! access, the retention purge.

use crate::fixture::*;
use crate::sync::{phone, push, report};
use monalisa_core::domain::{ConcernKind, FollowUp, ResidentId};
use monalisa_store::{Store, StoreError};

pub async fn withdrawing_consent_erases_the_person_and_keeps_the_row(store: &dyn Store) {
    load(store).await;
    assert_eq!(store.consent_withdrawn_on(RES_1).await.expect("read"), None);
    store.withdraw_consent(NORD, RES_1, centre(ALPHA), today()).await.expect("withdrawn");
    assert_eq!(store.consent_withdrawn_on(RES_1).await.expect("read"), Some(today()));
    let r = store.resident(RES_1).await.expect("read").expect("the anonymous row stays");
    assert!(r.first_name.is_empty() && r.address.is_empty() && r.phone.is_none(), "{r:?}");
    assert!(matches!(r.follow_up, FollowUp::Ended { .. }));
    assert_eq!(r.volunteer, None, "the pair ends with it");
    assert!(matches!(store.withdraw_consent(NORD, RES_1, centre(ALPHA), today()).await, Err(StoreError::Conflict(_))));
    assert!(matches!(store.withdraw_consent(NORD, RES_SUD, centre(GAMMA), today()).await, Err(StoreError::NotFound)));
}

pub async fn the_history_lists_visits_and_reports_oldest_first(store: &dyn Store) {
    let (_, p) = phone(store, false).await;
    push(store, &p, vec![report(client_id('a', 1), RES_1, vec![ConcernKind::Fall])]).await;
    let (visits, reports) = store.resident_history(RES_1).await.expect("history");
    assert_eq!(visits.len(), 1);
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].concerns.len(), 1);
    let (visits, reports) = store.resident_history(ResidentId(99)).await.expect("nobody");
    assert!(visits.is_empty() && reports.is_empty());
    let pairings = store.resident_pairings(RES_1).await.expect("pairings");
    assert_eq!(pairings.len(), 1);
    assert_eq!((pairings[0].started_on, pairings[0].ended_on), (today().add_days(-60), None));
    assert!(pairings[0].volunteer.starts_with("Jeannine"), "{pairings:?}");
    assert!(store.resident_pairings(RES_3).await.expect("none").is_empty());
}

pub async fn only_ended_follow_ups_past_the_cutoff_are_purged(store: &dyn Store) {
    load(store).await;
    let far = today().add_days(3650);
    assert!(store.purge_candidates(far).await.expect("candidates").is_empty(), "everyone is followed");
    store.withdraw_consent(NORD, RES_3, centre(ALPHA), today()).await.expect("withdrawn");
    assert!(store.purge_candidates(today()).await.expect("candidates").is_empty(), "not before the cutoff");
    assert_eq!(store.purge_candidates(far).await.expect("candidates"), [RES_3]);
    assert!(store.purge_resident(RES_3, far, today(), &purge_audit(RES_3)).await.expect("purged"));
    assert!(store.purge_candidates(far).await.expect("candidates").is_empty(), "purged once");
    assert!(!store.purge_resident(RES_3, far, today(), &purge_audit(RES_3)).await.expect("again"), "not twice");
    assert!(store.resident(RES_3).await.expect("read").is_some(), "the anonymous row stays for the indicators");
    assert_eq!(purge_entries(store, RES_3).await, 1, "its audit entry, once");
}

/// What the retention purge writes in the audit trail for `resident`.
fn purge_audit(resident: ResidentId) -> monalisa_core::wire::audit::AuditEntry {
    monalisa_core::wire::audit::AuditEntry {
        id: 0,
        at: monalisa_core::domain::Timestamp(1),
        actor: None,
        actor_login: None,
        device: None,
        action: "resident.purge".into(),
        object_kind: "resident".into(),
        object_id: resident.to_string(),
        detail: "retention 730 days".into(),
    }
}

async fn purge_entries(store: &dyn Store, resident: ResidentId) -> usize {
    let filter = monalisa_core::wire::audit::AuditFilter {
        object_kind: Some("resident".into()),
        object_id: Some(resident.to_string()),
        limit: 100,
        ..Default::default()
    };
    store.audit_entries(&filter).await.expect("audit").iter().filter(|e| e.action == "resident.purge").count()
}

/// The purge checks the rule again as it erases: a record that changed after the candidates
/// were listed (here, a push about them set aside for review) keeps everything, with no audit
/// entry.
pub async fn the_purge_checks_the_rule_again_as_it_erases(store: &dyn Store) {
    let (_, p) = phone(store, false).await;
    push(store, &p, vec![report(client_id('d', 1), RES_1, vec![])]).await;
    store.withdraw_consent(NORD, RES_1, centre(ALPHA), today()).await.expect("withdrawn");
    let far = today().add_days(3650);
    assert!(store.purge_candidates(far).await.expect("candidates").contains(&RES_1));
    // Meanwhile a removed phone's push about them arrives (set aside, to review).
    let revoked = crate::sync::Phone { caller: monalisa_store::SyncCaller { revoked: true, ..p.caller.clone() } };
    push(store, &revoked, vec![report(client_id('d', 2), RES_1, vec![])]).await;
    assert!(!store.purge_resident(RES_1, far, today(), &purge_audit(RES_1)).await.expect("checked"), "kept");
    let (_, reports) = store.resident_history(RES_1).await.expect("history");
    assert!(reports.iter().any(|r| !r.set_aside && r.duration_minutes.is_some()), "nothing erased: {reports:?}");
    assert_eq!(purge_entries(store, RES_1).await, 0, "no audit entry for a purge that did not happen");
}

pub async fn a_person_with_something_to_review_is_not_purged(store: &dyn Store) {
    let (_, p) = phone(store, true).await;
    push(store, &p, vec![report(client_id('b', 1), RES_1, vec![])]).await;
    store.withdraw_consent(NORD, RES_1, centre(ALPHA), today()).await.expect("withdrawn");
    let far = today().add_days(3650);
    assert!(
        !store.purge_candidates(far).await.expect("candidates").contains(&RES_1),
        "a quarantined push waits for review"
    );
}

pub async fn the_purge_takes_what_the_retention_rule_allows(store: &dyn Store) {
    use monalisa_core::retention::{PurgeFacts, purgeable};
    let (_, p) = phone(store, false).await;
    push(store, &p, vec![report(client_id('c', 1), RES_2, vec![])]).await;
    for id in [RES_2, RES_3] {
        let scope_centre = centre(store.resident(id).await.expect("read").expect("exists").commune.as_str());
        store.withdraw_consent(NORD, id, scope_centre, today()).await.expect("withdrawn");
    }
    let (_, reports) = store.resident_history(RES_2).await.expect("history");
    let last_report = reports.iter().map(|r| r.day).max();
    for cutoff in [today(), today().add_days(1), today().add_days(3650)] {
        let mut expected = Vec::new();
        for id in [RES_1, RES_2, RES_3, RES_SUD] {
            let r = store.resident(id).await.expect("read").expect("exists");
            let ended = matches!(r.follow_up, FollowUp::Ended { .. });
            let facts = PurgeFacts {
                purged: false,
                follow_up_ended: ended,
                status_since: match r.follow_up {
                    FollowUp::Active { since } | FollowUp::Paused { since, .. } => since,
                    FollowUp::Ended { on } => on,
                },
                consent_on: r.consent.given_on,
                last_report: if id == RES_2 { last_report } else { None },
                awaiting_review: false,
            };
            if purgeable(&facts, cutoff) {
                expected.push(id);
            }
        }
        assert_eq!(store.purge_candidates(cutoff).await.expect("candidates"), expected, "cutoff {cutoff}");
    }
}
