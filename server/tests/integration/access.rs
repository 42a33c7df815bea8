//! The authorization matrix: the route table and the routes the server answers are the same
//! set; then every route is called as anonymous, a volunteer, another scope's volunteer, an
//! ambassador, another scope's ambassador, a coordinator and an admin, with real object ids
//! from two scopes, and the status rule is checked: 401 when not logged in, 403 when the role
//! may not use the route, 404 when the object is outside the caller's scope.

use crate::common::{Agent, World};
use monalisa_app::App;
use monalisa_app::auth::{Access, Role, RouteKind};
use monalisa_app::routes::ROUTES;
use serde_json::{Value, json};
use std::collections::BTreeSet;

#[test]
fn the_route_table_is_exactly_what_the_server_answers() {
    let declared_pages: BTreeSet<String> =
        ROUTES.iter().filter(|r| r.kind == RouteKind::Page).map(|r| r.path.to_owned()).collect();
    let served_pages: BTreeSet<String> =
        leptos_axum::generate_route_list(App).into_iter().map(|r| r.path().to_owned()).collect();
    assert_eq!(declared_pages, served_pages, "pages: route table vs router");

    let declared_fns: BTreeSet<(String, String)> = ROUTES
        .iter()
        .filter(|r| r.kind == RouteKind::ServerFn)
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    let served_fns: BTreeSet<(String, String)> =
        leptos::server_fn::axum::server_fn_paths().map(|(p, m)| (m.to_string(), p.to_owned())).collect();
    assert_eq!(declared_fns, served_fns, "server functions: route table vs registered");
}

/// The week an ambassador plans by default.
fn next_monday() -> String {
    let today =
        monalisa_app::domain::Date::from_timestamp(monalisa_app::domain::Timestamp(monalisa_app::backend::now_ms()));
    monalisa_app::api::planning::next_week(today).to_string()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Actor {
    Anonymous,
    Volunteer,
    OtherVolunteer,
    Ambassador,
    OtherAmbassador,
    Coordinator,
    Admin,
}

impl Actor {
    const ALL: [Actor; 7] = [
        Actor::Anonymous,
        Actor::Volunteer,
        Actor::OtherVolunteer,
        Actor::Ambassador,
        Actor::OtherAmbassador,
        Actor::Coordinator,
        Actor::Admin,
    ];

    fn login(self) -> Option<&'static str> {
        match self {
            Actor::Anonymous => None,
            Actor::Volunteer => Some("benevole"),
            Actor::OtherVolunteer => Some("benevole2"),
            Actor::Ambassador => Some("ambassadeur"),
            Actor::OtherAmbassador => Some("ambassadeur2"),
            Actor::Coordinator => Some("coordination"),
            Actor::Admin => Some("admin"),
        }
    }

    fn role(self) -> Option<Role> {
        match self {
            Actor::Anonymous => None,
            Actor::Volunteer | Actor::OtherVolunteer => Some(Role::Volunteer),
            Actor::Ambassador | Actor::OtherAmbassador => Some(Role::Ambassador),
            Actor::Coordinator => Some(Role::Coordinator),
            Actor::Admin => Some(Role::Admin),
        }
    }

    /// In scope 1 (where the objects of the calls live), when scope applies to the role.
    fn in_scope_one(self) -> bool {
        matches!(self, Actor::Volunteer | Actor::Ambassador | Actor::Admin)
    }
}

/// What an allowed caller gets from a route called on scope 1's objects.
enum Expect {
    Ok,
    /// Success only within the caller's scope, 404 outside (admins see all).
    Scoped,
    /// A route-specific answer for callers the rule lets through (e.g. a bad token).
    Status(u16),
    /// A form post answered with a redirect within the caller's scope, 404 outside.
    ScopedRedirect,
}

