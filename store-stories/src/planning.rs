//! Stories of [`PlanningStore`](monalisa_store::PlanningStore): a scope's week, locks,
//! publishing, paper rounds and the reports entered from them.

use crate::fixture::*;
use monalisa_core::domain::{Minute, VisitId};
use monalisa_core::wire::planning::{PlannedRound, PlannedVisit, PlanningLock};
use monalisa_store::{Store, StoreError};

pub async fn a_scope_plans_its_active_people(store: &dyn Store) {
    load(store).await;
    let mut inactive = population().volunteers[1].clone();
    inactive.active = false;
    let draft = monalisa_core::people::VolunteerDraft {
        id: Some(inactive.id),
        first_name: inactive.first_name.clone(),
        last_name: inactive.last_name.clone(),
        phone: inactive.phone.clone(),
        commune: inactive.commune.clone(),
        position: Some(inactive.home),
        travel: inactive.travel,
        radius_km: inactive.reach.radius_km,
        communes: inactive.reach.communes.clone(),
        weekly_capacity: inactive.weekly_capacity,
        availability: inactive.availability.clone(),
        charter: inactive.charter,
        training: inactive.training,
        active: false,
    };
    store.save_volunteer(NORD, &draft, inactive.home).await.expect("made inactive");
    let people = store.planning_people(NORD).await.expect("people");
    assert_eq!(people.volunteers, [population().volunteers[0].clone()], "active ones only, whole records");
    let ids: Vec<_> = people.residents.iter().map(|(r, _)| r.id).collect();
    assert_eq!(ids, [RES_1, RES_2, RES_3]);
    assert_eq!(people.residents[0].0, population().residents[0], "whole records");
    assert!(people.residents.iter().all(|(_, done)| done.is_none()), "no visit done yet");
    assert!(store.reported_between(NORD, week(), week().add_days(6)).await.expect("reported").is_empty());
    assert_eq!(store.planning_people(monalisa_core::domain::ScopeId(99)).await.expect("unknown"), Default::default());
}

pub async fn the_last_visit_done_is_given_with_each_resident(store: &dyn Store) {
    use crate::sync::{phone, push, report};
    let (_, p) = phone(store, false).await;
    push(store, &p, vec![report(client_id('a', 7), RES_1, vec![])]).await;
    let people = store.planning_people(NORD).await.expect("people");
    assert_eq!(people.residents[0], (population().residents[0].clone(), Some(today())));
    assert_eq!(store.reported_between(NORD, week(), week().add_days(6)).await.expect("reported"), [RES_1]);
}

pub async fn publishing_replaces_the_weeks_planned_visits(store: &dyn Store) {
    load(store).await;
    let next = week().add_days(7);
    let at = |resident, day: i32| PlannedVisit {
        resident,
        day: next.add_days(day),
        start: Minute::hm(10, 0).expect("hour"),
    };
    let rounds = vec![
        PlannedRound { volunteer: VOL_1, visits: vec![at(RES_1, 0), at(RES_2, 1)] },
        PlannedRound { volunteer: VOL_2, visits: vec![at(RES_3, 2)] },
    ];
    assert_eq!(store.publish_rounds(NORD, next, &rounds).await.expect("published"), 3);
    let (sheet, residents) = store.round_sheet(NORD, VOL_1, next).await.expect("sheet").expect("in scope");
    assert_eq!(sheet.visits.len(), 2);
    assert_eq!(residents.len(), 2);
    // Published again with fewer visits: the week's planned visits are replaced.
    let fewer = vec![PlannedRound { volunteer: VOL_1, visits: vec![at(RES_2, 3)] }];
    assert_eq!(store.publish_rounds(NORD, next, &fewer).await.expect("republished"), 1);
    let (sheet, _) = store.round_sheet(NORD, VOL_1, next).await.expect("sheet").expect("in scope");
    assert_eq!(sheet.visits.len(), 1);
    assert_eq!(store.round_sheet(NORD, VOL_SUD, next).await.expect("sheet"), None, "not the scope's volunteer");
}

pub async fn a_round_for_another_scopes_volunteer_is_refused(store: &dyn Store) {
    load(store).await;
    let visits_before = store.counts().await.expect("counts").visits;
    let next = week().add_days(7);
    let rounds = vec![PlannedRound {
        volunteer: VOL_SUD,
        visits: vec![PlannedVisit { resident: RES_1, day: next, start: Minute::hm(10, 0).expect("hour") }],
    }];
    assert!(matches!(store.publish_rounds(NORD, next, &rounds).await, Err(StoreError::Invalid(_))));
    assert_eq!(store.counts().await.expect("counts").visits, visits_before, "nothing published");
}

pub async fn a_lock_is_set_moved_and_removed(store: &dyn Store) {
    load(store).await;
    let next = week().add_days(7);
    let lock = PlanningLock { volunteer: VOL_2, at: Some((next.add_days(1), Minute::hm(15, 0).expect("hour"))) };
    store.set_planning_lock(NORD, next, RES_1, Some(lock)).await.expect("locked");
    assert_eq!(store.planning_locks(NORD, next).await.expect("locks"), [(RES_1, lock)]);
    let plain = PlanningLock { volunteer: VOL_1, at: None };
    store.set_planning_lock(NORD, next, RES_1, Some(plain)).await.expect("moved");
    assert_eq!(store.planning_locks(NORD, next).await.expect("locks"), [(RES_1, plain)]);
    assert!(store.planning_locks(NORD, week()).await.expect("another week").is_empty());
    store.set_planning_lock(NORD, next, RES_1, None).await.expect("removed");
    assert!(store.planning_locks(NORD, next).await.expect("locks").is_empty());
    let theirs = PlanningLock { volunteer: VOL_SUD, at: None };
    assert!(matches!(store.set_planning_lock(NORD, next, RES_1, Some(theirs)).await, Err(StoreError::NotFound)));
    assert!(matches!(store.set_planning_lock(NORD, next, RES_SUD, Some(plain)).await, Err(StoreError::NotFound)));
}

pub async fn a_paper_round_visit_is_found_for_its_report(store: &dyn Store) {
    load(store).await;
    let entry = store.visit_entry(NORD, VISIT_1).await.expect("read").expect("the scope's");
    assert_eq!((entry.resident, entry.volunteer, entry.day), (RES_1, VOL_1, today()));
    let other = store.visit_entry(NORD, VISIT_1).await.expect("read").expect("again");
    assert_ne!(entry.report_id, other.report_id, "a fresh report id each time the form is shown");
    assert_eq!(store.visit_entry(SUD, VISIT_1).await.expect("read"), None, "another scope's");
    assert_eq!(store.visit_entry(NORD, VisitId(99)).await.expect("read"), None);
}
