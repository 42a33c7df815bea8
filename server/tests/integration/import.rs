//! A territory filled from the lists its team keeps, from an empty install with no demo data:
//! the admin (command line), a scope and its ambassador, then the ambassador imports the
//! volunteers and the residents (good and bad rows: the dry run names the bad ones by line;
//! applying creates exactly the rows left ticked; a second import changes nothing; a dry run
//! whose rows changed meanwhile applies nothing), plans and publishes a week, and the
//! volunteer's phone gets the round.

use crate::common::{Agent, TestApp};
use crate::setup::{enrol, monalisa, post};
use serde_json::{Value, json};

/// The dry run a file upload made, and its page.
async fn check(agent: &mut Agent, kind: &str, file: &[u8]) -> (String, String) {
    let res = agent.post_file("/import/essai", &[("type", kind)], ("fichier", "liste.csv", file)).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let id = location.strip_prefix("/import?essai=").expect("the page of the dry run").to_owned();
    let page = agent.get(&location).await;
    assert_eq!(page.status(), 200);
    (id, page.text().await.unwrap())
}

/// The value of the hidden field `name` of a page's form.
fn hidden(html: &str, name: &str) -> String {
    let at = html.find(&format!("name=\"{name}\"")).unwrap_or_else(|| panic!("no field {name}"));
    let rest = &html[at..];
    let value = rest.split("value=\"").nth(1).unwrap();
    value.split('"').next().unwrap().to_owned()
}

fn counts(html: &str) -> String {
    let at = html.find("data-testid=\"import-counts\"").expect("the counts");
    html[at..].split('>').nth(1).unwrap().split('<').next().unwrap().to_owned()
}

/// Applies a dry run with these lines ticked; gives where the browser is sent back.
async fn apply(agent: &mut Agent, id: &str, sha: &str, lines: &[u32]) -> String {
    let lines: Vec<String> = lines.iter().map(u32::to_string).collect();
    let mut fields = vec![("essai", id), ("empreinte", sha)];
    fields.extend(lines.iter().map(|l| ("ligne", l.as_str())));
    post(agent, "/import/appliquer", &fields).await
}

async fn people(agent: &mut Agent) -> Value {
    let (status, list) = agent.call("/api/v1/people/list", json!({})).await;
    assert_eq!(status, 200, "{list}");
    list
}

const VOLUNTEERS: &str = "Référence,Prénom,Nom,Téléphone,Commune,Voiture,Rayon (km),Visites par semaine,Disponibilités,Charte signée le,Formation faite le\r\n\
B1,Marcel,Pinson,06 39 98 12 34,Civray,oui,25,4,\"lundi 9h-12h ; mardi 14h-17h ; jeudi 9h-12h\",12/09/2026,oui\r\n\
B2,Odette,Verdier,0611223344,Charroux,deux-roues,15,3,\"mercredi 14h-17h\",oui,03/10/2026\r\n";

/// Residents, as a spreadsheet program saves them in Windows-1252 with `;`: two good rows,
/// then a row per kind of refusal (lines 4 to 8), then a third good row (line 9).
fn residents_file() -> Vec<u8> {
    let text = "Référence;Prénom;Nom;Adresse;Commune;Téléphone;Isolement;Créneaux préférés;Bénévole;Date du consentement;Forme du consentement;Consentement recueilli par\r\n\
R1;Lucienne;Moineau;3 rue des Lilas;Civray;05 49 12 34 56;3;lundi 9h30-11h30;Marcel Pinson;20/11/2026;écrit;Anne Roux\r\n\
R2;Gisèle;Merle;La Grange;Charroux;;2;mercredi 15h-17h;Odette Verdier;15/10/2026;oral;Anne Roux\r\n\
R3;René;Geai;2 rue Haute;Poitiers;;2;;;20/11/2026;oral;Anne Roux\r\n\
R4;Paul;Pic;4 rue Basse;Civray;;2;;;;oral;Anne Roux\r\n\
R5;Rose;Huppe;5 rue Neuve;Civray;+44 20 7946 0958;2;;;20/11/2026;oral;Anne Roux\r\n\
R6;Léon;Pie;6 rue Neuve;Civray;;2;;;31/02/2026;oral;Anne Roux\r\n\
R1;Lucienne;Moineau;3 rue des Lilas;Civray;;3;;;20/11/2026;écrit;Anne Roux\r\n\
R7;Jean;Rouge-Gorge;7 place du Marché;Civray;05 49 00 00 07;1;;;01/09/2026;représentant;Anne Roux\r\n";
    let bytes = encoding_1252(text);
    assert!(std::str::from_utf8(&bytes).is_err(), "really Windows-1252");
    bytes
}