/// How to call a route, and what an allowed caller should get.
async fn call(world: &World, agent: &mut Agent, actor: Actor, path: &str, method: &str) -> (u16, Expect) {
    let u = |login: &str| world.users[login].0;
    let target_device = world
        .app
        .store
        .devices_of(world.users["cible"])
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.revoked_at.is_none())
        .map(|d| d.id.0);
    let resident = world.resident_of("benevole").0;
    let (body, expect) = match path {
        "/api/v1/territory" => return (agent.get_json("/api/v1/territory").await, Expect::Ok),
        "/api/v1/status" => (json!({}), Expect::Ok),
        // A different unknown login per caller: failed logins are throttled per account.
        "/api/v1/login" => {
            let login = format!("personne-{actor:?}").to_lowercase();
            (json!({ "login": login, "password": "faux-mot-de-passe", "device_label": "x" }), Expect::Status(401))
        }
        "/api/v1/logout" => (json!({}), Expect::Ok),
        "/api/v1/session" => (json!({}), Expect::Ok),
        "/api/v1/enrolment/info" => (json!({ "token": "pas-un-jeton" }), Expect::Status(401)),
        "/api/v1/enrolment/complete" => {
            (json!({ "token": "pas-un-jeton", "password": "assez-long", "device_label": "x" }), Expect::Status(401))
        }
        "/api/v1/accounts/list" | "/api/v1/accounts/candidates" => (json!({}), Expect::Ok),
        "/api/v1/accounts/create" => {
            // A scope-1 volunteer without an account, different for each call.
            let (_, body) = world.agent("admin").await.call("/api/v1/accounts/candidates", json!({})).await;
            let volunteer = body.as_array().unwrap().iter().find_map(|c| {
                c["Volunteer"]["id"]
                    .as_i64()
                    .filter(|id| world.population.volunteers.iter().any(|v| v.id.0 == *id && v.scope.0 == 1))
            });
            let login = format!("nouveau-{:?}", actor).to_lowercase();
            (json!({ "login": login, "person": { "Volunteer": volunteer.unwrap() } }), Expect::Scoped)
        }
        "/api/v1/accounts/get" | "/api/v1/accounts/enrolment-link" => (json!({ "id": u("cible") }), Expect::Scoped),
        "/api/v1/accounts/set-disabled" => (json!({ "id": u("cible"), "disabled": false }), Expect::Scoped),
        "/api/v1/devices/revoke" => (json!({ "id": target_device.unwrap() }), Expect::Scoped),
        "/api/v1/audit/list" => (json!({ "filter": { "limit": 10 } }), Expect::Ok),
        "/api/v1/residents/card" => (json!({ "id": resident }), Expect::Scoped),
        "/api/v1/review/list" => (json!({}), Expect::Ok),
        "/api/v1/planning/preview" => (json!({ "week": next_monday() }), Expect::Ok),
        "/api/v1/concerns/list" => (json!({}), Expect::Ok),
        "/api/v1/accounts/alert-email" => (json!({ "id": u("ambassadeur") }), Expect::Ok),
        "/comptes/courriel" => {
            // Removing an address that is not there.
            let account = u("ambassadeur2").to_string();
            let res = agent.post_form(path, &[("compte", &account), ("courriel", "")]).await;
            return (res.status().as_u16(), Expect::Status(303));
        }
        "/api/v1/setup/view" => (json!({}), Expect::Ok),
        "/territoire/secteur" => {
            // A name too short: refused and said on the page, nothing created.
            let res = agent.post_form(path, &[("nom", "x")]).await;
            return (res.status().as_u16(), Expect::Status(303));
        }
        "/territoire/commune" => {
            // A commune outside the territory: refused, nothing changed.
            let res = agent.post_form(path, &[("commune", "99999"), ("secteur", "1")]).await;
            return (res.status().as_u16(), Expect::Status(303));
        }
        "/territoire/ambassadeur" => {
            // No name: refused, nobody recorded.
            let fields = [("prenom", ""), ("nom", ""), ("telephone", "0549000000")];
            return (agent.post_form(path, &fields).await.status().as_u16(), Expect::Status(303));
        }
        "/territoire/rattachement" => {
            // An ambassador that does not exist: refused.
            let res = agent.post_form(path, &[("ambassadeur", "999999"), ("secteur", "1")]).await;
            return (res.status().as_u16(), Expect::Status(303));
        }
        "/api/v1/import/view" => (json!({ "essai": null, "english": false }), Expect::Ok),
        "/import/essai" => {
            // A file without the columns it needs: refused on the page, nothing kept.
            let res = agent.post_file(path, &[("type", "residents")], ("fichier", "x.csv", b"Nom\nA\n")).await;
            return (res.status().as_u16(), Expect::Status(422));
        }
        "/import/appliquer" => {
            // No such dry run: refused on the page, nothing written.
            let res = agent.post_form(path, &[("essai", "999999"), ("empreinte", "00")]).await;
            return (res.status().as_u16(), Expect::Status(422));
        }
        "/api/v1/coverage/view" => (json!({}), Expect::Ok),
        "/coordination/indicateurs.csv" => return (agent.get(path).await.status().as_u16(), Expect::Ok),
        "/api/v1/people/list" => (json!({}), Expect::Ok),
        "/api/v1/people/resident" => (json!({ "id": resident }), Expect::Scoped),
        "/api/v1/people/volunteer" => (json!({ "id": world.volunteers["benevole"].0 }), Expect::Scoped),
        "/api/v1/people/dossier" => (json!({ "id": resident }), Expect::Scoped),
        "/personnes/dossier" | "/personnes/dossier.json" => {
            return (agent.get(&format!("{path}?id={resident}")).await.status().as_u16(), Expect::Scoped);
        }
        "/personnes/retrait" => {
            // Not confirmed: refused before anything is erased.
            let id = resident.to_string();
            return (agent.post_form(path, &[("id", &id)]).await.status().as_u16(), Expect::Status(400));
        }
        "/personnes/domicile" => {
            // No point chosen (the keyboard's Enter on the map): back to the page, nothing moves.
            let id = resident.to_string();
            let fields = [("id", id.as_str()), ("carte.x", "0"), ("carte.y", "0")];
            return (agent.post_form(path, &fields).await.status().as_u16(), Expect::ScopedRedirect);
        }
        "/api/v1/people/handover" => (json!({ "id": world.volunteers["benevole"].0 }), Expect::Scoped),
        "/benevoles/relais" => {
            let path = format!("/benevoles/relais?id={}", world.volunteers["benevole"].0);
            return (agent.get(&path).await.status().as_u16(), Expect::Scoped);
        }
        "/benevoles/relayer" => {
            // Nobody handed over, not made inactive: nothing changes.
            let id = world.volunteers["benevole"].0.to_string();
            return (agent.post_form(path, &[("id", &id)]).await.status().as_u16(), Expect::ScopedRedirect);
        }
        "/benevoles/secteur" => {
            // Not confirmed: refused before anything moves.
            let id = world.volunteers["benevole"].0.to_string();
            return (
                agent.post_form(path, &[("id", &id), ("secteur", "2")]).await.status().as_u16(),
                Expect::Status(400),
            );
        }
        "/benevoles/absence" => {
            // An absence ending before it starts: refused on the page, nothing recorded.
            let id = world.volunteers["benevole"].0.to_string();
            let fields = [("id", id.as_str()), ("action", "ajouter"), ("du", "2026-12-10"), ("au", "2026-12-01")];
            return (agent.post_form(path, &fields).await.status().as_u16(), Expect::Status(303));
        }
        "/personnes/recherche" => {
            // A search: the people page again, filtered; nothing changes.
            let res = agent.post_form(path, &[("nom", "zzz-nobody"), ("en_retard", "1")]).await;
            return (res.status().as_u16(), Expect::Status(200));
        }
        "/personnes/enregistrer" | "/benevoles/enregistrer" => {
            // An empty form: sent back with its error, nothing saved.
            return (agent.post_form(path, &[("id", "")]).await.status().as_u16(), Expect::Status(422));
        }
        "/a-verifier/enregistrer" => {
            // No such set-aside push, in any scope.
            let fields = [("type", "envoi"), ("id", "0123456789abcdef0123456789abcdef")];
            return (agent.post_form(path, &fields).await.status().as_u16(), Expect::Status(404));
        }
        "/a-verifier/vu" => {
            // No such flagged report, in any scope.
            let fields = [("type", "rapport"), ("id", "0123456789abcdef0123456789abcdef")];
            return (agent.post_form(path, &fields).await.status().as_u16(), Expect::Status(404));
        }
        "/signalements/suivi" => {
            // No such concern, in any scope.
            let fields = [("rapport", "0123456789abcdef0123456789abcdef"), ("type", "fall"), ("etape", "acknowledge")];
            return (agent.post_form(path, &fields).await.status().as_u16(), Expect::Status(404));
        }
        "/api/v1/planning/round-sheet" => {
            (json!({ "volunteer": world.volunteers["benevole"].0, "week": next_monday() }), Expect::Scoped)
        }
        "/planification/publier" => {
            // A stale fingerprint: the page is sent back with a notice, nothing is published.
            let res = agent.post_form(path, &[("semaine", &next_monday()), ("empreinte", "0000")]).await;
            return (res.status().as_u16(), Expect::Status(303));
        }
        "/api/sync/v1/push" => (json!({ "request": { "protocol": 1, "sent_at": 0, "mutations": [] } }), Expect::Ok),
        "/api/sync/v1/pull" => (json!({ "request": { "protocol": 1, "cursor": null, "limit": 10 } }), Expect::Ok),
        "/planification/verrou" => {
            // Removing a lock that is not there: harmless, and says whether the resident is in scope.
            let resident = resident.to_string();
            let res =
                agent.post_form(path, &[("semaine", &next_monday()), ("personne", &resident), ("benevole", "")]).await;
            return (res.status().as_u16(), Expect::ScopedRedirect);
        }
        "/api/v1/planning/visit-entry" => (json!({ "visit": world.published_visit_of("benevole") }), Expect::Scoped),
        "/planification/saisie" => {
            let path = format!("/planification/saisie?visite={}", world.published_visit_of("benevole"));
            return (agent.get(&path).await.status().as_u16(), Expect::Scoped);
        }
        "/planification/saisir" => {
            // Without an outcome: refused before anything is recorded.
            let visit = world.published_visit_of("benevole").to_string();
            let res = agent
                .post_form(path, &[("id", "0123456789abcdef0123456789abcdef"), ("visite", &visit), ("issue", "")])
                .await;
            return (res.status().as_u16(), Expect::Status(400));
        }
        "/planification/feuille" => {
            let path = format!("/planification/feuille?benevole={}", world.volunteers["benevole"].0);
            return (agent.get(&path).await.status().as_u16(), Expect::Scoped);
        }
        "/comptes/{id}" => {
            return (agent.get(&format!("/comptes/{}", u("cible"))).await.status().as_u16(), Expect::Scoped);
        }
        "/lang/{code}" => {
            let res = agent.get("/lang/fr?to=/").await;
            return (res.status().as_u16(), Expect::Status(303));
        }
        "/pkg/{*path}" => {
            return (agent.get("/pkg/monalisa-0123456789.js").await.status().as_u16(), Expect::Ok);
        }
        "/icons/{*path}" => {
            return (agent.get("/icons/icon-192.png").await.status().as_u16(), Expect::Ok);
        }
        page if method == "GET" => return (agent.get(page).await.status().as_u16(), Expect::Ok),
        other => panic!("no call defined for {method} {other}: add it to the matrix"),
    };
    let (status, answer) = agent.call(path, body).await;
    if status == 401 || status == 403 {
        // The status rule's codes are distinct and stable.
        let code = answer["code"].as_str().unwrap_or_default();
        assert!(
            ["not_logged_in", "forbidden", "invalid_credentials", "link_invalid"].contains(&code),
            "{path} as {actor:?}: {answer}"
        );
    }
    (status, expect)
}

