//! Stories of [`PeopleStore`](monalisa_store::PeopleStore): residents, volunteers and
//! ambassadors as records, the scope's lists, and saving from the forms.

use crate::fixture::*;
use monalisa_core::domain::{FollowUp, Resident, ResidentId, VolunteerId};
use monalisa_core::people::{FollowUpChoice, ResidentDraft, VolunteerDraft};
use monalisa_store::{Store, StoreError};

/// The form's draft of a stored resident (for an edit).
pub fn draft_of(r: &Resident) -> ResidentDraft {
    ResidentDraft {
        id: Some(r.id),
        first_name: r.first_name.clone(),
        last_name: r.last_name.clone(),
        address: r.address.clone(),
        commune: r.commune.clone(),
        position: Some(r.home),
        phone: r.phone.clone(),
        access_notes: r.access_notes.clone(),
        likes: r.likes.clone(),
        rhythm: r.rhythm,
        isolation: r.isolation,
        preferred: r.preferred.clone(),
        consent: None,
        follow_up_start: r.follow_up_start,
        follow_up: match r.follow_up {
            FollowUp::Active { .. } => FollowUpChoice::Active,
            FollowUp::Paused { until, .. } => FollowUpChoice::Paused { until },
            FollowUp::Ended { .. } => FollowUpChoice::Ended,
        },
        volunteer: r.volunteer,
    }
}

fn new_resident(commune: &str, volunteer: Option<VolunteerId>) -> ResidentDraft {
    let mut d = draft_of(&resident(ResidentId(0), "Gisèle", commune, volunteer, AMB_NORD));
    d.id = None;
    d.consent = Some((today(), monalisa_core::domain::ConsentMethod::Oral));
    d
}

fn new_volunteer(commune: &str) -> VolunteerDraft {
    VolunteerDraft {
        id: None,
        first_name: "Henri".into(),
        last_name: "Nouveau".into(),
        phone: "0611111111".into(),
        commune: insee(commune),
        position: None,
        has_car: false,
        radius_km: 5.0,
        communes: vec![insee(commune)],
        weekly_capacity: 2,
        availability: vec![],
        active: true,
    }
}

pub async fn records_read_back_as_imported(store: &dyn Store) {
    load(store).await;
    let r = store.resident(RES_1).await.expect("read").expect("exists");
    assert_eq!(r, population().residents[0]);
    assert_eq!(store.volunteer(VOL_2).await.expect("read"), Some(population().volunteers[1].clone()));
    assert_eq!(store.ambassador(AMB_SUD).await.expect("read"), Some(population().ambassadors[1].clone()));
    assert_eq!(store.resident(ResidentId(99)).await.expect("read"), None);
    assert_eq!(store.volunteer(VolunteerId(99)).await.expect("read"), None);
    assert_eq!(store.ambassador(monalisa_core::domain::AmbassadorId(99)).await.expect("read"), None);
    assert_eq!(store.last_contact(RES_1).await.expect("read"), None, "no report yet");
}

pub async fn a_card_holds_what_the_door_needs(store: &dyn Store) {
    load(store).await;
    let card = store.resident_card(RES_1).await.expect("read").expect("exists");
    assert_eq!((card.first_name.as_str(), card.commune_name.as_str()), ("Marcel", "Alpha"));
    assert_eq!(card.last_visit, None);
    assert_eq!(store.resident_card(ResidentId(99)).await.expect("read"), None);
}

pub async fn a_scope_lists_its_own_people(store: &dyn Store) {
    load(store).await;
    let list = store.scope_people_list(NORD).await.expect("list");
    let mut ids: Vec<_> = list.residents.iter().map(|r| r.id).collect();
    ids.sort();
    assert_eq!(ids, [RES_1, RES_2, RES_3]);
    assert_eq!(list.volunteers.len(), 2);
    let sud = store.scope_people_list(SUD).await.expect("list");
    assert_eq!(sud.residents.iter().map(|r| r.id).collect::<Vec<_>>(), [RES_SUD]);
}

