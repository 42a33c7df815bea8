//! The people of a scope through the real HTTP interface: an ambassador registers a resident
//! with their consent, a refused form comes back with what was typed, a resident is given to a
//! volunteer (whose phone then gets the card), paused and ended (the phone drops it); a volunteer
//! is added and edited; nothing crosses into another scope.

use crate::common::{Agent, World};
use monalisa_app::domain::{Milestone, TravelMode};
use serde_json::{Value, json};

fn scope_communes(world: &World, scope: i64) -> Vec<String> {
    let s = world.population.scopes.iter().find(|s| s.id.0 == scope).unwrap();
    s.communes.iter().map(|c| c.as_str().to_owned()).collect()
}

fn centre_of(insee: &str) -> String {
    let shapes = monalisa_server::territory::load().unwrap();
    let c = shapes.iter().find(|(_, s)| s.commune.insee.as_str() == insee).unwrap().1.commune.centre;
    format!("{:.5}, {:.5}", c.lat, c.lon)
}

pub(crate) fn resident_form<'a>(commune: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("id", ""),
        ("prenom", "Héloïse"),
        ("nom", "Tourterelle"),
        ("adresse", "12 chemin des Vignes"),
        ("commune", commune),
        ("position", ""),
        ("telephone", "05 36 49 00 11"),
        ("acces", "Sonner deux fois"),
        ("gouts", "Les mots croisés"),
        ("rythme", "weekly"),
        ("isolement", "3"),
        ("consentement_date", "2026-11-02"),
        ("consentement_mode", "oral"),
        ("debut_suivi", "2026-11-02"),
        ("suivi", "active"),
        ("pause_jusqu", ""),
        ("benevole", ""),
        ("creneau_2_0_de", "14:00"),
        ("creneau_2_0_a", "16:00"),
    ];
    for (k, v) in extra {
        f.retain(|(name, _)| name != k);
        f.push((k, v));
    }
    f
}

async fn list(ambassador: &mut Agent) -> Value {
    let (status, list) = ambassador.call("/api/v1/people/list", json!({})).await;
    assert_eq!(status, 200, "{list}");
    list
}

fn resident_named(list: &Value, name: &str) -> Option<Value> {
    list["residents"].as_array().unwrap().iter().find(|r| r["name"] == name).cloned()
}

/// One incremental pull from `cursor`: the changes and the next cursor.
async fn pull_from(phone: &mut Agent, cursor: &Value) -> (Vec<Value>, Value) {
    let (status, page) =
        phone.call("/api/sync/v1/pull", json!({ "request": { "protocol": 1, "cursor": cursor, "limit": 500 } })).await;
    assert_eq!(status, 200, "{page}");
    (page["changes"].as_array().unwrap().clone(), page["cursor"].clone())
}