#[tokio::test]
async fn every_route_for_every_actor() {
    let world = World::new().await;
    // The target account has a device to revoke (one per allowed revocation).
    for _ in 0..3 {
        world.agent("cible").await;
    }
    let mut failures = Vec::new();
    for actor in Actor::ALL {
        let mut agent = match actor.login() {
            Some(login) => world.agent(login).await,
            None => Agent::new(&world.app),
        };
        for spec in ROUTES {
            let (status, expect) = call(&world, &mut agent, actor, spec.path, spec.method).await;
            let expected = match (spec.access, actor.role()) {
                (Access::Public, _) => match expect {
                    Expect::Status(s) => s,
                    _ => 200,
                },
                (_, None) => 401,
                (access, Some(role)) if !access.allows(role) => 403,
                _ => match expect {
                    Expect::Ok => 200,
                    Expect::Scoped if actor.in_scope_one() => 200,
                    Expect::Scoped => 404,
                    Expect::ScopedRedirect if actor.in_scope_one() => 303,
                    Expect::ScopedRedirect => 404,
                    Expect::Status(s) => s,
                },
            };
            if status != expected {
                failures.push(format!("{} {} as {actor:?}: got {status}, expected {expected}", spec.method, spec.path));
            }
            if spec.path == "/api/v1/logout" && actor.login().is_some() {
                agent = world.agent(actor.login().unwrap_or_default()).await;
            }
        }
    }
    assert!(failures.is_empty(), "status rule broken:\n{}", failures.join("\n"));
}

