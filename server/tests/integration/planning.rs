//! Planning a week through the real HTTP interface: an ambassador previews the engine's plan for
//! their scope (deterministic: the same data gives the same plan), sees it on the planning page,
//! publishes it with the page's form, and a volunteer's phone then pulls the new visits; a
//! stale fingerprint publishes nothing.

use crate::common;

use crate::common::World;
use monalisa_app::domain::{Date, Timestamp};
use serde_json::{Value, json};

fn next_monday() -> Date {
    monalisa_app::api::planning::next_week(Date::from_timestamp(Timestamp(monalisa_app::backend::now_ms())))
}

async fn pull_visits(agent: &mut common::Agent) -> Vec<Value> {
    agent.pull_everything().await.into_iter().filter_map(|c| c.get("visit").cloned()).collect()
}

#[tokio::test]
async fn an_ambassador_plans_and_publishes_the_week() {
    let world = World::new().await;
    let mut ambassador = world.agent("ambassadeur").await;
    let week = next_monday();

    let (status, plan) = ambassador.call("/api/v1/planning/preview", json!({ "week": week })).await;
    assert_eq!(status, 200, "{plan}");
    let due = plan["due"].as_u64().unwrap();
    let rounds = plan["rounds"].as_array().unwrap();
    let planned: usize = rounds.iter().map(|r| r["visits"].as_array().unwrap().len()).sum();
    assert!(due > 0 && planned > 0, "{plan}");
    assert_eq!(planned + plan["unserved"].as_array().unwrap().len(), due as usize);
    let scope_one: Vec<i64> = world.population.volunteers.iter().filter(|v| v.scope.0 == 1).map(|v| v.id.0).collect();
    let mut usual = 0;
    for round in rounds {
        assert!(scope_one.contains(&round["volunteer"].as_i64().unwrap()), "{round}");
        for v in round["visits"].as_array().unwrap() {
            let day = Date::parse(v["day"].as_str().unwrap()).unwrap();
            assert!(week <= day && day <= week.add_days(6), "{v}");
            usual += usize::from(v["usual"] == true);
        }
    }
    assert!(usual > 0, "existing pairs are kept: {plan}");
    for u in plan["unserved"].as_array().unwrap() {
        assert!(["no_volunteer_in_range", "no_common_slot", "no_capacity"].contains(&u["reason"].as_str().unwrap()));
    }
    let (_, again) = ambassador.call("/api/v1/planning/preview", json!({ "week": week })).await;
    assert_eq!(again["fingerprint"], plan["fingerprint"], "the same data gives the same plan");

    // Not a Monday, or too far ahead: a clear error.
    let (status, _) = ambassador.call("/api/v1/planning/preview", json!({ "week": week.add_days(1) })).await;
    assert_eq!(status, 400);
    let (status, _) = ambassador.call("/api/v1/planning/preview", json!({ "week": week.add_days(7 * 20) })).await;
    assert_eq!(status, 400);

    // The ambassador assigns a planned person to another volunteer of the scope: the plan is
    // recomputed around that choice (the person goes to that volunteer, or is listed as not
    // planned, with the reason and the choice); removing the choice puts the plan back.
    let first = &rounds[0]["visits"][0];
    let person = first["resident"].as_i64().unwrap();
    let planned_with = rounds[0]["volunteer"].as_i64().unwrap();
    let other = *scope_one.iter().find(|&&v| v != planned_with).unwrap();
    let lock = |volunteer: String| {
        vec![
            ("semaine".to_string(), week.to_string()),
            ("personne".to_string(), person.to_string()),
            ("benevole".to_string(), volunteer),
        ]
    };
    let fields = lock(other.to_string());
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = ambassador.post_form("/planification/verrou", &fields).await;
    assert_eq!(res.status(), 303);
    let (_, locked) = ambassador.call("/api/v1/planning/preview", json!({ "week": week })).await;
    assert_eq!(locked["locks"].as_array().unwrap().len(), 1, "{locked}");
    let with_other = locked["rounds"].as_array().unwrap().iter().any(|r| {
        r["volunteer"].as_i64() == Some(other)
            && r["visits"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v["resident"].as_i64() == Some(person) && v["locked"] == true)
    });
    let left_out = locked["unserved"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["resident"].as_i64() == Some(person) && !u["locked_to"].is_null());
    assert!(with_other || left_out, "{locked}");
    assert_ne!(locked["fingerprint"], plan["fingerprint"]);
    let fields = lock(String::new());
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(ambassador.post_form("/planification/verrou", &fields).await.status(), 303);
    let (_, unlocked) = ambassador.call("/api/v1/planning/preview", json!({ "week": week })).await;
    assert_eq!(unlocked["fingerprint"], plan["fingerprint"], "back to the same plan");
    // A volunteer of another scope cannot be chosen.
    let foreign = world.population.volunteers.iter().find(|v| v.scope.0 == 2).unwrap().id.0;
    let fields = lock(foreign.to_string());
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(ambassador.post_form("/planification/verrou", &fields).await.status(), 404);

    // The page shows the plan and its publish form.
    let page = ambassador.get(&format!("/planification?semaine={week}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let fingerprint = plan["fingerprint"].as_str().unwrap();
    assert!(html.contains("planned-round") && html.contains(fingerprint), "{html}");
    // Each round has its map over the scope's communes (drawn once).
    assert_eq!(html.matches("data-testid=\"round-map\"").count(), rounds.len());
    assert_eq!(html.matches("id=\"scope-communes\"").count(), 1);
    assert!(html.matches("<path d=\"M").count() >= 2, "the scope's communes are drawn");
    // The same visits day by day.
    let by_day = ambassador.get(&format!("/planification?semaine={week}&vue=jour")).await.text().await.unwrap();
    let rows = |html: &str, table: &str| {
        html.split(&format!("data-testid=\"{table}\""))
            .skip(1)
            .map(|t| t.split("</table>").next().unwrap().matches("<tr").count() - 1)
            .sum::<usize>()
    };
    assert!(by_day.contains("data-testid=\"planned-day\"") && !by_day.contains("data-testid=\"planned-round\""));
    assert_eq!(rows(&by_day, "planned-day"), planned);

    let mut phone = world.agent("benevole").await;
    let in_week = |visits: &[Value]| {
        visits
            .iter()
            .filter(|v| {
                Date::parse(v["day"].as_str().unwrap_or_default()).is_ok_and(|d| week <= d && d <= week.add_days(6))
            })
            .count()
    };

    // A stale fingerprint publishes nothing.
    let res =
        ambassador.post_form("/planification/publier", &[("semaine", &week.to_string()), ("empreinte", "0")]).await;
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"].to_str().unwrap().contains("erreur=change"));

    let res = ambassador
        .post_form("/planification/publier", &[("semaine", &week.to_string()), ("empreinte", fingerprint)])
        .await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.ends_with(&format!("publie={planned}")), "{location}");
    let page = ambassador.get(&location).await.text().await.unwrap();
    assert!(page.contains("planning-published"));

    // The phone gets exactly its visits of the published rounds.
    let me = world.volunteers["benevole"].0;
    let expected: usize = rounds
        .iter()
        .filter(|r| r["volunteer"].as_i64() == Some(me))
        .map(|r| r["visits"].as_array().unwrap().len())
        .sum();
    let after = pull_visits(&mut phone).await;
    let published: Vec<Value> = after.iter().filter(|v| v["status"] != "cancelled").cloned().collect();
    assert_eq!(in_week(&published), expected, "{after:?}");

    // The printed round of that volunteer: the same visits, with what a paper round needs.
    let (status, sheet) =
        ambassador.call("/api/v1/planning/round-sheet", json!({ "volunteer": me, "week": week })).await;
    assert_eq!(status, 200, "{sheet}");
    assert_eq!(sheet["visits"].as_array().unwrap().len(), expected);
    let page =
        ambassador.get(&format!("/planification/feuille?semaine={week}&benevole={me}")).await.text().await.unwrap();
    assert!(expected == 0 || page.contains("round-sheet"), "{page}");

    // The ambassador enters a report for that volunteer (who has no smartphone): recorded once
    // even if the form is sent twice, and it reaches the volunteer's records like their own.
    {
        let first = sheet["visits"].as_array().unwrap().first().expect("the volunteer has visits that week");
        let visit = first["visit"].as_i64().unwrap();
        // A visit of next week has not happened yet: its report is refused, and nothing changes.
        let visit_text = visit.to_string();
        let early = [("id", "0123456789abcdef0123456789abcdef"), ("visite", visit_text.as_str()), ("issue", "done")];
        let res = ambassador.post_form("/planification/saisir", &early).await;
        assert_eq!(res.status(), 400);
        assert_eq!(res.json::<Value>().await.unwrap()["reason"], "day_in_future");
        // It happened today after all (moved by hand on the paper round).
        let mut db = world.app.db().await;
        sqlx::query("UPDATE visits SET day = $1 WHERE id = $2")
            .bind(crate::common::today())
            .bind(visit)
            .execute(&mut db)
            .await
            .unwrap();
        let page = ambassador.get(&format!("/planification/saisie?visite={visit}")).await.text().await.unwrap();
        assert!(page.contains("entry-form"), "{page}");
        let id = page.split("name=\"id\" value=\"").nth(1).unwrap()[..32].to_owned();
        let form = [
            ("id", id.as_str()),
            ("visite", &visit.to_string()),
            ("issue", "done"),
            ("duree", "50"),
            ("humeur", "3"),
            ("souci_food", "1"),
            ("note", "Saisi par l'ambassadeur"),
        ];
        for _ in 0..2 {
            let res = ambassador.post_form("/planification/saisir", &form).await;
            assert_eq!(res.status(), 303);
            assert!(res.headers()["location"].to_str().unwrap().contains("saisi=1"));
        }
        let reports: Vec<Value> =
            phone.pull_everything().await.into_iter().filter_map(|c| c.get("report").cloned()).collect();
        let entered: Vec<&Value> = reports.iter().filter(|r| r["id"] == id.as_str()).collect();
        assert_eq!(entered.len(), 1, "{reports:?}");
        let mut admin = world.agent("admin").await;
        let (_, log) =
            admin.call("/api/v1/audit/list", json!({ "filter": { "object_kind": "report", "limit": 50 } })).await;
        let by_ambassador: Vec<&Value> = log
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "report.enter_for" && e["object_id"] == id.as_str())
            .collect();
        assert_eq!(by_ambassador.len(), 1, "{log}");
    }

    // Another scope's ambassador cannot publish this scope's week (their own plan is recomputed).
    let mut other = world.agent("ambassadeur2").await;
    let res =
        other.post_form("/planification/publier", &[("semaine", &week.to_string()), ("empreinte", fingerprint)]).await;
    assert!(res.headers()["location"].to_str().unwrap().contains("erreur=change"));
}