#[tokio::test]
async fn an_ambassador_registers_a_resident_and_gives_them_a_volunteer() {
    let world = World::new().await;
    let mut ambassador = world.agent("ambassadeur").await;
    let mine = scope_communes(&world, 1);
    let theirs = scope_communes(&world, 2);
    let before = list(&mut ambassador).await;
    let count = before["residents"].as_array().unwrap().len();
    assert!(count > 0 && before["volunteers"].as_array().unwrap().len() > 0);

    // The page and the empty form.
    let page = ambassador.get("/personnes").await.text().await.unwrap();
    assert!(page.contains("data-testid=\"residents\"") && page.contains("Inscrire une personne"), "{page}");
    let form = ambassador.get("/personnes/fiche").await.text().await.unwrap();
    assert!(form.contains("name=\"consentement_mode\"") && form.contains("creneau_6_1_a"), "{form}");

    // Refused: the form comes back (422) with what was typed and the error, and nothing is saved.
    let refusals: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (resident_form(&mine[0], &[("telephone", "12 34")]), "f-telephone"),
        (resident_form(&mine[0], &[("consentement_mode", "")]), "f-consentement_mode"),
        (resident_form(&theirs[0], &[]), "f-commune"),
        (resident_form(&mine[0], &[("creneau_2_0_a", "13:00")]), "f-creneau_2_0_a"),
    ];
    for (fields, blamed) in &refusals {
        let res = ambassador.post_form("/personnes/enregistrer", fields).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("data-testid=\"form-error\""), "{html}");
        assert!(html.contains(&format!("href=\"#{blamed}\"")), "{blamed}: {html}");
        assert!(html.contains("value=\"12 chemin des Vignes\""), "what was typed is kept");
    }
    let outside = centre_of(&theirs[0]);
    let res = ambassador.post_form("/personnes/enregistrer", &resident_form(&mine[0], &[("position", &outside)])).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("pas dans la commune choisie"));
    assert_eq!(list(&mut ambassador).await["residents"].as_array().unwrap().len(), count);

    // Saved.
    let res = ambassador.post_form("/personnes/enregistrer", &resident_form(&mine[0], &[])).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/personnes?enregistre=1");
    let row = resident_named(&list(&mut ambassador).await, "Héloïse Tourterelle").expect("listed");
    assert_eq!(
        (row["rhythm"].as_str(), row["isolation"].as_i64(), row["state"].as_str()),
        (Some("weekly"), Some(3), Some("active"))
    );
    let id = row["id"].as_i64().unwrap();
    let stored = world.app.store.resident(monalisa_app::domain::ResidentId(id)).await.unwrap().unwrap();
    assert_eq!(stored.consent.method, monalisa_app::domain::ConsentMethod::Oral);
    assert_eq!(stored.phone.as_deref(), Some("05 36 49 00 11"));
    assert_eq!(stored.preferred.len(), 1);

    // Its form shows the consent on record and the stored values; sent back unchanged, nothing moves.
    let form = ambassador.get(&format!("/personnes/fiche?id={id}")).await.text().await.unwrap();
    assert!(form.contains("data-testid=\"consent-on-record\"") && !form.contains("name=\"consentement_mode\""));
    assert!(form.contains("value=\"Sonner deux fois\"") || form.contains(">Sonner deux fois<"), "{form}");
    // Registered without a position: at the commune's centre, and the record says so.
    assert!(form.contains("data-testid=\"approximate-position\""), "{form}");
    let id_text = id.to_string();
    let position = format!("{:.5}, {:.5}", stored.home.lat, stored.home.lon);
    let unchanged = resident_form(
        &mine[0],
        &[("id", &id_text), ("consentement_date", ""), ("consentement_mode", ""), ("position", &position)],
    );
    assert_eq!(ambassador.post_form("/personnes/enregistrer", &unchanged).await.status(), 303);
    let again = world.app.store.resident(monalisa_app::domain::ResidentId(id)).await.unwrap().unwrap();
    assert_eq!(again, stored);
    let form = ambassador.get(&format!("/personnes/fiche?id={id}")).await.text().await.unwrap();
    assert!(form.contains("data-testid=\"approximate-position\""), "still the centre");
    // Given a home a little north of the centre: no longer approximate.
    let near = format!("{:.5}, {:.5}", stored.home.lat + 0.002, stored.home.lon);
    let placed = resident_form(
        &mine[0],
        &[("id", &id_text), ("consentement_date", ""), ("consentement_mode", ""), ("position", &near)],
    );
    assert_eq!(ambassador.post_form("/personnes/enregistrer", &placed).await.status(), 303);
    let form = ambassador.get(&format!("/personnes/fiche?id={id}")).await.text().await.unwrap();
    assert!(!form.contains("data-testid=\"approximate-position\""), "{form}");

    // Given to the volunteer of the `benevole` account: their phone gets the card.
    let mut phone = world.agent("benevole").await;
    let first = phone.pull_everything().await;
    assert!(!first.iter().any(|c| c["resident"]["id"] == id));
    let (_, cursor) = pull_from(&mut phone, &Value::Null).await;
    let (_, mut cursor) = {
        let mut c = cursor;
        loop {
            let (changes, next) = pull_from(&mut phone, &c).await;
            if changes.is_empty() {
                break (changes, next);
            }
            c = next;
        }
    };
    let volunteer = world.volunteers["benevole"].0.to_string();
    let given = resident_form(
        &mine[0],
        &[("id", &id_text), ("consentement_date", ""), ("consentement_mode", ""), ("benevole", &volunteer)],
    );
    assert_eq!(ambassador.post_form("/personnes/enregistrer", &given).await.status(), 303);
    let (changes, next) = pull_from(&mut phone, &cursor).await;
    cursor = next;
    let card = changes.iter().find(|c| c["resident"]["id"] == id).expect("the phone gets the new person");
    assert_eq!(card["resident"]["access_notes"], "Sonner deux fois");

    // Paused: still followed by the volunteer; ended: the phone drops the card.
    let paused = resident_form(
        &mine[0],
        &[
            ("id", &id_text),
            ("consentement_date", ""),
            ("consentement_mode", ""),
            ("benevole", &volunteer),
            ("suivi", "paused"),
            ("pause_jusqu", "2099-01-31"),
        ],
    );
    assert_eq!(ambassador.post_form("/personnes/enregistrer", &paused).await.status(), 303);
    assert_eq!(resident_named(&list(&mut ambassador).await, "Héloïse Tourterelle").unwrap()["state"], "paused");
    let ended = resident_form(
        &mine[0],
        &[
            ("id", &id_text),
            ("consentement_date", ""),
            ("consentement_mode", ""),
            ("benevole", &volunteer),
            ("suivi", "ended"),
        ],
    );
    // Ending says why.
    let res = ambassador.post_form("/personnes/enregistrer", &ended).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("Motif de fin du suivi"));
    let mut ended = ended;
    ended.push(("motif_fin", "care_home"));
    assert_eq!(ambassador.post_form("/personnes/enregistrer", &ended).await.status(), 303);
    let stored =
        world.app.store.resident(monalisa_app::domain::ResidentId(id_text.parse().unwrap())).await.unwrap().unwrap();
    assert_eq!(stored.programme.end_reason, Some(monalisa_app::domain::EndReason::CareHome));
    let (changes, _) = pull_from(&mut phone, &cursor).await;
    assert!(
        changes.iter().any(|c| c["removed"]["record"] == "resident" && c["removed"]["id"] == id_text),
        "{changes:?}"
    );

    // Right of access: everything held on the person, as JSON and as a page.
    let res = ambassador.get(&format!("/personnes/dossier.json?id={id}")).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains(&format!("monalisa-personne-{id}.json")));
    let dossier: Value = res.json().await.unwrap();
    assert_eq!(dossier["resident"]["last_name"], "Tourterelle");
    assert_eq!(dossier["resident"]["access_notes"], "Sonner deux fois");
    let by = world.population.ambassadors.iter().find(|a| a.id.0 == 1).unwrap();
    assert_eq!(dossier["consent_recorded_by"], format!("{} {}", by.first_name, by.last_name));
    let actions: Vec<&str> = dossier["audit"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"resident.create") && actions.contains(&"resident.update"), "{actions:?}");
    let page = ambassador.get(&format!("/personnes/dossier?id={id}")).await.text().await.unwrap();
    assert!(page.contains("data-testid=\"dossier-record\"") && page.contains("Tourterelle"));

    // Another scope's ambassador sees none of it and cannot write to it.
    let mut other = world.agent("ambassadeur2").await;
    assert!(resident_named(&list(&mut other).await, "Héloïse Tourterelle").is_none());
    let (status, _) = other.call("/api/v1/people/resident", json!({ "id": id })).await;
    assert_eq!(status, 404);
    assert_eq!(other.get(&format!("/personnes/dossier.json?id={id}")).await.status(), 404);
    let hijack = resident_form(&theirs[0], &[("id", &id_text), ("consentement_date", ""), ("consentement_mode", "")]);
    assert_eq!(other.post_form("/personnes/enregistrer", &hijack).await.status(), 404);
    // Giving one of ours a volunteer of another scope is refused.
    let stranger = world.volunteers["benevole2"].0.to_string();
    let res = ambassador
        .post_form(
            "/personnes/enregistrer",
            &resident_form(
                &mine[0],
                &[("id", &id_text), ("consentement_date", ""), ("consentement_mode", ""), ("benevole", &stranger)],
            ),
        )
        .await;
    assert_eq!(res.status(), 422);

    // The audit trail has the creation and the updates, with ids only.
    let mut admin = world.agent("admin").await;
    let filter = json!({ "filter": { "actor": null, "object_kind": "resident", "object_id": id_text, "since": null,
        "until": null, "before_id": null, "limit": 500 } });
    let (status, audit) = admin.call("/api/v1/audit/list", filter).await;
    assert_eq!(status, 200, "{audit}");
    let actions: Vec<&str> = audit.as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"resident.create") && actions.contains(&"resident.update"), "{audit}");
    assert!(!audit.to_string().contains("Tourterelle"));
}

