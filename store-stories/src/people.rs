//! Stories of [`PeopleStore`](monalisa_store::PeopleStore): residents, volunteers and
//! ambassadors as records, the scope's lists, and saving from the forms.

use crate::fixture::*;
use monalisa_core::domain::{FollowUp, Location, Resident, ResidentId, VolunteerId};
use monalisa_core::domain::{Milestone, Timestamp, TravelMode};
use monalisa_core::people::{FollowUpChoice, ResidentDraft, VolunteerDraft};
use monalisa_store::{ImportApplied, ImportApply, ImportRun, ImportWrite, Store, StoreError};

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
        programme: r.programme,
    }
}

pub(crate) fn new_resident(commune: &str, volunteer: Option<VolunteerId>) -> ResidentDraft {
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
        travel: TravelMode::OnFoot,
        radius_km: 5.0,
        communes: vec![insee(commune)],
        weekly_capacity: 2,
        availability: vec![],
        charter: Some(Milestone::DateUnknown),
        training: None,
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
    // The fixture's homes are their commune's centre: the phone navigates to the address.
    assert!(card.approximate, "a home at the commune's centre is approximate");
    let placed = Location::new(card.home.lat + 0.003, card.home.lon - 0.002).expect("a position");
    store.place_home(NORD, RES_1, placed).await.expect("placed");
    let card = store.resident_card(RES_1).await.expect("read").expect("exists");
    assert_eq!((card.home, card.approximate), (placed, false), "a placed home is the recorded position");
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

/// A home placed on the map moves, and nothing else of the record; another scope's resident
/// and an erased one are out of reach.
pub async fn a_home_is_placed_within_the_scope(store: &dyn Store) {
    load(store).await;
    let before = store.resident(RES_1).await.expect("read").expect("exists");
    let placed = Location::new(before.home.lat + 0.003, before.home.lon - 0.002).expect("a position");
    store.place_home(NORD, RES_1, placed).await.expect("placed");
    assert_eq!(store.resident(RES_1).await.expect("read"), Some(Resident { home: placed, ..before }));
    assert!(matches!(store.place_home(NORD, RES_SUD, placed).await, Err(StoreError::NotFound)));
    assert!(matches!(store.place_home(NORD, ResidentId(99), placed).await, Err(StoreError::NotFound)));
    store.withdraw_consent(NORD, RES_2, centre(BETA), today()).await.expect("withdrawn");
    assert!(matches!(store.place_home(NORD, RES_2, placed).await, Err(StoreError::Conflict(_))));
}

pub async fn a_volunteer_is_saved_within_the_scope(store: &dyn Store) {
    load(store).await;
    let id = store.save_volunteer(NORD, &new_volunteer(ALPHA), centre(ALPHA)).await.expect("saved");
    let v = store.volunteer(id).await.expect("read").expect("exists");
    assert_eq!((v.first_name.as_str(), v.scope, v.weekly_capacity), ("Henri", NORD, 2));
    assert_eq!((v.travel, v.charter, v.training), (TravelMode::OnFoot, Some(Milestone::DateUnknown), None));
    let row = |list: monalisa_core::wire::people::PeopleList| list.volunteers.into_iter().find(|r| r.id == id);
    let listed = row(store.scope_people_list(NORD).await.expect("list")).expect("listed");
    assert_eq!(listed.not_planned, Some(monalisa_core::domain::NotPlanned::NoTraining), "the list says why");
    let mut edit = new_volunteer(ALPHA);
    edit.id = Some(id);
    edit.weekly_capacity = 3;
    let trained = Milestone::On(monalisa_core::domain::Date::parse("2026-11-20").expect("a day"));
    edit.training = Some(trained);
    assert_eq!(store.save_volunteer(NORD, &edit, centre(ALPHA)).await.expect("edited"), id);
    let v = store.volunteer(id).await.expect("read").expect("exists");
    assert_eq!((v.weekly_capacity, v.training), (3, Some(trained)));
    assert!(v.plannable());
    let listed = row(store.scope_people_list(NORD).await.expect("list")).expect("listed");
    assert_eq!((listed.not_planned, listed.travel), (None, TravelMode::OnFoot));
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

pub(crate) fn run_of(account: monalisa_core::auth::UserId, created: Timestamp) -> ImportRun {
    ImportRun {
        id: 0,
        account,
        scope: NORD,
        kind: "residents".into(),
        file_sha256: "ab".repeat(32),
        created_at: created,
        expires_at: Timestamp(created.0 + 86_400_000),
        applied_at: None,
        body: "[rows]".into(),
    }
}

/// An import: the scope's records as it compares them, a dry run kept a day, applied once in
/// one transaction (records, references, audit lines), or not at all when a record it updates
/// changed since the dry run.
pub async fn an_import_is_applied_once_and_only_as_checked(store: &dyn Store) {
    let accounts = load_with_accounts(store).await;
    let records = store.import_records(NORD).await.expect("records");
    let mut ids: Vec<_> =
        records.residents.iter().map(|(r, reference, withdrawn)| (r.id, reference.clone(), *withdrawn)).collect();
    ids.sort_by_key(|(id, ..)| *id);
    assert_eq!(ids, [(RES_1, None, None), (RES_2, None, None), (RES_3, None, None)]);
    assert_eq!(records.volunteers.iter().map(|(v, _)| v.id).collect::<Vec<_>>(), [VOL_1, VOL_2]);
    assert_eq!(records.volunteers[0].0, store.volunteer(VOL_1).await.expect("read").expect("exists"));

    let id = store.save_import_run(&run_of(accounts.ambassador, now())).await.expect("kept");
    let kept = store.import_run(id, now()).await.expect("read").expect("there");
    assert_eq!((kept.id, kept.body.as_str(), kept.applied_at), (id, "[rows]", None));
    assert_eq!(store.import_run(id, Timestamp(now().0 + 86_400_000)).await.expect("read"), None, "expired");
    let unused =
        store.save_import_run(&run_of(accounts.ambassador, Timestamp(now().0 - 86_400_000))).await.expect("kept");
    assert_eq!(store.purge_import_runs(now()).await.expect("purged"), 1, "the expired run goes, its rows with it");
    assert_eq!(store.import_run(unused, Timestamp(now().0 - 1000)).await.expect("read"), None);

    let stored = store.resident(RES_1).await.expect("read").expect("exists");
    let seen = monalisa_core::people::fingerprint(&monalisa_core::people::resident_values(&stored));
    let mut edit = draft_of(&stored);
    edit.phone = Some("05 49 00 11 22".into());
    let write = |draft, expected, reference: &str, by| ImportWrite {
        draft,
        home: centre(ALPHA),
        reference: Some(reference.to_owned()),
        expected,
        recorded_by: by,
        locate: false,
    };
    let apply = ImportApply {
        run: id,
        scope: NORD,
        now: now(),
        today: today(),
        residents: vec![
            write(edit.clone(), Some(seen), "D-1", None),
            write(new_resident(ALPHA, None), None, "D-2", Some(AMB_NORD)),
        ],
        volunteers: vec![],
        summary: "2 rows".into(),
        actor: Some(accounts.ambassador),
        device: None,
    };
    // A record changed since the dry run: nothing is written.
    let mut stale = apply.clone();
    stale.residents[0].expected = Some(seen ^ 1);
    let before = store.counts().await.expect("counts");
    assert_eq!(store.apply_import(&stale).await.expect("checked"), ImportApplied::Changed(vec![0]));
    assert_eq!(store.counts().await.expect("counts"), before);
    assert_eq!(store.resident(RES_1).await.expect("read"), Some(stored));

    let ImportApplied::Done(written) = store.apply_import(&apply).await.expect("applied") else {
        panic!("not applied")
    };
    assert_eq!(written[0], RES_1.0);
    let created = store.resident(ResidentId(written[1])).await.expect("read").expect("created");
    assert_eq!((created.first_name.as_str(), created.consent.recorded_by), ("Gisèle", AMB_NORD));
    assert_eq!(store.resident(RES_1).await.expect("read").expect("exists").phone.as_deref(), Some("05 49 00 11 22"));
    let references: Vec<_> =
        store.import_records(NORD).await.expect("records").residents.into_iter().filter_map(|(_, r, _)| r).collect();
    assert_eq!(references, ["D-1", "D-2"]);
    let run = store.import_run(id, now()).await.expect("read").expect("there");
    assert_eq!((run.applied_at, run.body.as_str()), (Some(apply.now), "2 rows"), "the rows are gone, the counts stay");
    let audit = store
        .audit_entries(&monalisa_core::wire::audit::AuditFilter {
            object_kind: Some("resident".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert!(audit.iter().any(|e| e.action == "resident.create"
        && e.object_id == written[1].to_string()
        && e.detail == format!("import {id}")));
    assert!(
        audit
            .iter()
            .any(|e| e.action == "resident.update" && e.object_id == "1" && e.actor == Some(accounts.ambassador))
    );
    // Once only.
    assert!(matches!(store.apply_import(&apply).await, Err(StoreError::Conflict(_))));
    // A new record's reference already taken: refused like a change.
    let again = store.save_import_run(&run_of(accounts.ambassador, now())).await.expect("kept");
    let mut taken = apply.clone();
    taken.run = again;
    taken.residents.remove(0);
    assert_eq!(store.apply_import(&taken).await.expect("checked"), ImportApplied::Changed(vec![0]));
    // Another scope's run is not found from this one.
    taken.scope = SUD;
    assert!(matches!(store.apply_import(&taken).await, Err(StoreError::NotFound)));
}

/// The ambassador adds and removes a volunteer's absences; a published visit that falls in one
/// is listed to re-plan (and no longer once the absence is gone); another scope's volunteer is
/// out of reach.
pub async fn absences_are_managed_and_the_visits_they_hit_listed(store: &dyn Store) {
    use monalisa_core::domain::DayRange;
    load(store).await;
    let away = DayRange::new(today(), today().add_days(3)).expect("a range");
    assert!(store.visits_during_absences(NORD, week()).await.expect("none yet").is_empty());
    store.add_absence(NORD, VOL_1, away).await.expect("added");
    assert_eq!(store.volunteer(VOL_1).await.expect("read").expect("exists").absences, [away]);
    let hit = store.visits_during_absences(NORD, week()).await.expect("hit");
    assert_eq!(hit.iter().map(|h| (h.visit, h.resident, h.absence)).collect::<Vec<_>>(), [(VISIT_1, RES_1, away)]);
    assert!(store.visits_during_absences(SUD, week()).await.expect("theirs").is_empty());
    assert!(matches!(store.add_absence(SUD, VOL_1, away).await, Err(StoreError::NotFound)));
    assert!(matches!(store.remove_absence(SUD, VOL_1, away).await, Err(StoreError::NotFound)));
    store.remove_absence(NORD, VOL_1, away).await.expect("removed");
    assert!(store.volunteer(VOL_1).await.expect("read").expect("exists").absences.is_empty());
    assert!(matches!(store.remove_absence(NORD, VOL_1, away).await, Err(StoreError::NotFound)), "only once");
    assert!(store.visits_during_absences(NORD, week()).await.expect("none again").is_empty());
}