/// Moving a visit by hand: the ambassador places a planned visit on another day and time with
/// a volunteer. Where the volunteer is free, the plan is redone around it and the check finds
/// nothing; where not (no slot then), the visit is placed anyway, the page lists what it breaks,
/// and publishing sends it to the volunteer's phone as placed.
#[tokio::test]
async fn an_ambassador_moves_a_visit_by_hand() {
    let world = World::new().await;
    let mut ambassador = world.agent("ambassadeur").await;
    let week = next_monday();
    let (_, plan) = ambassador.call("/api/v1/planning/preview", json!({ "week": week })).await;
    assert_eq!(plan["checked"], false);
    // A visit of the round of the `benevole` account's volunteer, whose phone we can look at.
    let volunteer = world.volunteers["benevole"].0;
    let round = plan["rounds"].as_array().unwrap().iter().find(|r| r["volunteer"] == volunteer).expect("a round");
    let visit = &round["visits"][0];
    let person = visit["resident"].as_i64().unwrap().to_string();
    let v = world.app.store.volunteer(monalisa_app::domain::VolunteerId(volunteer)).await.unwrap().unwrap();
    let place = |day: String, time: String| {
        vec![
            ("semaine".to_string(), week.to_string()),
            ("personne".to_string(), person.clone()),
            ("benevole".to_string(), volunteer.to_string()),
            ("jour".to_string(), day),
            ("heure".to_string(), time),
        ]
    };
    let desk = ambassador.clone();
    let post = |fields: Vec<(String, String)>| {
        let mut a = desk.clone();
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            a.post_form("/planification/verrou", &fields).await
        }
    };

    // A day outside the week, or a time that is not one: sent back with the reason, nothing kept.
    for (day, time) in [(week.add_days(7).to_string(), "10:00".to_string()), (week.to_string(), "25:00".to_string())] {
        let res = post(place(day, time)).await;
        assert_eq!(res.status(), 303);
        assert!(res.headers()["location"].to_str().unwrap().ends_with("erreur=placement"));
    }
    let (_, unchanged) = ambassador.call("/api/v1/planning/preview", json!({ "week": week })).await;
    assert_eq!(unchanged["locks"], json!([]));

    // Where the volunteer has no slot (a Sunday at 6:00): placed anyway, and the check says so.
    let sunday = week.add_days(6);
    assert!(v.availability.iter().all(|s| s.weekday != monalisa_app::domain::Weekday::Sunday || s.start.get() > 360));
    assert_eq!(post(place(sunday.to_string(), "06:00".into())).await.status(), 303);
    let (_, moved) = ambassador.call("/api/v1/planning/preview", json!({ "week": week })).await;
    assert_eq!(moved["checked"], true);
    let placed: Vec<&Value> = moved["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["volunteer"] == volunteer)
        .flat_map(|r| r["visits"].as_array().unwrap())
        .filter(|v| v["resident"].as_i64().unwrap().to_string() == person)
        .collect();
    assert_eq!(placed.len(), 1, "{moved}");
    assert_eq!(
        (placed[0]["day"].as_str(), placed[0]["start"].as_str(), &placed[0]["placed"]),
        (Some(sunday.to_string().as_str()), Some("06:00"), &json!(true))
    );
    let kinds: Vec<&str> = moved["issues"].as_array().unwrap().iter().filter_map(|i| i["kind"].as_str()).collect();
    assert!(kinds.contains(&"no_slot"), "{moved}");
    let page = ambassador.get(&format!("/planification?semaine={week}")).await.text().await.unwrap();
    assert!(page.contains("data-testid=\"plan-issues\"") && page.contains("aucun créneau de disponibilité"), "{page}");
    assert!(page.contains("Placée à la main"));

    // Published as placed: the volunteer's phone gets that visit on Sunday at 6:00.
    let fields = [("semaine", week.to_string()), ("empreinte", moved["fingerprint"].as_str().unwrap().to_owned())];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(ambassador.post_form("/planification/publier", &fields).await.status(), 303);
    let mut phone = world.agent("benevole").await;
    let visits = pull_visits(&mut phone).await;
    assert!(
        visits.iter().any(|v| v["resident"].as_i64().unwrap().to_string() == person
            && v["day"] == sunday.to_string()
            && v["start"] == "06:00"),
        "{visits:?}"
    );

    // Placed where the volunteer is free: the plan keeps that time, the check finds nothing.
    let slot = v.availability.first().unwrap();
    let day = week.add_days(i32::from(slot.weekday.index()));
    assert_eq!(post(place(day.to_string(), slot.start.to_string())).await.status(), 303);
    let (_, fits) = ambassador.call("/api/v1/planning/preview", json!({ "week": week })).await;
    assert_eq!(fits["checked"], true);
    let lock = &fits["locks"][0];
    assert_eq!(lock["at"], json!([day.to_string(), slot.start.to_string()]));
    let issues = fits["issues"].as_array().unwrap();
    let kept = fits["rounds"].as_array().unwrap().iter().flat_map(|r| r["visits"].as_array().unwrap()).any(|v| {
        v["resident"].as_i64().unwrap().to_string() == person
            && v["day"] == day.to_string()
            && v["start"] == slot.start.to_string()
    });
    // The engine keeps the time when the person's hours allow it; if not, the check says why.
    assert!(kept || !issues.is_empty(), "{fits}");
    if kept && issues.is_empty() {
        let page = ambassador.get(&format!("/planification?semaine={week}")).await.text().await.unwrap();
        assert!(page.contains("data-testid=\"plan-checked\""));
    }
}