#[tokio::test]
async fn an_ambassador_adds_and_edits_a_volunteer() {
    let world = World::new().await;
    let ambassador = world.agent("ambassadeur").await;
    let mine = scope_communes(&world, 1);
    let theirs = scope_communes(&world, 2);
    let form = |extra: &[(&'static str, &str)]| {
        let mut f: Vec<(&str, String)> = vec![
            ("id", String::new()),
            ("prenom", "Gaston".into()),
            ("nom", "Bouvreuil".into()),
            ("telephone", "+33 6 39 98 00 42".into()),
            ("commune", theirs[0].clone()),
            ("position", String::new()),
            ("deplacement", "two_wheels".into()),
            ("charte", "1".into()),
            ("rayon", "8".into()),
            ("capacite", "3".into()),
            ("communes", mine[0].clone()),
            ("actif", "1".into()),
            ("creneau_0_0_de", "09:00".into()),
            ("creneau_0_0_a", "12:00".into()),
        ];
        for (k, v) in extra {
            f.retain(|(name, _)| name != k);
            f.push((k, (*v).to_owned()));
        }
        f
    };
    let post = |f: Vec<(&'static str, String)>| {
        let mut a = ambassador.clone();
        async move {
            let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            a.post_form("/benevoles/enregistrer", &fields).await
        }
    };
    let mut ambassador = ambassador.clone();
    let page = ambassador.get("/benevoles/fiche").await.text().await.unwrap();
    assert!(page.contains("data-testid=\"volunteer-form\""));

    // An accepted commune outside the scope, a capacity too high: refused, with what was typed.
    let res = post(form(&[("communes", &theirs[0])])).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("value=\"Bouvreuil\""));
    assert_eq!(post(form(&[("capacite", "99")])).await.status(), 422);

    // Living in another scope's commune is fine (a volunteer may cross the border).
    assert_eq!(post(form(&[])).await.status(), 303);
    let people = list(&mut ambassador).await;
    let row =
        people["volunteers"].as_array().unwrap().iter().find(|v| v["name"] == "Gaston Bouvreuil").unwrap().clone();
    assert_eq!((row["weekly_capacity"].as_i64(), row["active"].as_bool()), (Some(3), Some(true)));
    // Charter signed (day unknown), training not done yet: not planned, and the pages say why.
    assert_eq!(row["not_planned"], "no_training");
    let id = row["id"].as_i64().unwrap();
    let stored = world.app.store.volunteer(monalisa_app::domain::VolunteerId(id)).await.unwrap().unwrap();
    assert_eq!(stored.phone, "06 39 98 00 42");
    assert_eq!(stored.scope.0, 1);
    assert_eq!(
        (stored.travel, stored.charter, stored.training),
        (TravelMode::TwoWheels, Some(Milestone::DateUnknown), None)
    );
    let form_page = ambassador.get(&format!("/benevoles/fiche?id={id}")).await.text().await.unwrap();
    assert!(form_page.contains("data-testid=\"not-planned\"") && form_page.contains("formation de base à faire"));
    let list_page = ambassador.get("/personnes").await.text().await.unwrap();
    assert!(list_page.contains("Pas encore planifié : formation de base à faire"), "{list_page}");
    // A training day in the future is refused.
    assert_eq!(post(form(&[("formation_le", "2099-01-01")])).await.status(), 422);

    // Edited: on foot, trained on a known day, inactive (its checkbox left unticked), two slots.
    let id_text = id.to_string();
    let edited: Vec<(&'static str, String)> = form(&[
        ("id", &id_text),
        ("rayon", "2"),
        ("deplacement", "on_foot"),
        ("formation_le", "2026-11-20"),
        ("creneau_3_0_de", "14:00"),
        ("creneau_3_0_a", "17:00"),
    ])
    .into_iter()
    .filter(|(k, _)| *k != "actif")
    .collect();
    assert_eq!(post(edited).await.status(), 303);
    let v = world.app.store.volunteer(monalisa_app::domain::VolunteerId(id)).await.unwrap().unwrap();
    assert!(v.travel == TravelMode::OnFoot && !v.active);
    assert_eq!(v.training, Some(Milestone::On(monalisa_app::domain::Date::parse("2026-11-20").unwrap())));
    assert_eq!((v.reach.radius_km, v.availability.len()), (2.0, 2));
    let form_page = ambassador.get(&format!("/benevoles/fiche?id={id}")).await.text().await.unwrap();
    assert!(form_page.contains("value=\"17:00\"") && form_page.contains("value=\"2026-11-20\""), "{form_page}");

    // Another scope's ambassador can neither read nor edit it.
    let mut other = world.agent("ambassadeur2").await;
    let (status, _) = other.call("/api/v1/people/volunteer", json!({ "id": id })).await;
    assert_eq!(status, 404);
    let fields = form(&[("id", &id_text), ("communes", &theirs[0])]);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(other.post_form("/benevoles/enregistrer", &fields).await.status(), 404);
}

