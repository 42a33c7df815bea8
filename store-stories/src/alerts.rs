//! Stories of [`AlertStore`](monalisa_store::AlertStore): concerns followed up by the scope's
//! ambassador, and the e-mail alerts about them.

use crate::fixture::*;
use crate::sync::{phone, push, report};
use monalisa_core::domain::{ConcernKind, ConcernStatus, Timestamp};
use monalisa_core::wire::concerns::FollowUpStep;
use monalisa_store::{Store, StoreError};

pub async fn a_concern_is_acknowledged_then_resolved_once(store: &dyn Store) {
    let (a, p) = phone(store, false).await;
    let id = client_id('a', 1);
    push(store, &p, vec![report(id.clone(), RES_1, vec![ConcernKind::Fall, ConcernKind::Food])]).await;
    let since = Timestamp(now().0 - 86_400_000);
    let queue = store.concern_queue(NORD, since).await.expect("queue");
    assert_eq!(queue.len(), 2);
    assert!(queue.iter().all(|c| c.status == ConcernStatus::Open && c.resident == RES_1));
    assert!(queue.iter().all(|c| c.note == "Tout va bien"), "the volunteer's words come with the concern");
    assert!(store.concern_queue(SUD, since).await.expect("queue").is_empty());
    let t = now();
    assert!(matches!(
        store.follow_concern(SUD, &id, ConcernKind::Fall, FollowUpStep::Acknowledge, a.ambassador_sud, t).await,
        Err(StoreError::NotFound)
    ));
    store.follow_concern(NORD, &id, ConcernKind::Fall, FollowUpStep::Acknowledge, a.ambassador, t).await.expect("ack");
    assert!(matches!(
        store.follow_concern(NORD, &id, ConcernKind::Fall, FollowUpStep::Acknowledge, a.ambassador, t).await,
        Err(StoreError::Conflict(_))
    ));
    store.follow_concern(NORD, &id, ConcernKind::Fall, FollowUpStep::Resolve, a.ambassador, t).await.expect("resolve");
    store.follow_concern(NORD, &id, ConcernKind::Food, FollowUpStep::Resolve, a.ambassador, t).await.expect("resolve");
    let food = store.concern_queue(NORD, since).await.expect("queue").into_iter().find(|c| c.kind == ConcernKind::Food);
    let food = food.expect("resolved recently: still listed");
    assert!(food.acknowledged.is_some(), "resolving acknowledges too");
    assert!(matches!(
        store.follow_concern(NORD, &id, ConcernKind::Health, FollowUpStep::Resolve, a.ambassador, t).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn a_new_concern_is_announced_to_the_scopes_ambassadors_once(store: &dyn Store) {
    let (a, p) = phone(store, false).await;
    let id = client_id('b', 1);
    push(store, &p, vec![report(id.clone(), RES_1, vec![ConcernKind::Health])]).await;
    let since = Timestamp(now().0 - 86_400_000);
    assert!(store.concerns_to_announce(since).await.expect("list").is_empty(), "nobody to tell without an address");
    store.set_user_email(a.ambassador, Some("anne@example.org")).await.expect("address");
    let alerts = store.concerns_to_announce(since).await.expect("list");
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        (alerts[0].scope_name.as_str(), alerts[0].to.as_slice()),
        ("Nord", &["anne@example.org".to_string()][..])
    );
    store.mark_concern_alerted(&id, ConcernKind::Health, false, now()).await.expect("marked");
    assert!(store.concerns_to_announce(since).await.expect("list").is_empty(), "told once");
}

pub async fn an_open_concern_escalates_to_the_coordinators_once(store: &dyn Store) {
    let (a, p) = phone(store, false).await;
    let id = client_id('c', 1);
    push(store, &p, vec![report(id.clone(), RES_1, vec![ConcernKind::Loneliness])]).await;
    let later = Timestamp(now().0 + 60_000);
    assert!(store.concerns_to_escalate(later).await.expect("list").is_empty(), "no coordinator address");
    store.set_user_email(a.coordinator, Some("coord@example.org")).await.expect("address");
    assert!(store.concerns_to_escalate(Timestamp(now().0 - 86_400_000)).await.expect("list").is_empty(), "too recent");
    let alerts = store.concerns_to_escalate(later).await.expect("list");
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].to, ["coord@example.org"]);
    store.mark_concern_alerted(&id, ConcernKind::Loneliness, true, now()).await.expect("marked");
    assert!(store.concerns_to_escalate(later).await.expect("list").is_empty(), "escalated once");
}
