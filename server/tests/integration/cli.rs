//! The `monalisa` binary as an operator uses it.

use crate::common;

use std::process::{Command, Stdio};

fn monalisa() -> Command {
    Command::new(env!("CARGO_BIN_EXE_monalisa"))
}

#[test]
fn demo_data_fills_a_new_database_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::common::fresh_database_blocking(dir.path(), "demo");
    let out = monalisa()
        .args(["demo-data", "--seed", "3", "--scale", "2", "--today", "2026-11-25", "--database-url", &url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("4 scopes") && stdout.contains("residents"), "{stdout}");

    let again = monalisa().args(["demo-data", "--database-url", &url]).output().unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a population"));

    let bad = monalisa().args(["demo-data", "--today", "2026-02-30", "--database-url", &url]).output().unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--today"));
}

#[test]
fn serve_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let site = common::test_site(dir.path());
    let url = crate::common::fresh_database_blocking(dir.path(), "serve");
    let mut child = monalisa()
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url", &url, "--site-root"])
        .arg(&site)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut line).unwrap();
    assert!(line.starts_with("Monalisa Visites: http://127.0.0.1:"), "{line}");
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
}

#[test]
fn missing_site_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::common::fresh_database_blocking(dir.path(), "x");
    let out = monalisa()
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url", &url, "--site-root", "/nonexistent"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("make build"));
}

#[test]
fn user_commands_manage_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let url = crate::common::fresh_database_blocking(dir.path(), "users");
    let run = |args: &[&str]| {
        let out = monalisa()
            .arg("user")
            .args(args)
            .args(["--database-url", &url, "--public-url", "https://visites.example.org"])
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, out, err) = run(&["add", "--login", "Claire.Admin", "--role", "admin", "--name", "Claire Martin"]);
    assert!(ok, "{err}");
    assert!(out.contains("created account claire.admin (admin"), "{out}");
    assert!(out.contains("https://visites.example.org/inscription#"), "{out}");

    let (ok, _, err) = run(&["add", "--login", "x-benevole", "--role", "volunteer"]);
    assert!(!ok && err.contains("--volunteer-id"), "{err}");
    let (ok, _, err) = run(&["add", "--login", "claire.admin", "--role", "coordinator", "--name", "Autre"]);
    assert!(!ok && err.contains("already taken"), "{err}");
    let (ok, _, err) = run(&["add", "--login", "zz", "--role", "chef", "--name", "Z"]);
    assert!(!ok && err.contains("unknown role"), "{err}");

    let (ok, out, _) = run(&["list"]);
    assert!(ok && out.contains("claire.admin") && out.contains("pending"), "{out}");
    let (ok, out, _) = run(&["disable", "claire.admin"]);
    assert!(ok && out.contains("disabled"), "{out}");
    let (ok, _, err) = run(&["reset-password", "claire.admin"]);
    assert!(!ok && err.contains("disabled"), "{err}");
    let (ok, _, _) = run(&["enable", "claire.admin"]);
    assert!(ok);
    let (ok, out, _) = run(&["reset-password", "claire.admin"]);
    assert!(ok && out.contains("/inscription#"), "{out}");
    let (ok, _, err) = run(&["disable", "personne"]);
    assert!(!ok && err.contains("no account"), "{err}");
}

fn planner_data(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../planner/tests/data").join(name)
}

/// `monalisa plan` on the shared format: the benchmark's own evaluator finds the plans feasible,
/// the check mode agrees, and the same seed and iterations give the same plan.
#[test]
fn plan_writes_plans_the_benchmark_evaluator_accepts() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["team-s1.json", "territory-s1.json"] {
        let instance = planner_data(name);
        let out = dir.path().join(format!("{name}.plan.json"));
        let run = |out: &std::path::Path| {
            let status = monalisa()
                .args(["plan", "--iterations", "2000", "--seed", "5", "--instance"])
                .arg(&instance)
                .arg("--out")
                .arg(out)
                .status()
                .unwrap();
            assert!(status.success(), "{name}");
        };
        run(&out);
        let evaluated =
            Command::new("python3").arg(planner_data("evaluate.py")).arg(&instance).arg(&out).output().unwrap();
        let line = String::from_utf8_lossy(&evaluated.stdout);
        assert!(evaluated.status.success(), "{name}: {line}");
        let report: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
        assert_eq!(report["feasible"], true, "{line}");
        assert!(report["served"].as_u64().unwrap() > 0, "{line}");

        let checked = monalisa().args(["plan", "--instance"]).arg(&instance).arg("--check").arg(&out).output().unwrap();
        assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
        let check: serde_json::Value = serde_json::from_slice(&checked.stdout).unwrap();
        assert_eq!(check["violations"], serde_json::json!([]));
        assert_eq!(check["priority_served"], report["priority_served"]);
        assert_eq!(check["travel_s"], report["travel_s"]);

        let again = dir.path().join(format!("{name}.again.json"));
        run(&again);
        let routes = |p: &std::path::Path| {
            serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(p).unwrap()).unwrap()["routes"].clone()
        };
        assert_eq!(routes(&out), routes(&again), "{name}: same seed, same plan");
    }
}