/// The people page's search is posted (a name never goes into a URL) and shows only what it
/// keeps: part of a name without accents or case, a volunteer, the overdue; nothing changes.
#[tokio::test]
async fn an_ambassador_finds_people_by_name_volunteer_and_lateness() {
    let world = World::new().await;
    let mut ambassador = world.agent("ambassadeur").await;
    let mine = scope_communes(&world, 1);
    let add = [
        resident_form(&mine[0], &[("prenom", "Héloïse"), ("nom", "Tourterelle")]),
        resident_form(&mine[0], &[("prenom", "Gaston"), ("nom", "Rougequeue")]),
    ];
    for form in &add {
        assert_eq!(ambassador.post_form("/personnes/enregistrer", form).await.status(), 303);
    }
    let search = |fields: &'static [(&'static str, &'static str)]| {
        let mut a = ambassador.clone();
        async move {
            let res = a.post_form("/personnes/recherche", fields).await;
            assert_eq!(res.status(), 200);
            res.text().await.unwrap()
        }
    };
    let page = search(&[("nom", "HELOISE")]).await;
    assert!(page.contains("Héloïse Tourterelle") && !page.contains("Gaston Rougequeue"), "{page}");
    assert!(page.contains("data-testid=\"people-count\"") && page.contains("value=\"HELOISE\""));
    // Both followed since 2 November with no visit: overdue; neither has a volunteer.
    let late = search(&[("en_retard", "1"), ("benevole", "none"), ("nom", "rougequeue")]).await;
    assert!(late.contains("Gaston Rougequeue") && !late.contains("Héloïse Tourterelle"), "{late}");
    let paused = search(&[("suivi", "paused"), ("nom", "rougequeue")]).await;
    assert!(!paused.contains("Gaston Rougequeue"));
    let waiting = search(&[("suivi", "waiting"), ("nom", "rougequeue")]).await;
    assert!(waiting.contains("Gaston Rougequeue"), "followed, waiting for a volunteer");
    let everyone = ambassador.get("/personnes").await.text().await.unwrap();
    assert!(everyone.contains("Héloïse Tourterelle") && everyone.contains("Gaston Rougequeue"));
    assert!(!everyone.contains("data-testid=\"people-count\""), "no search, no count");
}

