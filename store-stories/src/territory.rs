//! Stories of [`TerritoryStore`](monalisa_store::TerritoryStore): the store itself, its
//! secrets, the communes and scopes, whole populations.

use crate::fixture::*;
use monalisa_core::domain::{AmbassadorId, ScopeId};
use monalisa_store::{NewAmbassador, SplitPair, Store, StoreError};

pub async fn an_empty_store_answers_and_counts_nothing(store: &dyn Store) {
    store.ping().await.expect("ping");
    let counts = store.counts().await.expect("counts");
    assert_eq!(counts, monalisa_store::StoreCounts::default());
    assert!(store.communes().await.expect("communes").is_empty());
}

pub async fn communes_load_once(store: &dyn Store) {
    assert_eq!(store.ensure_communes(&communes()).await.expect("first load"), 4);
    assert_eq!(store.ensure_communes(&communes()).await.expect("second load"), 0, "already there: nothing added");
    let mut names: Vec<String> = store.communes().await.expect("communes").into_iter().map(|c| c.name).collect();
    names.sort();
    assert_eq!(names, ["Alpha", "Beta", "Delta", "Gamma"]);
    assert_eq!(store.commune_name(ALPHA).await.expect("name"), Some("Alpha".into()));
    assert_eq!(store.commune_name("99999").await.expect("unknown"), None);
}

pub async fn a_population_imports_whole_and_counts(store: &dyn Store) {
    load(store).await;
    let counts = store.counts().await.expect("counts");
    assert_eq!(
        (counts.communes, counts.scopes, counts.ambassadors, counts.volunteers, counts.residents, counts.visits),
        (4, 2, 2, 3, 4, 1)
    );
}

pub async fn a_second_import_of_the_same_ids_fails_and_changes_nothing(store: &dyn Store) {
    load(store).await;
    let before = store.counts().await.expect("counts");
    let again = store.import_population(&population()).await;
    assert!(again.is_err(), "the same ids twice must be refused");
    assert_eq!(store.counts().await.expect("counts"), before, "all or nothing");
}

pub async fn an_import_naming_an_unknown_commune_is_refused_whole(store: &dyn Store) {
    store.ensure_communes(&communes()).await.expect("communes");
    let mut p = population();
    p.scopes[1].communes.push(insee("86999"));
    assert!(matches!(store.import_population(&p).await, Err(StoreError::Invalid(_))));
    assert_eq!(store.counts().await.expect("counts").scopes, 0, "nothing of it stays");
}

pub async fn scopes_know_their_communes_and_outlines(store: &dyn Store) {
    load(store).await;
    assert_eq!(store.scope_of_commune(ALPHA).await.expect("alpha"), Some(NORD));
    assert_eq!(store.scope_of_commune(GAMMA).await.expect("gamma"), Some(SUD));
    assert_eq!(store.scope_of_commune(DELTA).await.expect("delta"), None, "a commune in no scope");
    assert_eq!(
        store.scope_communes(NORD).await.expect("communes"),
        [(ALPHA.to_string(), "Alpha".to_string()), (BETA.to_string(), "Beta".to_string())]
    );
    let outlines = store.scope_outlines(SUD).await.expect("outlines");
    assert_eq!(outlines.len(), 1);
    assert_eq!(outlines[0].0, GAMMA);
    assert!(outlines[0].1.contains("Polygon"));
    assert!(store.scope_communes(monalisa_core::domain::ScopeId(99)).await.expect("unknown scope").is_empty());
}

pub async fn scopes_are_set_up_from_nothing(store: &dyn Store) {
    store.ensure_communes(&communes()).await.expect("communes");
    assert!(store.scopes().await.expect("none yet").is_empty());
    let nord = store.create_scope("Nord").await.expect("created");
    let sud = store.create_scope("Sud").await.expect("created");
    assert!(matches!(store.create_scope("Nord").await, Err(StoreError::Conflict(what)) if what == "scope"));
    assert!(matches!(store.rename_scope(sud, "Nord").await, Err(StoreError::Conflict(what)) if what == "scope"));
    assert!(matches!(store.rename_scope(ScopeId(99), "Est").await, Err(StoreError::NotFound)));
    store.rename_scope(sud, "Secteur sud").await.expect("renamed");
    store.set_commune_scope(ALPHA, None, nord).await.expect("alpha joins");
    store.set_commune_scope(BETA, None, nord).await.expect("beta joins");
    let scopes = store.scopes().await.expect("scopes");
    let names: Vec<&str> = scopes.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Nord", "Secteur sud"], "by name");
    assert_eq!(scopes[0].communes, [ALPHA, BETA]);
    assert!(scopes[1].communes.is_empty());
    assert_eq!(store.counts().await.expect("counts").scopes, 2);
}