/// The Windows-1252 bytes of a French text (its accented letters are all in Latin-1).
fn encoding_1252(text: &str) -> Vec<u8> {
    text.chars().map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 letter")).collect()
}

/// A territory set up from nothing: the admin (command line), the scope "Civraisien" with
/// Civray and Charroux, its ambassador Anne Roux and her account `anne.r`.
async fn new_territory(app: &TestApp) -> (Agent, Agent) {
    let (ok, out, err) =
        monalisa(app, &["user", "add", "--login", "claire.m", "--role", "admin", "--name", "Claire M"]);
    assert!(ok, "{err}");
    let link = out.lines().find_map(|l| l.split_once(": http").map(|(_, rest)| format!("http{rest}"))).unwrap();
    let mut admin = enrol(app, &link).await;
    assert_eq!(
        post(&mut admin, "/territoire/secteur", &[("nom", "Civraisien")]).await,
        "/territoire?fait=secteur-cree"
    );
    let (_, setup) = admin.call("/api/v1/setup/view", json!({})).await;
    let scope = setup["scopes"][0]["id"].to_string();
    for commune in ["86078", "86061"] {
        post(&mut admin, "/territoire/commune", &[("commune", commune), ("secteur", &scope)]).await;
    }
    let fields = [("prenom", "Anne"), ("nom", "Roux"), ("telephone", "05 49 00 00 01"), ("secteur", scope.as_str())];
    post(&mut admin, "/territoire/ambassadeur", &fields).await;
    let (_, setup) = admin.call("/api/v1/setup/view", json!({})).await;
    let anne = setup["scopes"][0]["ambassadors"][0]["id"].as_i64().unwrap();
    let (_, made) =
        admin.call("/api/v1/accounts/create", json!({ "login": "anne.r", "person": { "Ambassador": anne } })).await;
    let ambassador = enrol(app, made[1]["url"].as_str().unwrap()).await;
    (admin, ambassador)
}

