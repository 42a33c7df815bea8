//! Stories of [`TerritoryStore`](monalisa_store::TerritoryStore): the store itself, its
//! secrets, the communes and scopes, whole populations.

use crate::fixture::*;
use monalisa_store::{Store, StoreError};

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
    assert!(outlines[0].contains("Polygon"));
    assert!(store.scope_communes(monalisa_core::domain::ScopeId(99)).await.expect("unknown scope").is_empty());
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
