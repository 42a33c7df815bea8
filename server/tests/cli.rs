//! The `monalisa` binary as an operator uses it.

use std::process::{Command, Stdio};

fn monalisa() -> Command {
    Command::new(env!("CARGO_BIN_EXE_monalisa"))
}

#[test]
fn demo_data_fills_a_new_database_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
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
    let site = {
        #[path = "common/mod.rs"]
        #[allow(dead_code)]
        mod common;
        common::test_site(dir.path())
    };
    let url = format!("sqlite://{}", dir.path().join("serve.db").display());
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
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
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
    let url = format!("sqlite://{}", dir.path().join("users.db").display());
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
