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
}

pub async fn only_ended_follow_ups_past_the_cutoff_are_purged(store: &dyn Store) {
    load(store).await;
    let far = today().add_days(3650);
    assert!(store.purge_candidates(far).await.expect("candidates").is_empty(), "everyone is followed");
    store.withdraw_consent(NORD, RES_3, centre(ALPHA), today()).await.expect("withdrawn");
    assert!(store.purge_candidates(today()).await.expect("candidates").is_empty(), "not before the cutoff");
    assert_eq!(store.purge_candidates(far).await.expect("candidates"), [RES_3]);
    store.purge_resident(RES_3, today()).await.expect("purged");
    assert!(store.purge_candidates(far).await.expect("candidates").is_empty(), "purged once");
    assert!(store.resident(RES_3).await.expect("read").is_some(), "the anonymous row stays for the indicators");
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