#[tokio::test]
async fn a_territory_is_filled_from_its_spreadsheets_and_its_first_week_published() {
    let app = TestApp::spawn().await;
    let (mut admin, mut ambassador) = new_territory(&app).await;

    // The page and its templates.
    let page = ambassador.get("/import").await.text().await.unwrap();
    assert!(page.contains("modele-residents.csv") && page.contains("Consentement recueilli par"), "{page}");
    let template = ambassador.get("/import/modele-residents.csv").await.bytes().await.unwrap();
    assert!(template.starts_with("\u{FEFF}Référence;Prénom;Nom;Adresse".as_bytes()));

    // A file without the columns it needs is refused whole, and says which.
    let res = ambassador
        .post_file("/import/essai", &[("type", "residents")], ("fichier", "x.csv", b"Nom;Commune\nA;Civray\n"))
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("import-refused") && html.contains("Colonnes obligatoires absentes : Prénom, Adresse"),
        "{html}"
    );

    // The volunteers first (residents name them).
    let (id, html) = check(&mut ambassador, "volunteers", VOLUNTEERS.as_bytes()).await;
    assert!(
        counts(&html).starts_with("2 à créer · 0 à mettre à jour · 0 inchangée(s) · 0 refusée(s)"),
        "{}",
        counts(&html)
    );
    let sha = hidden(&html, "empreinte");
    assert_eq!(apply(&mut ambassador, &id, &sha, &[2, 3]).await, format!("/import?essai={id}"));
    assert_eq!(people(&mut ambassador).await["volunteers"].as_array().unwrap().len(), 2);

    // The residents: the dry run lists every refused line with its column and reason.
    let file = residents_file();
    let (id, html) = check(&mut ambassador, "residents", &file).await;
    assert!(
        counts(&html).starts_with("3 à créer · 0 à mettre à jour · 0 inchangée(s) · 5 refusée(s)"),
        "{}",
        counts(&html)
    );
    for (line, why) in [
        (4, "Commune : commune hors du territoire"),
        (5, "Date du consentement : valeur obligatoire manquante"),
        (6, "Téléphone : numéro de téléphone non français"),
        (7, "Date du consentement : date impossible"),
        (8, "Référence : doublon de la ligne 2"),
    ] {
        let row = html
            .split("data-testid=\"import-refused-row\"")
            .find(|r| r.contains(&format!("<th scope=\"row\">{line}</th>")));
        assert!(row.is_some_and(|r| r.contains(why)), "line {line}: {why}");
    }
    // A file other than the one checked is refused.
    let zeros = "0".repeat(64);
    let res = ambassador.post_form("/import/appliquer", &[("essai", &id), ("empreinte", &zeros), ("ligne", "2")]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("Ce fichier n'est pas celui de l'essai"));
    // Line 9 left unticked: only lines 2 and 3 are created.
    let sha = hidden(&html, "empreinte");
    assert_eq!(apply(&mut ambassador, &id, &sha, &[2, 3]).await, format!("/import?essai={id}"));
    let list = people(&mut ambassador).await;
    let names: Vec<&str> = list["residents"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Gisèle Merle", "Lucienne Moineau"]);
    assert_eq!(list["residents"][1]["volunteer"], "Marcel Pinson", "the binôme came with the file");
    let done = ambassador.get(&format!("/import?essai={id}")).await.text().await.unwrap();
    assert!(done.contains("import-applied") && done.contains("2 fiche(s) créée(s)"), "{done}");
    let again = ambassador.post_form("/import/appliquer", &[("essai", &id), ("empreinte", &sha)]).await;
    assert_eq!(again.status(), 422, "once only");
    assert!(again.text().await.unwrap().contains("déjà été appliqué"));

    // The same file again: only the line left out is new; once it is in, nothing changes.
    let (id, html) = check(&mut ambassador, "residents", &file).await;
    assert!(
        counts(&html).starts_with("1 à créer · 0 à mettre à jour · 2 inchangée(s) · 5 refusée(s)"),
        "{}",
        counts(&html)
    );
    apply(&mut ambassador, &id, &hidden(&html, "empreinte"), &[9]).await;
    let (_, html) = check(&mut ambassador, "residents", &file).await;
    assert!(
        counts(&html).starts_with("0 à créer · 0 à mettre à jour · 3 inchangée(s) · 5 refusée(s)"),
        "{}",
        counts(&html)
    );
    assert!(!html.contains("data-testid=\"import-apply\""), "nothing to apply");

    // Two dry runs of an edited file: the first applied, the second finds its line changed and
    // applies nothing.
    let edited = VOLUNTEERS.replace("06 39 98 12 34", "06 39 98 00 00");
    let (first, html1) = check(&mut ambassador, "volunteers", edited.as_bytes()).await;
    let (second, html2) = check(&mut ambassador, "volunteers", edited.as_bytes()).await;
    assert!(counts(&html1).starts_with("0 à créer · 1 à mettre à jour"), "{}", counts(&html1));
    apply(&mut ambassador, &first, &hidden(&html1, "empreinte"), &[2]).await;
    let back = apply(&mut ambassador, &second, &hidden(&html2, "empreinte"), &[2]).await;
    assert_eq!(back, format!("/import?essai={second}&changees=2"));
    let page = ambassador.get(&back).await.text().await.unwrap();
    assert!(page.contains("import-changed") && page.contains("Rien n'a été importé"), "{page}");

    // Who imported is in the audit trail: the run and each record.
    let (_, entries) =
        admin.call("/api/v1/audit/list", json!({ "filter": { "object_kind": "resident", "limit": 50 } })).await;
    let created: Vec<&Value> =
        entries.as_array().unwrap().iter().filter(|e| e["action"] == "resident.create").collect();
    assert_eq!(created.len(), 3);
    assert!(
        created.iter().all(|e| e["actor_login"] == "anne.r" && e["detail"].as_str().unwrap().starts_with("import "))
    );

    // Another ambassador's dry run is not this one's; nor is any of it an admin's to read.
    assert_eq!(admin.get(&format!("/import?essai={id}")).await.status(), 404);

    // A week planned and published from the imported people: the volunteer's phone gets it.
    let marcel = people(&mut ambassador).await["volunteers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "Marcel Pinson")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, made) = ambassador
        .call("/api/v1/accounts/create", json!({ "login": "marcel.p", "person": { "Volunteer": marcel } }))
        .await;
    let mut phone = enrol(&app, made[1]["url"].as_str().unwrap()).await;
    let week = monalisa_app::domain::Date::parse(&crate::common::today()).unwrap().week_start().add_days(7);
    let (status, plan) = ambassador.call("/api/v1/planning/preview", json!({ "week": week })).await;
    assert_eq!(status, 200, "{plan}");
    let mine: Vec<&Value> = plan["rounds"].as_array().unwrap().iter().filter(|r| r["volunteer"] == marcel).collect();
    assert_eq!(mine.len(), 1, "{plan}");
    let fingerprint = plan["fingerprint"].as_str().unwrap();
    let published =
        post(&mut ambassador, "/planification/publier", &[("semaine", &week.to_string()), ("empreinte", fingerprint)])
            .await;
    assert!(published.contains("publie="), "{published}");
    let changes = phone.pull_everything().await;
    let text = serde_json::to_string(&changes).unwrap();
    assert!(text.contains("Moineau") && text.contains(&week.to_string()), "the round and its person reach the phone");
}

/// What the stand-in geocoder was asked: each request's query parameters.
type Asked = std::sync::Arc<std::sync::Mutex<Vec<Vec<(String, String)>>>>;

/// A stand-in for the Base Adresse Nationale's `/search` (none is reachable here): a precise
/// answer for "3 rue des Lilas" in Civray, only the commune for "La Grange", a point in
/// Charroux for "2 rue Haute" (said to be in Civray), a refusal for anything else.
async fn stand_in_geocoder(
    civray: monalisa_app::domain::Location,
    charroux: monalisa_app::domain::Location,
) -> (String, Asked) {
    use axum::extract::{Query, State};
    let asked: Asked = Default::default();
    let answer = move |State(asked): State<Asked>, Query(params): Query<Vec<(String, String)>>| async move {
        asked.lock().unwrap().push(params.clone());
        let q = params.iter().find(|(k, _)| k == "q").map(|(_, v)| v.clone()).unwrap_or_default();
        let feature = |at: monalisa_app::domain::Location, kind: &str, score: f64, citycode: &str| {
            json!({ "type": "FeatureCollection", "features": [{
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [at.lon, at.lat] },
                "properties": { "label": q, "score": score, "type": kind, "citycode": citycode }
            }]})
        };
        let moved = |at: monalisa_app::domain::Location| monalisa_app::domain::Location {
            lat: at.lat + 0.002,
            lon: at.lon + 0.002,
        };
        let body = if q.starts_with("3 rue des Lilas") {
            feature(moved(civray), "housenumber", 0.93, "86078")
        } else if q.starts_with("La Grange") {
            feature(charroux, "municipality", 0.8, "86061")
        } else if q.starts_with("2 rue Haute") {
            feature(moved(charroux), "street", 0.7, "86078")
        } else {
            return (axum::http::StatusCode::SERVICE_UNAVAILABLE, axum::Json(json!({}))).into_response();
        };
        axum::Json(body).into_response()
    };
    use axum::response::IntoResponse;
    let router = axum::Router::new().route("/search/", axum::routing::get(answer)).with_state(asked.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (url, asked)
}

/// The homes of an import located from their address by the configured geocoder, in the
/// background, with the progress on the import's page: only the address and the commune are
/// sent; an answer not precise enough, or outside the commune, leaves the commune's centre
/// ("position approximative"); a position the file gave is kept and not asked for; each home
/// sent is in the audit trail; the same file again changes nothing.
#[tokio::test]
async fn imported_homes_are_located_from_their_address_alone() {
    let shapes = monalisa_server::territory::shapes();
    let centre = |code: &str| shapes.iter().find(|s| s.commune.insee.as_str() == code).unwrap().commune.centre;
    let (civray, charroux) = (centre("86078"), centre("86061"));
    let (url, asked) = stand_in_geocoder(civray, charroux).await;
    let mut settings = monalisa_server::geocoder::GeocoderSettings::new(url);
    settings.batch = 2;
    let app = TestApp::spawn_with(monalisa_server::Services { osrm: None, geocoder: Some(settings) }).await;
    let (mut admin, mut ambassador) = new_territory(&app).await;

    let given = format!("{:.5} ; {:.5}", civray.lat - 0.001, civray.lon - 0.001).replace('.', ",");
    let file = format!(
        "Référence;Prénom;Nom;Adresse;Commune;Position;Isolement;Date du consentement;Forme du consentement;Consentement recueilli par\r\n\
         G1;Lucienne;Moineau;3 rue des Lilas;Civray;;2;20/11/2026;écrit;Anne Roux\r\n\
         G2;Gisèle;Merle;La Grange;Charroux;;2;15/10/2026;oral;Anne Roux\r\n\
         G3;René;Geai;2 rue Haute;Civray;;2;20/11/2026;oral;Anne Roux\r\n\
         G4;Paul;Pic;4 rue Basse;Civray;\"{given}\";2;20/11/2026;oral;Anne Roux\r\n\
         G5;Rose;Huppe;5 rue Neuve;Civray;;2;20/11/2026;oral;Anne Roux\r\n"
    );
    let (id, html) = check(&mut ambassador, "residents", file.as_bytes()).await;
    assert!(counts(&html).starts_with("5 à créer"), "{}", counts(&html));
    assert_eq!(
        apply(&mut ambassador, &id, &hidden(&html, "empreinte"), &[2, 3, 4, 5, 6]).await,
        format!("/import?essai={id}")
    );

    // The page follows the worker until no home is left to ask for but the one the service
    // refused (it is tried again later: the service is "unavailable" for it).
    let mut page = String::new();
    for _ in 0..200 {
        page = ambassador.get(&format!("/import?essai={id}")).await.text().await.unwrap();
        if page.contains("1 trouvée(s)") && page.contains("2 introuvable(s)") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let homes =
        page.split("data-testid=\"import-homes\"").nth(1).expect("the homes' progress").split("</p>").next().unwrap();
    assert!(
        homes.contains("Domiciles à situer d'après leur adresse : 4 — 1 trouvée(s) · 2 introuvable(s)")
            && homes.contains("1 en cours"),
        "{homes}"
    );
    assert!(
        homes.contains(&format!("href=\"/import?essai={id}\"")),
        "a link to look again while one is pending: {homes}"
    );

    let mut db = app.db().await;
    let home = |name: &'static str| {
        let sql = "SELECT home_lat, home_lon FROM residents WHERE last_name = $1";
        sqlx::query_as::<_, (f64, f64)>(sql).bind(name)
    };
    let at = |(lat, lon): (f64, f64)| monalisa_app::domain::Location { lat, lon };
    assert_eq!(
        at(home("Moineau").fetch_one(&mut db).await.unwrap()),
        monalisa_app::domain::Location { lat: civray.lat + 0.002, lon: civray.lon + 0.002 }
    );
    assert_eq!(at(home("Merle").fetch_one(&mut db).await.unwrap()), charroux, "only the commune: its centre");
    assert_eq!(at(home("Geai").fetch_one(&mut db).await.unwrap()), civray, "outside Civray: its centre");
    let pic = at(home("Pic").fetch_one(&mut db).await.unwrap());
    assert!((pic.lat - (civray.lat - 0.001)).abs() < 1e-5, "the position the file gave");

    // Only the address and the commune went out, for the four homes without a position.
    let asked = asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 4, "{asked:?}");
    for params in &asked {
        let keys: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["q", "citycode", "limit"]);
        let all = format!("{params:?}");
        for name in ["Lucienne", "Moineau", "Gisèle", "Merle", "René", "Geai", "Rose", "Huppe", "Paul", "Pic"] {
            assert!(!all.contains(name), "{name} was sent: {all}");
        }
    }
    assert!(asked.iter().any(|p| p.contains(&("q".into(), "3 rue des Lilas Civray".into()))
        && p.contains(&("citycode".into(), "86078".into()))));

    // Each home sent is in the audit trail, said as what came back.
    let (_, entries) =
        admin.call("/api/v1/audit/list", json!({ "filter": { "object_kind": "resident", "limit": 50 } })).await;
    let mut told: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "resident.geocode")
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    told.sort();
    assert_eq!(told, ["found", "not_found", "not_found", "pending (service unavailable)"]);

    // The same file again: the located homes do not make it a change.
    let (_, html) = check(&mut ambassador, "residents", file.as_bytes()).await;
    assert!(counts(&html).starts_with("0 à créer · 0 à mettre à jour · 5 inchangée(s)"), "{}", counts(&html));

    // A new address in the file: the home is located again, from there.
    let moved = file.replace("G3;René;Geai;2 rue Haute", "G3;René;Geai;3 rue des Lilas");
    let (id, html) = check(&mut ambassador, "residents", moved.as_bytes()).await;
    assert!(counts(&html).starts_with("0 à créer · 1 à mettre à jour"), "{}", counts(&html));
    apply(&mut ambassador, &id, &hidden(&html, "empreinte"), &[4]).await;
    for _ in 0..200 {
        page = ambassador.get(&format!("/import?essai={id}")).await.text().await.unwrap();
        if page.contains("1 trouvée(s).") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(page.contains("Domiciles à situer d'après leur adresse : 1 — 1 trouvée(s)."), "{page}");
    assert_eq!(at(home("Geai").fetch_one(&mut db).await.unwrap()), at((civray.lat + 0.002, civray.lon + 0.002)));
}

/// Two server processes on one database: the dry run one of them made is found, and applied,
/// through the other (it is stored, not kept in a process's memory).
#[tokio::test]
async fn a_dry_run_is_applied_through_another_server() {
    let app = TestApp::spawn().await;
    let (_admin, mut ambassador) = new_territory(&app).await;
    let (id, html) = check(&mut ambassador, "volunteers", VOLUNTEERS.as_bytes()).await;
    let other = TestApp::spawn_on(&app.db_url).await;
    ambassador.url = other.url.clone();
    assert_eq!(apply(&mut ambassador, &id, &hidden(&html, "empreinte"), &[2, 3]).await, format!("/import?essai={id}"));
    assert_eq!(people(&mut ambassador).await["volunteers"].as_array().unwrap().len(), 2);
}