#[tokio::test]
async fn a_volunteer_gets_exactly_the_card_fields() {
    let world = World::new().await;
    let mut agent = world.agent("benevole").await;
    let (status, card) = agent.call("/api/v1/residents/card", json!({ "id": world.resident_of("benevole").0 })).await;
    assert_eq!(status, 200, "{card}");
    let fields: Vec<&str> = card.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        fields,
        [
            "access_notes",
            "address",
            "approximate",
            "commune_name",
            "first_name",
            "home",
            "id",
            "last_name",
            "last_visit",
            "likes",
            "next_due",
            "phone",
            "rhythm"
        ],
        "a volunteer's card holds what is needed at the door, nothing more (no isolation level, consent, other volunteer)"
    );
    let home: Vec<&str> = card["home"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(home, ["lat", "lon"]);
    if let Value::Object(last) = &card["last_visit"] {
        assert_eq!(last.keys().map(String::as_str).collect::<Vec<_>>(), ["day", "outcome"]);
    }
    // Another scope's resident is "not found" for this volunteer, and also for a resident of
    // the same scope followed by someone else.
    for other in [world.resident_of("benevole2"), world.resident_of("cible")] {
        let (status, body) = agent.call("/api/v1/residents/card", json!({ "id": other.0 })).await;
        assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    }
}