pub async fn a_new_resident_is_registered_with_consent(store: &dyn Store) {
    load(store).await;
    let id = store
        .save_resident(NORD, &new_resident(BETA, Some(VOL_2)), centre(BETA), AMB_NORD, today())
        .await
        .expect("saved");
    let r = store.resident(id).await.expect("read").expect("exists");
    assert_eq!((r.first_name.as_str(), r.volunteer, r.consent.recorded_by), ("Gisèle", Some(VOL_2), AMB_NORD));
    assert_eq!(r.consent.given_on, today());
}

pub async fn a_resident_form_outside_the_scope_is_refused(store: &dyn Store) {
    load(store).await;
    let before = store.counts().await.expect("counts");
    let other_commune = store.save_resident(NORD, &new_resident(GAMMA, None), centre(GAMMA), AMB_NORD, today()).await;
    assert!(matches!(other_commune, Err(StoreError::Invalid(ref f)) if f == "commune"), "{other_commune:?}");
    let other_volunteer =
        store.save_resident(NORD, &new_resident(ALPHA, Some(VOL_SUD)), centre(ALPHA), AMB_NORD, today()).await;
    assert!(matches!(other_volunteer, Err(StoreError::Invalid(ref f)) if f == "benevole"), "{other_volunteer:?}");
    let mut theirs = draft_of(&population().residents[3]);
    theirs.commune = insee(ALPHA);
    theirs.volunteer = None;
    let not_ours = store.save_resident(NORD, &theirs, centre(ALPHA), AMB_NORD, today()).await;
    assert!(matches!(not_ours, Err(StoreError::NotFound)), "{not_ours:?}");
    let mut no_consent = new_resident(ALPHA, None);
    no_consent.consent = None;
    let refused = store.save_resident(NORD, &no_consent, centre(ALPHA), AMB_NORD, today()).await;
    assert!(matches!(refused, Err(StoreError::Invalid(_))), "{refused:?}");
    assert_eq!(store.counts().await.expect("counts"), before, "nothing changed");
}

pub async fn an_edit_keeps_the_consent_on_record(store: &dyn Store) {
    load(store).await;
    let mut d = draft_of(&population().residents[1]);
    d.likes = "Les mots croisés".into();
    d.consent = Some((today(), monalisa_core::domain::ConsentMethod::Oral));
    assert_eq!(store.save_resident(NORD, &d, centre(BETA), AMB_NORD, today()).await.expect("saved"), RES_2);
    let r = store.resident(RES_2).await.expect("read").expect("exists");
    assert_eq!(r.likes, "Les mots croisés");
    assert_eq!(r.consent, population().residents[1].consent, "the form never changes a recorded consent");
}

pub async fn a_volunteer_is_saved_within_the_scope(store: &dyn Store) {
    load(store).await;
    let id = store.save_volunteer(NORD, &new_volunteer(ALPHA), centre(ALPHA)).await.expect("saved");
    let v = store.volunteer(id).await.expect("read").expect("exists");
    assert_eq!((v.first_name.as_str(), v.scope, v.weekly_capacity), ("Henri", NORD, 2));
    let mut edit = new_volunteer(ALPHA);
    edit.id = Some(id);
    edit.weekly_capacity = 3;
    assert_eq!(store.save_volunteer(NORD, &edit, centre(ALPHA)).await.expect("edited"), id);
    assert_eq!(store.volunteer(id).await.expect("read").expect("exists").weekly_capacity, 3);
    let mut wrong = new_volunteer(ALPHA);
    wrong.communes.push(insee(GAMMA));
    assert!(matches!(
        store.save_volunteer(NORD, &wrong, centre(ALPHA)).await,
        Err(StoreError::Invalid(ref f)) if f == "communes"
    ));
    let mut theirs = new_volunteer(ALPHA);
    theirs.id = Some(VOL_SUD);
    assert!(matches!(store.save_volunteer(NORD, &theirs, centre(ALPHA)).await, Err(StoreError::NotFound)));
}
