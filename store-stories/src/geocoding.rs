//! Stories of [`GeocodingStore`](monalisa_store::GeocodingStore): the homes an import queues
//! to be located from their address, leased out in batches and settled once.

use crate::fixture::*;
use crate::people::{draft_of, new_resident, run_of};
use monalisa_core::domain::{Location, ResidentId, Timestamp};
use monalisa_core::wire::audit::AuditFilter;
use monalisa_store::{
    GeocodeOutcome, GeocodeProgress, GeocodeState, GeocodeTask, ImportApplied, ImportApply, ImportWrite, Store,
    StoreError,
};

fn later(ms: i64) -> Timestamp {
    Timestamp(now().0 + ms)
}

/// Applies an import run of new residents of Alpha (`locate` for each) and an edit of RES_1
/// (located); gives the run and the ids written, RES_1 first.
async fn import_locating(store: &dyn Store, new: &[bool]) -> (i64, Vec<ResidentId>) {
    let accounts = load_with_accounts(store).await;
    let run = store.save_import_run(&run_of(accounts.ambassador, now())).await.expect("kept");
    let stored = store.resident(RES_1).await.expect("read").expect("exists");
    let seen = monalisa_core::people::fingerprint(&monalisa_core::people::resident_values(&stored));
    let write = |draft, expected, by, locate| ImportWrite {
        draft,
        home: centre(ALPHA),
        reference: None,
        expected,
        recorded_by: by,
        locate,
    };
    let mut residents = vec![write(draft_of(&stored), Some(seen), None, true)];
    residents.extend(new.iter().map(|&locate| write(new_resident(ALPHA, None), None, Some(AMB_NORD), locate)));
    let apply = ImportApply {
        run,
        scope: NORD,
        now: now(),
        today: today(),
        residents,
        volunteers: vec![],
        summary: "counts".into(),
        actor: Some(accounts.ambassador),
        device: None,
    };
    let ImportApplied::Done(ids) = store.apply_import(&apply).await.expect("applied") else { panic!("not applied") };
    (run, ids.into_iter().map(ResidentId).collect())
}

async fn home_of(store: &dyn Store, id: ResidentId) -> Location {
    store.resident(id).await.expect("read").expect("exists").home
}

/// An import queues the homes it was asked to locate (and only those), in the same
/// transaction; a claim leases a batch (no second claim gets it before the lease ends), with
/// the address and commune to send; a home found moves there, once; a service unavailable
/// puts the home back until the retry time, then fails after the last attempt; each settling
/// is audited; the progress counts them; the settled tasks go with their expired run.
pub async fn homes_an_import_queues_are_located_once_under_a_lease(store: &dyn Store) {
    let (run, ids) = import_locating(store, &[true, false]).await;
    let (edited, new, unqueued) = (ids[0], ids[1], ids[2]);
    assert_eq!(
        store.geocoding_progress(run).await.expect("progress"),
        GeocodeProgress { pending: 2, ..Default::default() }
    );

    let lease = later(60_000);
    let mut batch = store.claim_geocoding(now(), lease, 10).await.expect("claimed");
    batch.sort_by_key(|t| t.resident);
    let task = |resident| GeocodeTask {
        resident,
        address: "1 rue de l'Église".into(),
        commune: insee(ALPHA),
        commune_name: "Alpha".into(),
        home: centre(ALPHA),
        attempts: 1,
    };
    assert_eq!(batch, [task(edited), task(new)], "the two queued, not {unqueued:?}");
    assert_eq!(store.claim_geocoding(now(), lease, 10).await.expect("claimed"), [], "leased");

    let found = Location::new(46.121, 0.271).expect("a position");
    assert_eq!(
        store.settle_geocoding(edited, GeocodeOutcome::Found(found), 3, now()).await.expect("settled"),
        GeocodeState::Found
    );
    assert_eq!(home_of(store, edited).await, found);
    // A second answer (a process whose lease had run out) changes nothing.
    let elsewhere = Location::new(46.122, 0.272).expect("a position");
    assert_eq!(
        store.settle_geocoding(edited, GeocodeOutcome::Found(elsewhere), 3, now()).await.expect("settled"),
        GeocodeState::Found
    );
    assert_eq!(home_of(store, edited).await, found);

    let retry_at = later(120_000);
    let unavailable = GeocodeOutcome::Unavailable { retry_at };
    assert_eq!(store.settle_geocoding(new, unavailable, 2, now()).await.expect("settled"), GeocodeState::Pending);
    assert_eq!(
        store.claim_geocoding(later(61_000), later(200_000), 10).await.expect("claimed"),
        [],
        "not before the retry"
    );
    let again = store.claim_geocoding(retry_at, later(200_000), 10).await.expect("claimed");
    assert_eq!(again, [GeocodeTask { attempts: 2, ..task(new) }]);
    assert_eq!(store.settle_geocoding(new, unavailable, 2, retry_at).await.expect("settled"), GeocodeState::Failed);
    assert_eq!(home_of(store, new).await, centre(ALPHA), "left where it was");
    assert_eq!(store.claim_geocoding(later(300_000), later(400_000), 10).await.expect("claimed"), []);
    assert_eq!(
        store.geocoding_progress(run).await.expect("progress"),
        GeocodeProgress { found: 1, failed: 1, ..Default::default() }
    );
    assert!(matches!(
        store.settle_geocoding(unqueued, GeocodeOutcome::NotFound, 3, now()).await,
        Err(StoreError::NotFound)
    ));

    let audit = store
        .audit_entries(&AuditFilter { object_kind: Some("resident".into()), limit: 100, ..Default::default() })
        .await
        .expect("audit");
    let mut told: Vec<(String, String)> =
        audit.into_iter().filter(|e| e.action == "resident.geocode").map(|e| (e.object_id, e.detail)).collect();
    told.sort();
    assert_eq!(
        told,
        [
            (edited.0.to_string(), "found".to_owned()),
            (new.0.to_string(), "failed (service unavailable)".to_owned()),
            (new.0.to_string(), "pending (service unavailable)".to_owned()),
        ]
    );

    store.purge_import_runs(later(86_400_001)).await.expect("purged");
    assert_eq!(store.geocoding_progress(run).await.expect("progress"), GeocodeProgress::default());
}

/// A position an ambassador gives while the home waits wins over the geocoder's; a resident
/// who withdraws consent leaves the queue (their address is erased).
pub async fn a_position_given_meanwhile_wins_and_the_queue_forgets_withdrawn_consent(store: &dyn Store) {
    let (run, ids) = import_locating(store, &[true]).await;
    let (edited, new) = (ids[0], ids[1]);
    let placed = Location::new(46.118, 0.268).expect("a position");
    let mut draft = draft_of(&store.resident(edited).await.expect("read").expect("exists"));
    draft.position = Some(placed);
    store.save_resident(NORD, &draft, placed, AMB_NORD, today()).await.expect("saved");
    store.withdraw_consent(NORD, new, centre(ALPHA), today()).await.expect("withdrawn");

    let batch = store.claim_geocoding(now(), later(60_000), 10).await.expect("claimed");
    assert_eq!(batch.iter().map(|t| t.resident).collect::<Vec<_>>(), [edited]);
    let found = Location::new(46.121, 0.271).expect("a position");
    assert_eq!(
        store.settle_geocoding(edited, GeocodeOutcome::Found(found), 3, now()).await.expect("settled"),
        GeocodeState::Superseded
    );
    assert_eq!(home_of(store, edited).await, placed);
    assert_eq!(
        store.geocoding_progress(run).await.expect("progress"),
        GeocodeProgress { superseded: 1, ..Default::default() }
    );
}
