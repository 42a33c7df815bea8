//! Stories of [`SyncStore`](monalisa_store::SyncStore): pushes applied once, the pull feed, the
//! ambassador's review list, quarantine and its release.

use crate::fixture::*;
use monalisa_core::domain::{ClientId, ConcernKind, Outcome, Timestamp};
use monalisa_core::sync::{Ack, AckStatus, Change, Mutation, MutationBody, PushRequest, RecordKind, ReportInput};
use monalisa_core::wire::review::ReviewItem;
use monalisa_store::{Store, StoreError, SyncCaller};

pub struct Phone {
    pub caller: SyncCaller,
}

/// VOL_1's account and phone.
pub async fn phone(store: &dyn Store, revoked: bool) -> (crate::fixture::Accounts, Phone) {
    let a = load_with_accounts(store).await;
    let device = store.create_device(a.volunteer, "phone", "Téléphone", now()).await.expect("device");
    let caller = SyncCaller { user: a.volunteer, device, volunteer: Some(VOL_1), revoked };
    (a, Phone { caller })
}

pub fn report(id: ClientId, resident: monalisa_core::domain::ResidentId, concerns: Vec<ConcernKind>) -> Mutation {
    Mutation {
        id,
        recorded_at: now(),
        body: MutationBody::Report(ReportInput {
            visit: (resident == RES_1).then_some(VISIT_1),
            resident,
            day: today(),
            outcome: Outcome::Done,
            duration_minutes: Some(60),
            mood: None,
            concerns,
            note: "Tout va bien".into(),
            proposed_next: None,
        }),
    }
}

pub async fn push(store: &dyn Store, phone: &Phone, mutations: Vec<Mutation>) -> Vec<Ack> {
    let request = PushRequest { protocol: 1, sent_at: now(), mutations, sealed: vec![] };
    store.apply_push(&phone.caller, &request, now()).await.expect("push applies")
}

pub async fn a_report_is_applied_once_however_often_it_is_sent(store: &dyn Store) {
    let (_, phone) = phone(store, false).await;
    let m = report(client_id('a', 1), RES_1, vec![]);
    let first = push(store, &phone, vec![m.clone()]).await;
    assert!(matches!(first[0].status, AckStatus::Applied { flag: None }), "{first:?}");
    let again = push(store, &phone, vec![m]).await;
    assert!(matches!(again[0].status, AckStatus::AlreadyApplied { flag: None }), "{again:?}");
    assert_eq!(store.counts().await.expect("counts").reports, 1);
    let last = store.last_contact(RES_1).await.expect("read").expect("a contact");
    assert_eq!((last.day, last.outcome, last.last_done), (today(), Outcome::Done, Some(today())));
}

pub async fn an_invalid_report_is_rejected_and_recorded_nowhere(store: &dyn Store) {
    let (_, phone) = phone(store, false).await;
    let mut m = report(client_id('a', 2), RES_1, vec![]);
    if let MutationBody::Report(r) = &mut m.body {
        r.duration_minutes = Some(0);
    }
    let acks = push(store, &phone, vec![m]).await;
    assert!(matches!(&acks[0].status, AckStatus::Rejected { reason } if reason == "duration"), "{acks:?}");
    assert_eq!(store.counts().await.expect("counts").reports, 0);
}

