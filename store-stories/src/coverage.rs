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