/// The ambassador adds and removes a volunteer's absence from their record; a wrong range is
/// refused and changes nothing; another scope's ambassador cannot touch it.
#[tokio::test]
async fn an_ambassador_manages_a_volunteers_absences() {
    let world = World::new().await;
    let ambassador = world.agent("ambassadeur").await;
    let mut reader = ambassador.clone();
    let volunteer = world.volunteers["benevole"];
    let id = volunteer.0.to_string();
    let today = monalisa_app::domain::Date::parse(&crate::common::today()).unwrap();
    let (first, last) = (today.add_days(10).to_string(), today.add_days(12).to_string());
    let absences = |world: &World| {
        let store = world.app.store.clone();
        async move { store.volunteer(volunteer).await.unwrap().unwrap().absences }
    };
    let before = absences(&world).await;
    let post = |fields: Vec<(&'static str, String)>| {
        let mut a = ambassador.clone();
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let res = a.post_form("/benevoles/absence", &fields).await;
            (res.status().as_u16(), res.headers().get("location").map(|l| l.to_str().unwrap().to_owned()))
        }
    };
    let form = |action: &str, du: &str, au: &str| {
        vec![("id", id.clone()), ("action", action.to_owned()), ("du", du.to_owned()), ("au", au.to_owned())]
    };
    let (status, to) = post(form("ajouter", &last, &first)).await;
    assert_eq!((status, to.as_deref()), (303, Some(format!("/benevoles/fiche?id={id}&absence=refusee").as_str())));
    assert_eq!(absences(&world).await, before, "refused: nothing recorded");
    let page = reader.get(to.as_deref().unwrap()).await.text().await.unwrap();
    assert!(page.contains("data-testid=\"absence-refused\""));

    assert_eq!(post(form("ajouter", &first, &last)).await.0, 303);
    let added = absences(&world).await;
    assert_eq!(added.len(), before.len() + 1);
    let page = reader.get(&format!("/benevoles/fiche?id={id}")).await.text().await.unwrap();
    assert!(page.contains("data-testid=\"absence\"") && page.contains(&format!("value=\"{first}\"")), "{page}");

    let mut other = world.agent("ambassadeur2").await;
    let fields = form("retirer", &first, &last);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(other.post_form("/benevoles/absence", &fields).await.status(), 404);
    assert_eq!(post(form("retirer", &first, &last)).await.0, 303);
    assert_eq!(absences(&world).await, before);
    assert_eq!(post(form("retirer", &first, &last)).await.0, 404, "already gone");
}

/// The ambassador places a resident's home on the commune's map: the page draws the map at its
/// own size with the home on it; a click there (the image input's point) moves the home to
/// that place, the buttons move it 100 m, a point outside the commune or no point at all moves
/// nothing; another scope's ambassador cannot; each move is audited, and the address never
/// holds a position.
#[tokio::test]
async fn an_ambassador_places_a_home_on_the_communes_map() {
    let world = World::new().await;
    let ambassador = world.agent("ambassadeur").await;
    let mut reader = ambassador.clone();
    let resident = world.resident_of("benevole");
    let id = resident.0.to_string();
    let stored = world.app.store.resident(resident).await.unwrap().unwrap();
    let page = reader.get(&format!("/personnes/fiche?id={id}")).await.text().await.unwrap();
    let section = page.split("data-testid=\"home-map\"").nth(1).expect("the map").split("</section>").next().unwrap();
    assert!(
        section.contains("type=\"image\"")
            && section.contains("name=\"carte\"")
            && section.contains("data:image/svg+xml,")
    );
    let width: i32 = section.split("width=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
    assert_eq!(width, 296, "drawn at its own size");

    let outlines = world.app.store.scope_outlines(monalisa_app::domain::ScopeId(1)).await.unwrap();
    let outline = &outlines.iter().find(|(c, _)| c == stored.commune.as_str()).unwrap().1;
    let map = monalisa_app::planning::HomeMap::new(outline);
    let home = |world: &World| {
        let store = world.app.store.clone();
        async move { store.resident(resident).await.unwrap().unwrap().home }
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let mut a = ambassador.clone();
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let res = a.post_form("/personnes/domicile", &fields).await;
            (res.status().as_u16(), res.headers().get("location").map(|l| l.to_str().unwrap().to_owned()))
        }
    };
    let back = |what: &str| Some(format!("/personnes/fiche?id={id}&domicile={what}#domicile"));

    // A click near the home's point, 10 units east and 6 south.
    let [x, y] = map.view(stored.home).home;
    let (status, to) =
        post(vec![("id", id.clone()), ("carte.x", (x + 10).to_string()), ("carte.y", (y + 6).to_string())]).await;
    assert_eq!((status, to), (303, back("place")));
    let clicked = home(&world).await;
    assert_eq!(Some(clicked), map.location(x + 10, y + 6));
    assert!(clicked.lon > stored.home.lon && clicked.lat < stored.home.lat);
    let page = reader.get(&back("place").unwrap()).await.text().await.unwrap();
    assert!(page.contains("Domicile placé"), "the page says it");

    // The keyboard's way: 100 m north.
    assert_eq!(post(vec![("id", id.clone()), ("deplacer", "nord".into())]).await, (303, back("place")));
    let north = home(&world).await;
    assert!((north.distance_km(&clicked) - 0.1).abs() < 0.001 && north.lat > clicked.lat);

    // Nothing chosen (Enter on the map), a corner outside the commune, another scope: no move.
    assert_eq!(
        post(vec![("id", id.clone()), ("carte.x", "0".into()), ("carte.y", "0".into())]).await,
        (303, back("choisir"))
    );
    assert_eq!(
        post(vec![("id", id.clone()), ("carte.x", "1".into()), ("carte.y", "1".into())]).await,
        (303, back("hors"))
    );
    let mut other = world.agent("ambassadeur2").await;
    let fields = [("id", id.as_str()), ("deplacer", "sud")];
    assert_eq!(other.post_form("/personnes/domicile", &fields).await.status(), 404);
    assert_eq!(home(&world).await, north);

    let (_, entries) = world
        .agent("admin")
        .await
        .call("/api/v1/audit/list", json!({ "filter": { "object_kind": "resident", "object_id": id, "limit": 20 } }))
        .await;
    let moves = entries.as_array().unwrap().iter().filter(|e| e["detail"] == "home placed on the map").count();
    assert_eq!(moves, 2);
}