pub async fn a_revoked_phone_is_quarantined_then_released(store: &dyn Store) {
    let (a, phone) = phone(store, true).await;
    let id = client_id('b', 1);
    let acks = push(store, &phone, vec![report(id.clone(), RES_1, vec![])]).await;
    assert!(matches!(acks[0].status, AckStatus::Quarantined), "{acks:?}");
    assert_eq!(store.counts().await.expect("counts").reports, 0, "not in the record");
    let queue = store.review_queue(NORD).await.expect("queue");
    assert_eq!(queue.quarantined.len(), 1, "kept for the ambassador");
    assert!(store.review_queue(SUD).await.expect("queue").quarantined.is_empty(), "not another scope's");
    assert!(matches!(store.release_quarantined(SUD, &id, a.ambassador_sud, now()).await, Err(StoreError::NotFound)));
    let status = store.release_quarantined(NORD, &id, a.ambassador, now()).await.expect("released");
    assert!(matches!(status, AckStatus::Applied { .. }), "{status:?}");
    assert_eq!(store.counts().await.expect("counts").reports, 1);
    assert!(matches!(store.release_quarantined(NORD, &id, a.ambassador, now()).await, Err(StoreError::Conflict(_))));
    assert!(matches!(
        store.release_quarantined(NORD, &client_id('b', 9), a.ambassador, now()).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn a_report_about_someone_not_given_is_set_aside(store: &dyn Store) {
    let (_, phone) = phone(store, false).await;
    let acks = push(store, &phone, vec![report(client_id('c', 1), RES_SUD, vec![])]).await;
    assert!(matches!(acks[0].status, AckStatus::Quarantined), "{acks:?}");
    assert_eq!(store.counts().await.expect("counts").reports, 0);
    assert_eq!(store.review_queue(NORD).await.expect("queue").quarantined.len(), 1, "for the volunteer's ambassador");
    assert!(store.review_queue(SUD).await.expect("queue").quarantined.is_empty(), "the other scope learns nothing");
}

pub async fn the_first_pull_is_a_snapshot_of_what_the_phone_may_see(store: &dyn Store) {
    let (_, phone) = phone(store, false).await;
    let page = store.pull(&phone.caller, None, 500, today()).await.expect("pull");
    assert!(!page.more);
    let mut residents: Vec<_> = page
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Resident(r) => Some(r.id),
            _ => None,
        })
        .collect();
    residents.sort();
    assert_eq!(residents, [RES_1, RES_2], "the volunteer's own residents, no one else's");
    assert!(page.changes.iter().any(|c| matches!(c, Change::Visit(v) if v.id == VISIT_1)));
    let again = store.pull(&phone.caller, Some(&page.cursor), 500, today()).await.expect("pull");
    assert!(again.changes.is_empty(), "nothing new");
}

pub async fn a_pull_pages_and_then_follows_changes(store: &dyn Store) {
    let (_, phone) = phone(store, false).await;
    let first = store.pull(&phone.caller, None, 1, today()).await.expect("page 1");
    assert_eq!(first.changes.len(), 1);
    assert!(first.more);
    let mut cursor = first.cursor;
    let mut seen = 1;
    loop {
        let page = store.pull(&phone.caller, Some(&cursor), 1, today()).await.expect("next page");
        seen += page.changes.len();
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    assert!(seen >= 3, "two residents and a visit");
    push(store, &phone, vec![report(client_id('d', 1), RES_1, vec![])]).await;
    let after = store.pull(&phone.caller, Some(&cursor), 500, today()).await.expect("after a push");
    assert!(after.changes.iter().any(|c| matches!(c, Change::Report(_))), "{:?}", after.changes);
}

pub async fn a_revoked_phone_sees_nothing(store: &dyn Store) {
    let (_, phone) = phone(store, true).await;
    let page = store.pull(&phone.caller, None, 500, today()).await.expect("pull");
    assert!(
        page.changes.iter().all(|c| matches!(c, Change::Removed { .. })),
        "no record for a revoked device: {:?}",
        page.changes
    );
}

pub async fn a_flagged_report_is_reviewed_once(store: &dyn Store) {
    let (a, phone) = phone(store, false).await;
    // The week is published again without the visit (it is cancelled): a report on it is
    // kept but flagged.
    store.publish_rounds(NORD, week(), &[]).await.expect("published empty");
    let acks = push(store, &phone, vec![report(client_id('e', 1), RES_1, vec![])]).await;
    assert!(matches!(acks[0].status, AckStatus::Applied { flag: Some(_) }), "{acks:?}");
    let queue = store.review_queue(NORD).await.expect("queue");
    assert_eq!(queue.flagged.len(), 1);
    let item = ReviewItem::Report(client_id('e', 1));
    assert!(matches!(store.mark_reviewed(SUD, &item, a.ambassador_sud, now()).await, Err(StoreError::NotFound)));
    store.mark_reviewed(NORD, &item, a.ambassador, now()).await.expect("reviewed");
    assert!(store.review_queue(NORD).await.expect("queue").flagged.is_empty());
    assert!(matches!(store.mark_reviewed(NORD, &item, a.ambassador, now()).await, Err(StoreError::Conflict(_))));
    let unknown = ReviewItem::Quarantined(client_id('e', 9));
    assert!(matches!(store.mark_reviewed(NORD, &unknown, a.ambassador, now()).await, Err(StoreError::NotFound)));
}

pub async fn an_absence_and_a_declined_visit_apply(store: &dyn Store) {
    let (_, phone) = phone(store, false).await;
    let t = today();
    let acks = push(
        store,
        &phone,
        vec![
            Mutation {
                id: client_id('f', 1),
                recorded_at: now(),
                body: MutationBody::Absence { first: t.add_days(7), last: t.add_days(9) },
            },
            Mutation {
                id: client_id('f', 2),
                recorded_at: now(),
                body: MutationBody::DeclineVisit { visit: VISIT_1, reason: "Malade".into() },
            },
        ],
    )
    .await;
    assert!(acks.iter().all(|a| matches!(a.status, AckStatus::Applied { .. })), "{acks:?}");
    let v = store.volunteer(VOL_1).await.expect("read").expect("exists");
    assert_eq!(v.absences.len(), 1);
    // The declined visit leaves the round and reaches the ambassador's list with its reason.
    let declined = store.declined_visits(NORD, week()).await.expect("declined");
    assert_eq!(declined.len(), 1);
    assert_eq!((declined[0].visit, declined[0].resident, declined[0].reason.as_str()), (VISIT_1, RES_1, "Malade"));
    assert_eq!(declined[0].volunteer_name, "Jeannine Bénévole");
    assert!(store.declined_visits(SUD, week()).await.expect("declined").is_empty(), "not another scope's");
    assert!(store.declined_visits(NORD, today().add_days(1)).await.expect("declined").is_empty(), "from a day on");
    let page = store.pull(&phone.caller, None, 500, today()).await.expect("pull");
    assert!(!seen(&page.changes).1.contains(&VISIT_1), "the phone no longer has the visit");
    // Mailed to the scope's ambassadors with an alert address, once.
    assert!(store.declines_to_announce(Timestamp(0)).await.expect("to tell").is_empty(), "nobody to tell yet");
    let anne = store.user_by_login("anne").await.expect("read").expect("exists").id;
    store.set_user_email(anne, Some("anne@example.test")).await.expect("address");
    let alerts = store.declines_to_announce(Timestamp(0)).await.expect("to tell");
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        (alerts[0].decline.as_str(), alerts[0].to.as_slice()),
        (client_id('f', 2).as_str(), &["anne@example.test".to_owned()][..])
    );
    assert_eq!((alerts[0].day, alerts[0].scope_name.as_str()), (today(), "Nord"));
    store.mark_decline_alerted(&alerts[0].decline, now()).await.expect("told");
    assert!(store.declines_to_announce(Timestamp(0)).await.expect("to tell").is_empty(), "told once");
}

/// The residents and visits a snapshot gives.
fn seen(changes: &[Change]) -> (Vec<monalisa_core::domain::ResidentId>, Vec<monalisa_core::domain::VisitId>) {
    let mut residents = Vec::new();
    let mut visits = Vec::new();
    for c in changes {
        match c {
            Change::Resident(r) => residents.push(r.id),
            Change::Visit(v) => visits.push(v.id),
            _ => {}
        }
    }
    residents.sort();
    visits.sort();
    (residents, visits)
}

pub async fn the_pull_gives_what_the_visibility_rule_allows(store: &dyn Store) {
    use monalisa_core::domain::{FollowUp, Minute};
    use monalisa_core::visibility;
    use monalisa_core::wire::planning::{PlannedRound, PlannedVisit};
    let (_, phone) = phone(store, false).await;
    // RES_2 (hers) stops being followed; RES_3 (nobody's) gets one of her visits next week;
    // RES_SUD stays another scope's.
    let mut ended = crate::people::draft_of(&store.resident(RES_2).await.expect("read").expect("exists"));
    ended.follow_up = monalisa_core::people::FollowUpChoice::Ended;
    store.save_resident(NORD, &ended, centre(BETA), AMB_NORD, today()).await.expect("ended");
    let next = week().add_days(7);
    let visit = PlannedVisit { resident: RES_3, day: next, start: Minute::hm(10, 0).expect("hour") };
    store
        .publish_rounds(NORD, next, &[PlannedRound { volunteer: VOL_1, visits: vec![visit] }])
        .await
        .expect("published");
    let page = store.pull(&phone.caller, None, 500, today()).await.expect("pull");
    let (residents, visits) = seen(&page.changes);
    // The rule, from the records.
    let her = visibility::Holder { volunteer: VOL_1, active: true };
    let mut expected_visits = Vec::new();
    for round_week in [week(), next] {
        if let Some((sheet, _)) = store.round_sheet(NORD, VOL_1, round_week).await.expect("sheet") {
            for v in sheet.visits {
                let facts =
                    visibility::VisitFacts { volunteer: VOL_1, day: v.day, cancelled: false, round_published: true };
                if visibility::visit(her, &facts, today()) {
                    expected_visits.push(v.visit);
                }
            }
        }
    }
    expected_visits.sort();
    assert_eq!(visits, expected_visits);
    let mut expected_residents = Vec::new();
    for id in [RES_1, RES_2, RES_3, RES_SUD] {
        let r = store.resident(id).await.expect("read").expect("exists");
        let facts = visibility::ResidentFacts {
            follow_up_ended: matches!(r.follow_up, FollowUp::Ended { .. }),
            usual_volunteer: r.volunteer,
            has_visible_visit: [RES_1, RES_3].contains(&id),
        };
        if visibility::resident(her, &facts) {
            expected_residents.push(id);
        }
    }
    assert_eq!(residents, expected_residents);
    assert_eq!(residents, [RES_1, RES_3], "hers and the one she visits; not the ended one, not another scope's");
}

/// A volunteer stops: their residents are handed over (one to another volunteer, one to
/// nobody for now) and they are made inactive; their phone drops every record at its next pull,
/// even the person it still has a published visit to; made active again, it gets back what the
/// rule then allows. Refusals change nothing.
pub async fn a_volunteer_hands_over_and_their_phone_drops_everything(store: &dyn Store) {
    let (_, phone) = phone(store, false).await;
    let first = store.pull(&phone.caller, None, 500, today()).await.expect("pull");
    assert_eq!(seen(&first.changes), (vec![RES_1, RES_2], vec![VISIT_1]));
    let v = store.volunteer(VOL_1).await.expect("read").expect("exists");
    let mut draft = monalisa_core::people::VolunteerDraft {
        id: Some(v.id),
        first_name: v.first_name.clone(),
        last_name: v.last_name.clone(),
        phone: v.phone.clone(),
        commune: v.commune.clone(),
        position: Some(v.home),
        travel: v.travel,
        radius_km: v.reach.radius_km,
        communes: v.reach.communes.clone(),
        weekly_capacity: v.weekly_capacity,
        availability: v.availability.clone(),
        charter: v.charter,
        training: v.training,
        active: false,
    };
    // Nothing stays assigned to an inactive volunteer.
    let refused = store.save_volunteer(NORD, &draft, v.home).await;
    assert!(matches!(refused, Err(StoreError::Invalid(ref f)) if f == "actif"), "{refused:?}");
    let only_one = store.hand_over(NORD, VOL_1, &[(RES_2, Some(VOL_2))], true).await;
    assert!(matches!(only_one, Err(StoreError::Conflict(ref w)) if w == "still_following"), "{only_one:?}");
    let to_herself = store.hand_over(NORD, VOL_1, &[(RES_2, Some(VOL_1))], false).await;
    assert!(matches!(to_herself, Err(StoreError::Invalid(_))), "{to_herself:?}");
    let to_sud = store.hand_over(NORD, VOL_1, &[(RES_2, Some(VOL_SUD))], false).await;
    assert!(matches!(to_sud, Err(StoreError::Invalid(_))), "another scope's volunteer: {to_sud:?}");
    let not_hers = store.hand_over(NORD, VOL_1, &[(RES_3, None)], false).await;
    assert!(matches!(not_hers, Err(StoreError::Conflict(ref w)) if w == "resident"), "{not_hers:?}");
    assert!(matches!(store.hand_over(SUD, VOL_1, &[], true).await, Err(StoreError::NotFound)));
    assert_eq!(store.resident(RES_2).await.expect("read").expect("exists").volunteer, Some(VOL_1), "unchanged");
    assert!(store.volunteer(VOL_1).await.expect("read").expect("exists").active);

    store.hand_over(NORD, VOL_1, &[(RES_1, None), (RES_2, Some(VOL_2))], true).await.expect("handed over");
    assert_eq!(store.resident(RES_2).await.expect("read").expect("exists").volunteer, Some(VOL_2));
    assert_eq!(store.resident(RES_1).await.expect("read").expect("exists").volunteer, None);
    assert!(!store.volunteer(VOL_1).await.expect("read").expect("exists").active);
    let page = store.pull(&phone.caller, Some(&first.cursor), 500, today()).await.expect("pull");
    assert_eq!(seen(&page.changes), (vec![], vec![]), "nothing sent");
    let mut removed: Vec<(RecordKind, String)> = page
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Removed { record, id } => Some((*record, id.clone())),
            _ => None,
        })
        .collect();
    removed.sort();
    removed.dedup();
    assert_eq!(
        removed,
        [
            (RecordKind::Resident, RES_1.0.to_string()),
            (RecordKind::Resident, RES_2.0.to_string()),
            (RecordKind::Visit, VISIT_1.0.to_string())
        ],
        "everything the phone held goes, even the person of a published visit"
    );
    draft.active = true;
    store.save_volunteer(NORD, &draft, v.home).await.expect("active again");
    let back = store.pull(&phone.caller, Some(&page.cursor), 500, today()).await.expect("pull");
    assert_eq!(seen(&back.changes), (vec![RES_1], vec![VISIT_1]), "her visit and its person, not Louise (Paul's now)");
}