/// With a routing service configured, the planning page plans with its road times (here a
/// stand-in answering great-circle × 1.3 at 40 km/h) and says so; with the service down, it
/// still plans, with the great-circle estimate, and says that instead.
#[tokio::test]
async fn planning_uses_road_times_when_a_routing_service_is_configured() {
    let (url, requests) = common::osrm_stand_in::start();
    let settings = |url: &str| monalisa_server::osrm::OsrmSettings {
        url: url.to_owned(),
        max_table: common::osrm_stand_in::MAX_TABLE,
        max_speed_kmh: 130.0,
    };
    let world = World::on(common::TestApp::spawn_with_roads(Some(settings(&url))).await).await;
    let mut ambassador = world.agent("ambassadeur").await;
    let week = next_monday();
    let (status, plan) = ambassador.call("/api/v1/planning/preview", json!({ "week": week })).await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["road_times"], true);
    assert!(requests.load(std::sync::atomic::Ordering::SeqCst) > 1, "asked in blocks within the table limit");
    assert!(!plan["rounds"].as_array().unwrap().is_empty());
    let page = ambassador.get(&format!("/planification?semaine={week}")).await.text().await.unwrap();
    assert!(page.contains("par la route"), "{page}");

    let down = World::on(common::TestApp::spawn_with_roads(Some(settings("http://127.0.0.1:9"))).await).await;
    let mut ambassador = down.agent("ambassadeur").await;
    let (status, plan) = ambassador.call("/api/v1/planning/preview", json!({ "week": week })).await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["road_times"], false);
    assert!(!plan["rounds"].as_array().unwrap().is_empty());
}

