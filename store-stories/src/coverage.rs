//! Stories of [`CoverageStore`](monalisa_store::CoverageStore): what the plans left out, and
//! the territory's history for the indicators.

use crate::fixture::*;
use monalisa_core::wire::planning::UnservedReason;
use monalisa_store::Store;

pub async fn the_coverage_data_holds_the_territory_without_names(store: &dyn Store) {
    load(store).await;
    let data = store.coverage_data().await.expect("data");
    assert_eq!(data.communes.len(), 4);
    assert_eq!(data.shapes.len(), 4);
    assert_eq!(data.residents.len(), 4);
    assert_eq!(data.volunteers.len(), 3);
    assert!(data.unserved.is_empty());
    assert!(data.concerns.is_empty());
}

pub async fn the_last_plans_unserved_replace_the_previous_ones(store: &dyn Store) {
    load(store).await;
    let next = week().add_days(7);
    store
        .record_unserved(NORD, next, &[(RES_2, UnservedReason::NoCapacity), (RES_3, UnservedReason::NoCommonSlot)])
        .await
        .expect("recorded");
    assert_eq!(store.coverage_data().await.expect("data").unserved.len(), 2);
    store.record_unserved(NORD, next, &[(RES_3, UnservedReason::NoVolunteerInRange)]).await.expect("replaced");
    let unserved = store.coverage_data().await.expect("data").unserved;
    assert_eq!(unserved, [(ALPHA.to_string(), UnservedReason::NoVolunteerInRange)], "by commune, no names");
}

/// The binômes over time, kept whatever changes a resident's volunteer: registered with one,
/// handed over to another (the first ends, a second starts), the follow-up ended (the second
/// ends too); with the referral's day, for the time to a first visit.
pub async fn binomes_are_kept_over_time(store: &dyn Store) {
    use monalisa_core::domain::EndReason;
    use monalisa_core::people::FollowUpChoice;
    load(store).await;
    let start = today().add_days(-60);
    let data = store.coverage_data().await.expect("data");
    assert_eq!(data.residents[0].pairings, [(start, None)], "RES_1 with VOL_1 since the follow-up began");
    assert_eq!(data.residents[0].referred_on, Some(start.add_days(-10)));
    assert!(data.residents[2].pairings.is_empty(), "RES_3 has no volunteer");
    store.hand_over(NORD, VOL_1, &[(RES_1, Some(VOL_2))], false).await.expect("handed over");
    let pairings = store.coverage_data().await.expect("data").residents[0].pairings.clone();
    assert_eq!(pairings.len(), 2, "{pairings:?}");
    assert!(pairings[0].1.is_some() && pairings[1].1.is_none(), "{pairings:?}");
    let r = store.resident(RES_1).await.expect("read").expect("exists");
    let mut ended = crate::people::draft_of(&r);
    ended.follow_up = FollowUpChoice::Ended;
    ended.programme.end_reason = Some(EndReason::Moved);
    store.save_resident(NORD, &ended, r.home, AMB_NORD, today()).await.expect("ended");
    let pairings = store.coverage_data().await.expect("data").residents[0].pairings.clone();
    assert!(pairings.len() == 2 && pairings.iter().all(|(_, end)| end.is_some()), "{pairings:?}");
    let r = store.resident(RES_1).await.expect("read").expect("exists");
    assert_eq!(r.programme.end_reason, Some(EndReason::Moved));
}
