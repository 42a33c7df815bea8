//! The coordinators' coverage view through the real HTTP interface: 35 communes with their
//! figures, the same hidden values in the page, the server function's answer and the CSV (no
//! hidden value recoverable by subtraction across communes or months), the CSV as French
//! spreadsheets read it, and no resident's name or address anywhere a coordinator can look.

use crate::common::World;
use serde_json::{Value, json};

fn private_words(world: &World) -> Vec<String> {
    let mut words = Vec::new();
    for r in &world.population.residents {
        words.push(format!("{} {}", r.first_name, r.last_name));
        words.push(r.last_name.clone());
        words.push(r.address.clone());
        words.extend(r.phone.clone());
    }
    words.retain(|w| w.len() >= 4);
    words
}

fn csv_cells(csv: &str) -> Vec<Vec<String>> {
    csv.trim_start_matches('\u{feff}')
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(';').map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn a_coordinator_reviews_coverage_without_names() {
    let world = World::new().await;
    // A published week first, so that the view has the planner's left-out residents.
    let mut ambassador = world.agent("ambassadeur").await;
    let week = monalisa_app::api::planning::next_week(monalisa_app::domain::Date::from_timestamp(
        monalisa_app::domain::Timestamp(monalisa_app::backend::now_ms()),
    ));
    let (_, plan) = ambassador.call("/api/v1/planning/preview", json!({ "week": week })).await;
    let fields = [("semaine", week.to_string()), ("empreinte", plan["fingerprint"].as_str().unwrap().to_owned())];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(ambassador.post_form("/planification/publier", &fields).await.status(), 303);

    let mut coordinator = world.agent("coordination").await;
    let (status, view) = coordinator.call("/api/v1/coverage/view", json!({ "from": null, "to": null })).await;
    assert_eq!(status, 200, "{view}");
    let rows = view["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 35);
    assert_eq!(view["map"].as_array().unwrap().len(), 35);
    assert_eq!(view["weekly_visits"].as_array().unwrap().len(), 52);
    assert_eq!(view["monthly_on_time"].as_array().unwrap().len(), 12);
    // The territory's figures: every resident followed counted once.
    let followed_now = world
        .population
        .residents
        .iter()
        .filter(|r| !matches!(r.follow_up, monalisa_app::domain::FollowUp::Ended { .. }))
        .count() as u64;
    let territory = &view["territory"];
    assert!(territory["followed"].as_u64().unwrap() >= followed_now, "{territory}");
    assert!(territory["visits"].as_u64().unwrap() > 0);
    let unserved: u64 =
        ["unserved_range", "unserved_slot", "unserved_capacity"].iter().filter_map(|k| territory[*k].as_u64()).sum();
    assert_eq!(
        unserved as usize,
        plan["unserved"].as_array().unwrap().len(),
        "the published week's left-out residents"
    );

    // Across communes, a hidden value never stands alone next to a shown territory total.
    for key in ["followed", "visits", "with_due", "overdue", "raised", "acknowledged", "resolved"] {
        let hidden = rows.iter().filter(|r| r[key].is_null()).count();
        assert!(hidden != 1 || territory[key].is_null(), "{key}: one hidden commune");
        for r in rows {
            if let Some(n) = r[key].as_u64() {
                assert!(n == 0 || n >= 3, "{key} = {n} shown");
            }
        }
    }

    // The page: the map's 35 communes, the table, the CSV link; no names.
    let html = coordinator.get("/coordination").await.text().await.unwrap();
    assert_eq!(html.matches("data-insee=").count() - html.matches("data-testid=\"commune-row\"").count(), 35);
    assert_eq!(html.matches("data-testid=\"commune-row\"").count(), 35);
    assert!(html.contains("data-testid=\"csv-link\""));

    // The CSV: BOM, `;`, CRLF, French headers, one line per commune and month plus the territory.
    let res = coordinator.get("/coordination/indicateurs.csv").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"monalisa-indicateurs-")
    );
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with("\u{feff}Commune;Code INSEE;Mois;Début du mois;Personnes suivies;Visites faites;"));
    assert!(!csv.replace("\r\n", "").contains('\n'), "CRLF line ends only");
    let cells = csv_cells(&csv);
    assert_eq!(cells.len(), 1 + 35 * 12 + 12);
    assert!(cells.iter().all(|l| l.len() == cells[0].len()));
    let share_col = cells[0].iter().position(|h| h == "Part vue à l'heure (%)").unwrap();
    assert!(cells[1..].iter().any(|l| l[share_col].contains(',')), "decimal commas");
    assert!(cells[1..].iter().all(|l| !l[share_col].contains('.')));
    assert!(cells[1..].iter().all(|l| monalisa_app::domain::Date::parse(&l[3]).is_ok()), "dates as YYYY-MM-DD");
    // The period's medians, on every line of a commune: empty (too few people) or a number
    // with a decimal comma, the same for each of the commune's months.
    for header in [
        "Heures avant prise en charge (médiane de la période)",
        "Jours de l'orientation à la première visite (médiane de la période)",
        "Durée des binômes en mois (médiane de la période)",
    ] {
        let col = cells[0].iter().position(|h| h == header).unwrap_or_else(|| panic!("no column {header}"));
        for l in &cells[1..] {
            let v = &l[col];
            assert!(v.is_empty() || v.replace(',', ".").parse::<f64>().is_ok(), "{header}: {v}");
        }
        for pair in cells[1..35 * 12 + 1].chunks(12) {
            assert!(pair.iter().all(|l| l[col] == pair[0][col]), "{header}: one value per commune");
        }
    }
    let binomes = cells[0].iter().position(|h| h == "Durée des binômes en mois (médiane de la période)").unwrap();
    assert!(cells[1..].iter().any(|l| l[binomes].contains(',')), "the demo's binômes have a median");
    // Per month, the communes' visits and the territory's: never a single "< 3" to subtract;
    // per commune, its months against the page's total for the period: the same.
    let visits_col = cells[0].iter().position(|h| h == "Visites faites").unwrap();
    let months: Vec<String> = cells[1..13].iter().map(|l| l[2].clone()).collect();
    for month in &months {
        let column: Vec<&Vec<String>> = cells[1..].iter().filter(|l| &l[2] == month).collect();
        let hidden = column.iter().filter(|l| l[visits_col] == "< 3").count();
        assert_ne!(hidden, 1, "{month}");
    }
    for row in rows {
        let insee = row["insee"].as_str().unwrap();
        let hidden_months = cells[1..].iter().filter(|l| l[1] == insee && l[visits_col] == "< 3").count();
        assert!(hidden_months != 1 || row["visits"].is_null(), "{insee}");
    }

    // No name, address or phone anywhere the coordinator can look.
    let (_, view_again) = coordinator.call("/api/v1/coverage/view", json!({ "from": null, "to": null })).await;
    let everything = format!("{html}\n{view_again}\n{csv}");
    for word in private_words(&world) {
        assert!(!everything.contains(&word), "{word:?} leaked to the coordinator");
    }

    // A bad period: a clear error.
    for (from, to) in [("2026-13", "2026-11"), ("2026-11", "2026-01"), ("2020-01", "2026-11")] {
        let (status, body) = coordinator.call("/api/v1/coverage/view", json!({ "from": from, "to": to })).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid")), "{from} {to}: {body}");
    }
    let one: Value = coordinator.call("/api/v1/coverage/view", json!({ "from": "2026-10", "to": "2026-10" })).await.1;
    assert_eq!(one["from"], one["to"]);
}