/// "Je ne peux pas": the declined visit leaves the volunteer's round (their phone drops it),
/// the ambassador's planning page lists it with the volunteer's words, and the person is
/// planned again.
#[tokio::test]
async fn a_declined_visit_reaches_the_ambassador_and_is_planned_again() {
    let world = World::new().await;
    let visit = world.published_visit_of("benevole");
    let today = crate::common::today();
    let mut db = world.app.db().await;
    sqlx::query("UPDATE visits SET day = $1 WHERE id = $2").bind(&today).bind(visit).execute(&mut db).await.unwrap();
    let mut phone = world.agent("benevole").await;
    assert!(phone.pull_everything().await.iter().any(|c| c["visit"]["id"] == visit));
    let decline = json!({ "id": "d".repeat(32), "recorded_at": 0, "body": { "decline_visit": { "visit": visit, "reason": "Rendez-vous médical" } } });
    let (status, answer) = phone
        .call("/api/sync/v1/push", json!({ "request": { "protocol": 1, "sent_at": 0, "mutations": [decline] } }))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["acks"][0]["status"], json!({ "applied": { "flag": null } }), "{answer}");
    let status: String =
        sqlx::query_scalar("SELECT status FROM visits WHERE id = $1").bind(visit).fetch_one(&mut db).await.unwrap();
    assert_eq!(status, "cancelled", "the visit leaves the round");
    assert!(!phone.pull_everything().await.iter().any(|c| c["visit"]["id"] == visit), "the phone drops it");

    let mut ambassador = world.agent("ambassadeur").await;
    let week = Date::parse(&today).unwrap().week_start();
    let (_, plan) = ambassador.call("/api/v1/planning/preview", json!({ "week": week })).await;
    let declined = plan["declined"].as_array().unwrap();
    assert_eq!(declined.len(), 1, "{plan}");
    assert_eq!(
        (declined[0]["visit"].as_i64(), declined[0]["reason"].as_str()),
        (Some(visit), Some("Rendez-vous médical"))
    );
    let page = ambassador.get(&format!("/planification?semaine={week}")).await.text().await.unwrap();
    assert!(page.contains("data-testid=\"declined-visit\"") && page.contains("Rendez-vous médical"), "{page}");
    // The person is among the visits to plan again (planned with someone, or left out with a reason).
    let resident = declined[0]["resident"].as_i64().unwrap();
    let planned = plan["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["visits"].as_array().unwrap().iter().any(|v| v["resident"] == resident));
    let left_out = plan["unserved"].as_array().unwrap().iter().any(|u| u["resident"] == resident);
    assert!(planned || left_out, "{plan}");
}