pub async fn a_commune_changes_scope_only_from_where_it_was(store: &dyn Store) {
    load(store).await;
    store.set_commune_scope(DELTA, None, SUD).await.expect("delta joins sud");
    assert_eq!(store.scope_of_commune(DELTA).await.expect("delta"), Some(SUD));
    // The caller decided from "in no scope", but it is in Sud now: nothing is written.
    let stale = store.set_commune_scope(DELTA, None, NORD).await;
    assert!(matches!(stale, Err(StoreError::Conflict(what)) if what == "commune"));
    assert_eq!(store.scope_of_commune(DELTA).await.expect("delta"), Some(SUD), "unchanged");
    assert!(matches!(store.set_commune_scope("86999", None, NORD).await, Err(StoreError::NotFound)));
    assert!(matches!(store.set_commune_scope(DELTA, Some(SUD), ScopeId(99)).await, Err(StoreError::NotFound)));
    assert!(store.split_pairs().await.expect("none split").is_empty());
    // Beta moves to Sud: Louise (RES_2) follows her commune, her volunteer stays in Nord.
    let history = store.resident_history(RES_2).await.expect("history before");
    store.set_commune_scope(BETA, Some(NORD), SUD).await.expect("moved");
    let people = store.planning_people(SUD).await.expect("sud's people");
    assert!(people.residents.iter().any(|(r, _)| r.id == RES_2), "the resident follows the commune");
    let split = store.split_pairs().await.expect("split");
    assert_eq!(
        split,
        [SplitPair {
            resident: RES_2,
            commune: BETA.into(),
            resident_scope: Some(SUD),
            volunteer: VOL_1,
            volunteer_scope: NORD
        }],
        "the binôme is kept, and shown as split"
    );
    assert_eq!(store.resident_history(RES_2).await.expect("history after"), history, "history stays");
}

/// A volunteer moves to another scope: only from where they are; their history and binômes
/// stay (split when the resident stays behind); accepted communes of the old scope go.
pub async fn a_volunteer_moves_between_scopes_with_their_history(store: &dyn Store) {
    load(store).await;
    let before = store.volunteer(VOL_1).await.expect("read").expect("exists");
    assert!(!before.reach.communes.is_empty(), "the fixture's volunteer accepts a commune of Nord");
    let history = store.resident_history(RES_1).await.expect("history before");
    assert!(matches!(store.move_volunteer(VOL_1, SUD, NORD).await, Err(StoreError::NotFound)), "not in Sud");
    assert!(matches!(store.move_volunteer(VOL_1, NORD, NORD).await, Err(StoreError::Invalid(_))));
    assert!(matches!(store.move_volunteer(VOL_1, NORD, ScopeId(99)).await, Err(StoreError::Invalid(_))));
    assert_eq!(store.volunteer(VOL_1).await.expect("read"), Some(before.clone()), "refused: unchanged");
    store.move_volunteer(VOL_1, NORD, SUD).await.expect("moved");
    let after = store.volunteer(VOL_1).await.expect("read").expect("exists");
    assert_eq!(after.scope, SUD);
    assert!(after.reach.communes.is_empty(), "Nord's communes are not Sud's to accept");
    assert_eq!(store.resident(RES_1).await.expect("read").expect("exists").volunteer, Some(VOL_1), "the binôme stays");
    assert_eq!(store.resident_history(RES_1).await.expect("history after"), history);
    let split: Vec<_> =
        store.split_pairs().await.expect("split").into_iter().map(|p| (p.resident, p.volunteer_scope)).collect();
    assert_eq!(split, [(RES_1, SUD), (RES_2, SUD)], "both of their residents stay in Nord: split, and shown");
}

pub async fn ambassadors_are_created_attached_and_detached(store: &dyn Store) {
    load(store).await;
    let new = |scope| NewAmbassador {
        first_name: "Agnès".into(),
        last_name: "Vidal".into(),
        phone: "0549000000".into(),
        scope,
    };
    let agnes = store.create_ambassador(&new(Some(SUD))).await.expect("created");
    let waiting = store.create_ambassador(&new(None)).await.expect("created without a scope");
    assert!(
        matches!(store.create_ambassador(&new(Some(ScopeId(99)))).await, Err(StoreError::Invalid(what)) if what == "scope")
    );
    let all = store.ambassadors().await.expect("all");
    assert_eq!(all.len(), 4);
    assert_eq!(all.iter().find(|a| a.id == agnes).map(|a| a.scope), Some(Some(SUD)));
    assert_eq!(all.iter().find(|a| a.id == waiting).map(|a| a.scope), Some(None));
    let sud = store.scopes().await.expect("scopes").into_iter().find(|s| s.id == SUD).expect("sud");
    assert_eq!(sud.ambassadors, [AMB_SUD, agnes]);

    store.set_ambassador_scope(AMB_NORD, None).await.expect("detached");
    let nord = store.scopes().await.expect("scopes").into_iter().find(|s| s.id == NORD).expect("nord");
    assert!(nord.ambassadors.is_empty());
    store.set_ambassador_scope(waiting, Some(NORD)).await.expect("attached");
    assert!(matches!(store.set_ambassador_scope(AmbassadorId(99), None).await, Err(StoreError::NotFound)));
    assert!(matches!(store.set_ambassador_scope(waiting, Some(ScopeId(99))).await, Err(StoreError::Invalid(_))));
    assert_eq!(store.ambassador(waiting).await.expect("read").map(|a| a.scope), Some(Some(NORD)));
}

pub async fn a_secret_is_made_once_and_kept(store: &dyn Store) {
    let first = store.secret("test-key", b"first").await.expect("made");
    assert_eq!(first, b"first");
    let second = store.secret("test-key", b"second").await.expect("kept");
    assert_eq!(second, b"first", "the stored secret wins over a fresh one");
    assert_eq!(store.secret("other-key", b"x").await.expect("another"), b"x");
}

pub async fn closing_is_clean(store: &dyn Store) {
    load(store).await;
    store.close().await;
}

pub async fn a_lease_stays_with_its_holder(store: &dyn Store) {
    assert!(store.hold_lease("retention-purge").await.expect("asked"), "a free lease is taken");
    assert!(store.hold_lease("retention-purge").await.expect("asked again"), "and kept by its holder");
    assert!(store.hold_lease("concern-alerts").await.expect("another"), "leases are independent");
}