/// A resident withdraws their consent: the ambassador records it (after confirming); the
/// person's personal data is erased on the server, their card and the notes leave the
/// volunteer's phone at its next sync, the anonymous counts stay; it cannot be done twice, nor
/// from another scope, and the erased record cannot be edited back.
#[tokio::test]
async fn consent_withdrawal_erases_the_person_everywhere() {
    let world = World::new().await;
    let resident = world.resident_of("benevole");
    let id = resident.0.to_string();
    let mut phone = world.agent("benevole").await;
    let report = "dddddddddddddddddddddddddddddd01";
    let push = json!({ "request": { "protocol": 1, "sent_at": 0, "mutations": [{
        "id": report, "recorded_at": 1_764_000_000_000i64, "body": { "report": {
            "visit": null, "resident": resident.0, "day": crate::common::today(), "outcome": "done", "duration_minutes": 40,
            "mood": 3, "concerns": [], "note": "Parle de sa fille à Poitiers", "proposed_next": null } } }] } });
    assert_eq!(phone.call("/api/sync/v1/push", push).await.0, 200);
    let mut cursor = Value::Null;
    loop {
        let (changes, next) = pull_from(&mut phone, &cursor).await;
        cursor = next;
        if changes.is_empty() {
            break;
        }
    }
    // And a report about them that a removed phone sent, set aside for review.
    let pool = crate::common::pool(&world.app.db_url).await;
    let set_aside = json!({ "id": "dddddddddddddddddddddddddddddd02", "recorded_at": 0, "body": { "report": {
        "visit": null, "resident": resident.0, "day": "2026-11-20", "outcome": "done", "duration_minutes": null,
        "mood": null, "concerns": [], "note": "Son fils vit à Lusignan", "proposed_next": "2026-12-01" } } });
    sqlx::query(
        "INSERT INTO quarantine (mutation_id, user_id, device_id, reason, payload, received_at) \
         SELECT 'dddddddddddddddddddddddddddddd02', user_id, id, 'device_revoked', $1, 0 FROM devices WHERE user_id = $2",
    )
    .bind(set_aside.to_string())
    .bind(world.users["benevole"].0)
    .execute(&pool)
    .await
    .unwrap();
    // The record's timeline shows the report (a read of the person, audited).
    let mut ambassador = world.agent("ambassadeur").await;
    let record = ambassador.get(&format!("/personnes/fiche?id={id}")).await.text().await.unwrap();
    assert!(record.contains("data-testid=\"timeline\"") && record.contains("Parle de sa fille à Poitiers"), "{record}");
    assert!(record.contains("Binôme avec"), "the binôme with their volunteer is on the timeline");
    assert!(
        record.contains("data-testid=\"timeline-referral\"") && record.contains("Orientée par"),
        "down to the referral"
    );
    // The right of access shows it too, marked as set aside.
    let dossier: Value = ambassador.get(&format!("/personnes/dossier.json?id={id}")).await.json().await.unwrap();
    let audit = dossier["audit"].as_array().unwrap();
    assert!(audit.iter().any(|e| e["action"] == "resident.read" && e["detail"] == "form and timeline"), "{dossier}");
    let reports = dossier["reports"].as_array().unwrap();
    assert!(reports.iter().any(|p| p["set_aside"] == true && p["note"] == "Son fils vit à Lusignan"), "{dossier}");
    assert!(reports.iter().any(|p| p["set_aside"] == false && p["note"] == "Parle de sa fille à Poitiers"));
    let page = ambassador.get(&format!("/personnes/dossier?id={id}")).await.text().await.unwrap();
    assert!(page.contains("mis de côté") && page.contains("Lusignan"));
    let mut coordinator = world.agent("coordination").await;
    let (_, before) = coordinator.call("/api/v1/coverage/view", json!({ "from": null, "to": null })).await;

    let res = ambassador.post_form("/personnes/retrait", &[("id", &id)]).await;
    assert_eq!(res.status(), 400, "not confirmed: nothing erased");
    assert!(!world.app.store.resident(resident).await.unwrap().unwrap().last_name.is_empty());
    let mut other = world.agent("ambassadeur2").await;
    assert_eq!(other.post_form("/personnes/retrait", &[("id", &id), ("confirme", "1")]).await.status(), 404);

    let res = ambassador.post_form("/personnes/retrait", &[("id", &id), ("confirme", "1")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/personnes?retire=1");
    let r = world.app.store.resident(resident).await.unwrap().unwrap();
    assert!(r.first_name.is_empty() && r.last_name.is_empty() && r.address.is_empty());
    assert!(r.phone.is_none() && r.access_notes.is_empty() && r.likes.is_empty() && r.preferred.is_empty());
    assert!(matches!(r.follow_up, monalisa_app::domain::FollowUp::Ended { .. }) && r.volunteer.is_none());
    assert!(world.app.store.consent_withdrawn_on(resident).await.unwrap().is_some());

    // The phone's next sync: the card goes (report records never carry notes to phones).
    let (changes, _) = pull_from(&mut phone, &cursor).await;
    assert!(changes.iter().any(|c| c["removed"]["record"] == "resident" && c["removed"]["id"] == id), "{changes:?}");
    assert!(!serde_json::to_string(&changes).unwrap().contains("Poitiers"));
    // On the server, the report is kept (a visit happened) without its note; the set-aside one
    // too, still waiting for review.
    let (outcome, note): (String, String) =
        sqlx::query_as("SELECT outcome, note FROM reports WHERE id = $1").bind(report).fetch_one(&pool).await.unwrap();
    assert_eq!((outcome.as_str(), note.as_str()), ("done", ""));
    let payload: String =
        sqlx::query_scalar("SELECT payload FROM quarantine WHERE reviewed_at IS NULL").fetch_one(&pool).await.unwrap();
    assert!(
        !payload.contains("Lusignan") && !payload.contains("2026-12-01") && payload.contains("\"done\""),
        "{payload}"
    );
    pool.close().await;

    // Twice: refused; the record cannot be edited back; the page says what happened.
    assert_eq!(ambassador.post_form("/personnes/retrait", &[("id", &id), ("confirme", "1")]).await.status(), 409);
    let mine = scope_communes(&world, 1);
    let edit = resident_form(&mine[0], &[("id", &id), ("consentement_date", ""), ("consentement_mode", "")]);
    assert_eq!(ambassador.post_form("/personnes/enregistrer", &edit).await.status(), 409);
    let page = ambassador.get(&format!("/personnes/fiche?id={id}")).await.text().await.unwrap();
    assert!(page.contains("data-testid=\"consent-withdrawn\"") && !page.contains("data-testid=\"resident-form\""));

    // The anonymous counts stay: the same visits done over the period.
    let (_, after) = coordinator.call("/api/v1/coverage/view", json!({ "from": null, "to": null })).await;
    assert_eq!(after["territory"]["visits"], before["territory"]["visits"]);
}

/// A volunteer moves to another scope on their ambassador's word: their binômes stay, shown as
/// split on both ambassadors' pages (the other scope's never sees the person's name); the new
/// scope's ambassador has them in their list.
#[tokio::test]
async fn a_volunteer_moves_to_another_scope_and_both_ambassadors_see_the_split_binomes() {
    let world = World::new().await;
    let mut nord = world.agent("ambassadeur").await;
    let mut sud = world.agent("ambassadeur2").await;
    let volunteer = world.volunteers["benevole"];
    let theirs: Vec<_> = world
        .population
        .residents
        .iter()
        .filter(|r| {
            r.volunteer == Some(volunteer) && !matches!(r.follow_up, monalisa_app::domain::FollowUp::Ended { .. })
        })
        .collect();
    assert!(!theirs.is_empty(), "the demo's busiest volunteer follows someone");
    let form = nord.get(&format!("/benevoles/fiche?id={volunteer}")).await.text().await.unwrap();
    assert!(form.contains("data-testid=\"volunteer-move\""), "the move form is on the record");
    let id = volunteer.to_string();
    // Unconfirmed, or to a scope that does not exist: nothing moves.
    assert_eq!(nord.post_form("/benevoles/secteur", &[("id", &id), ("secteur", "2")]).await.status(), 400);
    let res = nord.post_form("/benevoles/secteur", &[("id", &id), ("secteur", "99"), ("confirme", "1")]).await;
    assert_eq!(res.status(), 400);
    // Another scope's ambassador cannot move them.
    let res = sud.post_form("/benevoles/secteur", &[("id", &id), ("secteur", "1"), ("confirme", "1")]).await;
    assert_eq!(res.status(), 404);
    let res = nord.post_form("/benevoles/secteur", &[("id", &id), ("secteur", "2"), ("confirme", "1")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/personnes?deplace=1");

    let (_, mine) = nord.call("/api/v1/people/list", json!({})).await;
    assert!(mine["volunteers"].as_array().unwrap().iter().all(|v| v["id"] != volunteer.0), "gone from Nord's list");
    let split: Vec<&Value> = mine["split"].as_array().unwrap().iter().collect();
    assert_eq!(split.len(), theirs.len(), "{split:?}");
    assert!(split.iter().all(|s| !s["resident"].is_null() && s["volunteer"][0] == volunteer.0));
    let (_, other) = sud.call("/api/v1/people/list", json!({})).await;
    assert!(other["volunteers"].as_array().unwrap().iter().any(|v| v["id"] == volunteer.0), "in Sud's list");
    let seen: Vec<&Value> = other["split"].as_array().unwrap().iter().collect();
    assert_eq!(seen.len(), theirs.len());
    assert!(seen.iter().all(|s| s["resident"].is_null()), "Sud sees its volunteer's binômes, not the names");
    let page = sud.get("/personnes").await.text().await.unwrap();
    let link = format!("/personnes/fiche?id={}", theirs[0].id);
    assert!(page.contains("data-testid=\"split-pairs\"") && !page.contains(&link), "{page}");
    let page = nord.get("/personnes?deplace=1").await.text().await.unwrap();
    let split_part = page.split("data-testid=\"split-pairs\"").nth(1).expect("Nord's page lists them too");
    assert!(page.contains("volunteer-moved") && split_part.split("</section>").next().unwrap().contains(&link));
    // The record keeps the binôme and its history.
    let (_, record) = nord.call("/api/v1/people/resident", json!({ "id": theirs[0].id })).await;
    assert!(record["values"].as_array().unwrap().iter().any(|f| f[0] == "benevole" && f[1] == id), "{record}");
    let (_, entries) = world
        .agent("admin")
        .await
        .call("/api/v1/audit/list", json!({ "filter": { "object_kind": "volunteer", "limit": 20 } }))
        .await;
    assert!(
        entries.as_array().unwrap().iter().any(|e| e["action"] == "volunteer.move" && e["detail"] == "scope 1 -> 2")
    );
}

/// A volunteer who stops: their record cannot be made inactive while people still have them;
/// "Passer la main" proposes successors by the planner's rules, gives each person to the one
/// chosen, makes the volunteer inactive, and their phone drops everything at its next sync.
#[tokio::test]
async fn a_volunteer_who_stops_hands_over_and_their_phone_drops_everything() {
    let world = World::new().await;
    let mut ambassador = world.agent("ambassadeur").await;
    let mut phone = world.agent("benevole").await;
    let volunteer = world.volunteers["benevole"];
    let pull = |cursor: Value| json!({ "request": { "protocol": 1, "cursor": cursor, "limit": 500 } });
    let (status, before) = phone.call("/api/sync/v1/pull", pull(Value::Null)).await;
    assert_eq!((status, &before["more"]), (200, &json!(false)), "{before}");
    assert!(before["changes"].as_array().unwrap().iter().any(|c| c.get("resident").is_some()), "the phone holds cards");

    // The record's form refuses "inactive" while people have them.
    let (_, form) = ambassador.call("/api/v1/people/volunteer", json!({ "id": volunteer })).await;
    let fields: Vec<(String, String)> = form["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f[0].as_str().unwrap().to_owned(), f[1].as_str().unwrap().to_owned()))
        .filter(|(k, _)| k != "actif")
        .collect();
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = ambassador.post_form("/benevoles/enregistrer", &fields).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("passez-leur la main"), "the form says what to do");

    let page = ambassador.get(&format!("/benevoles/relais?id={volunteer}")).await.text().await.unwrap();
    let (_, view) = ambassador.call("/api/v1/people/handover", json!({ "id": volunteer })).await;
    let rows = view["residents"].as_array().unwrap();
    assert_eq!(page.matches("data-testid=\"handover-row\"").count(), rows.len());
    let followed = world
        .population
        .residents
        .iter()
        .filter(|r| {
            r.volunteer == Some(volunteer) && !matches!(r.follow_up, monalisa_app::domain::FollowUp::Ended { .. })
        })
        .count();
    assert_eq!(rows.len(), followed);
    for row in rows {
        let kms: Vec<f64> = row["candidates"].as_array().unwrap().iter().map(|c| c[2].as_f64().unwrap()).collect();
        assert!(kms.windows(2).all(|w| w[0] <= w[1]), "nearest first: {kms:?}");
        assert!(row["candidates"].as_array().unwrap().iter().all(|c| c[0] != volunteer.0), "never themselves");
    }
    // Each person to the first one proposed, or to nobody when none can.
    let mut fields = vec![("id".to_owned(), volunteer.to_string()), ("inactif".to_owned(), "1".to_owned())];
    for row in rows {
        let next = row["candidates"].as_array().unwrap().first().map(|c| c[0].to_string()).unwrap_or_default();
        fields.push((format!("r{}", row["resident"]), next));
    }
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = ambassador.post_form("/benevoles/relayer", &pairs).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/personnes?relais=1");
    let stored = world.app.store.volunteer(volunteer).await.unwrap().unwrap();
    assert!(!stored.active);
    for row in rows {
        let r = world
            .app
            .store
            .resident(monalisa_app::domain::ResidentId(row["resident"].as_i64().unwrap()))
            .await
            .unwrap()
            .unwrap();
        assert_ne!(r.volunteer, Some(volunteer), "nothing stays with an inactive volunteer");
    }
    // Done twice: the people are no longer theirs, nothing changes.
    assert_eq!(ambassador.post_form("/benevoles/relayer", &pairs).await.status(), 409);

    // The phone drops every card, visit and report at its next sync.
    let (status, page) = phone.call("/api/sync/v1/pull", pull(before["cursor"].clone())).await;
    assert_eq!(status, 200, "{page}");
    let changes = page["changes"].as_array().unwrap();
    let held = before["changes"].as_array().unwrap().iter().filter(|c| c.get("removed").is_none()).count();
    assert!(changes.iter().all(|c| c.get("removed").is_some()), "{changes:?}");
    assert!(changes.len() >= held, "every record held goes: {} of {held}", changes.len());
    let (_, entries) = world
        .agent("admin")
        .await
        .call("/api/v1/audit/list", json!({ "filter": { "object_kind": "resident", "limit": 100 } }))
        .await;
    let handed = entries.as_array().unwrap().iter().filter(|e| e["action"] == "resident.handover").count();
    assert_eq!(handed, rows.len());
}