#[test]
fn plan_rejects_bad_input_and_reports_violations() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"format": "monalisa-plan-instance/1", "name": "x", "travel": {"model": "osrm", "detour_factor": 1.3, "speed_kmh": 40}, "shifts": [], "visits": []}"#).unwrap();
    let out =
        monalisa().args(["plan", "--instance"]).arg(&bad).arg("--out").arg(dir.path().join("o.json")).output().unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("travel model \"osrm\""),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.path().join("o.json").exists());

    // A hand-edited plan that puts one visit twice.
    let instance = planner_data("team-s1.json");
    let text = std::fs::read_to_string(&instance).unwrap();
    let inst: serde_json::Value = serde_json::from_str(&text).unwrap();
    let (shift, volunteer, visit) =
        (&inst["shifts"][0]["id"], &inst["shifts"][0]["volunteer"], &inst["visits"][0]["id"]);
    let plan = serde_json::json!({"format": "monalisa-plan-solution/1", "instance": "team-s1", "solver": "hand", "solve_ms": 0,
        "routes": [{"shift": shift, "volunteer": volunteer, "visits": [{"visit": visit, "start_s": 0}, {"visit": visit, "start_s": 0}]}],
        "unassigned": []});
    let edited = dir.path().join("edited.json");
    std::fs::write(&edited, plan.to_string()).unwrap();
    let out = monalisa().args(["plan", "--instance"]).arg(&instance).arg("--check").arg(&edited).output().unwrap();
    assert!(!out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> =
        report["violations"].as_array().unwrap().iter().map(|v| v["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"visit_twice") && kinds.contains(&"unassigned_wrong"), "{kinds:?}");
}

/// With a road-table service configured, travel comes from it: here the stand-in answers the
/// benchmark's own model, so the evaluator (which computes great-circle times) must accept the
/// plan, and the requests respect the service's table limit.
#[test]
fn plan_takes_travel_times_from_an_osrm_table_service() {
    let (url, count) = common::osrm_stand_in::start();
    let dir = tempfile::tempdir().unwrap();
    let instance = planner_data("team-s1.json");
    let out = dir.path().join("plan.json");
    let run = monalisa()
        .args(["plan", "--iterations", "500", "--osrm", &url, "--osrm-max-table"])
        .arg(common::osrm_stand_in::MAX_TABLE.to_string())
        .arg("--instance")
        .arg(&instance)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    // 30 visits and 6 homes: 36 distinct places, blocks of 10 → 4 × 4 requests.
    assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 16);
    let evaluated = Command::new("python3").arg(planner_data("evaluate.py")).arg(&instance).arg(&out).output().unwrap();
    assert!(evaluated.status.success(), "{}", String::from_utf8_lossy(&evaluated.stdout));

    // A service that refuses (its table limit exceeded) and one that is not there: clear errors.
    let too_big = monalisa()
        .args(["plan", "--iterations", "10", "--osrm", &url, "--osrm-max-table", "50", "--instance"])
        .arg(&instance)
        .arg("--out")
        .arg(dir.path().join("x.json"))
        .output()
        .unwrap();
    assert!(!too_big.status.success());
    assert!(
        String::from_utf8_lossy(&too_big.stderr).contains("TooBig"),
        "{}",
        String::from_utf8_lossy(&too_big.stderr)
    );
    let absent = monalisa()
        .args(["plan", "--iterations", "10", "--osrm", "http://127.0.0.1:9", "--instance"])
        .arg(&instance)
        .arg("--out")
        .arg(dir.path().join("y.json"))
        .output()
        .unwrap();
    assert!(!absent.status.success());
    assert!(String::from_utf8_lossy(&absent.stderr).contains("cannot be reached"));
    assert!(!dir.path().join("x.json").exists() && !dir.path().join("y.json").exists());
}
