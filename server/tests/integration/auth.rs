//! Accounts, sessions and devices through the real HTTP interface on a real database:
//! enrolment links (expiry, single use), two users on one browser, throttling without
//! lockout, revocation and disabling, logout, CSRF, cookies, and the audit trail.

use crate::common::{Agent, PASSWORD, World};
use monalisa_app::backend::EnrolmentPurpose;
use monalisa_app::backend::auth::{new_token, token_hash};
use monalisa_app::domain::Timestamp;
use serde_json::json;

fn token_of(url: &str) -> String {
    url.split_once('#').unwrap().1.to_owned()
}

#[tokio::test]
async fn enrolment_link_is_single_use_and_expires() {
    let world = World::new().await;
    let mut amb = world.agent("ambassadeur").await;
    let (_, candidates) = amb.call("/api/v1/accounts/candidates", json!({})).await;
    let volunteer = candidates[0]["Volunteer"]["id"].as_i64().unwrap();
    let (status, created) = amb
        .call("/api/v1/accounts/create", json!({ "login": "Jeannine.C", "person": { "Volunteer": volunteer } }))
        .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created[0]["login"], "jeannine.c");
    assert_eq!(created[0]["enrolled"], false);
    let url = created[1]["url"].as_str().unwrap();
    assert!(url.starts_with("http://127.0.0.1:3000/inscription#"), "{url}");
    assert!(created[1]["qr_svg"].as_str().unwrap().starts_with("<svg"));
    let token = token_of(url);

    // The same login cannot be taken twice.
    let other = candidates[1]["Volunteer"]["id"].as_i64().unwrap();
    let (status, err) =
        amb.call("/api/v1/accounts/create", json!({ "login": "jeannine.c", "person": { "Volunteer": other } })).await;
    assert_eq!((status, err["code"].as_str(), err["reason"].as_str()), (400, Some("invalid"), Some("taken")));

    // The volunteer opens the link on her phone.
    let mut phone = Agent::new(&world.app);
    let (status, info) = phone.call("/api/v1/enrolment/info", json!({ "token": token })).await;
    assert_eq!(status, 200);
    assert_eq!((info["login"].as_str(), info["reset"].as_bool()), (Some("jeannine.c"), Some(false)));
    let (status, err) = phone
        .call("/api/v1/enrolment/complete", json!({ "token": token, "password": "court", "device_label": "Android" }))
        .await;
    assert_eq!((status, err["reason"].as_str()), (400, Some("too_short")), "a bad password changes nothing");
    let (status, session) = phone
        .call(
            "/api/v1/enrolment/complete",
            json!({ "token": token, "password": "ma phrase secrète", "device_label": "Android" }),
        )
        .await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["role"], "volunteer");
    assert_eq!(phone.call("/api/v1/session", json!({})).await.0, 200, "logged in by the link");

    // Single use.
    let mut again = Agent::new(&world.app);
    let (status, err) = again
        .call("/api/v1/enrolment/complete", json!({ "token": token, "password": "autre phrase", "device_label": "x" }))
        .await;
    assert_eq!((status, err["code"].as_str()), (401, Some("link_invalid")));
    assert_eq!(again.login("jeannine.c", "ma phrase secrète").await.0, 200, "the first password stands");

    // An expired link does nothing.
    let user = world.app.store.user_by_login("jeannine.c").await.unwrap().unwrap();
    let expired = new_token();
    world
        .app
        .store
        .create_enrolment(&token_hash(&expired), user.id, EnrolmentPurpose::Reset, None, Timestamp(0), Timestamp(1))
        .await
        .unwrap();
    let (status, err) = again.call("/api/v1/enrolment/info", json!({ "token": expired })).await;
    assert_eq!((status, err["code"].as_str()), (401, Some("link_invalid")));

    // A new reset link replaces the previous one.
    let (_, first) = amb.call("/api/v1/accounts/enrolment-link", json!({ "id": user.id.0 })).await;
    let (_, second) = amb.call("/api/v1/accounts/enrolment-link", json!({ "id": user.id.0 })).await;
    assert_eq!(second["reset"], true);
    assert_eq!(
        again.call("/api/v1/enrolment/info", json!({ "token": token_of(first["url"].as_str().unwrap()) })).await.0,
        401
    );
    assert_eq!(
        again.call("/api/v1/enrolment/info", json!({ "token": token_of(second["url"].as_str().unwrap()) })).await.0,
        200
    );
}

#[tokio::test]
async fn two_users_on_one_browser_have_separate_devices() {
    let world = World::new().await;
    let mut browser = Agent::new(&world.app);
    assert_eq!(browser.login("benevole", PASSWORD).await.0, 200);
    let first_device = browser.cookies["monalisa_device"].clone();
    assert_eq!(browser.login("cible", PASSWORD).await.0, 200);
    let (_, me) = browser.call("/api/v1/session", json!({})).await;
    assert_eq!(me["user"], world.users["cible"].0, "the session is the second user's");
    let a = world.app.store.devices_of(world.users["benevole"]).await.unwrap();
    let b = world.app.store.devices_of(world.users["cible"]).await.unwrap();
    assert_eq!((a.len(), b.len()), (1, 1));
    assert_ne!(a[0].id, b[0].id, "a device belongs to one user");
    assert_ne!(browser.cookies["monalisa_device"], first_device);

    // The same user logging in again on the same browser keeps the same device.
    assert_eq!(browser.login("cible", PASSWORD).await.0, 200);
    assert_eq!(world.app.store.devices_of(world.users["cible"]).await.unwrap().len(), 1);
}

#[tokio::test]
async fn throttling_never_locks_a_volunteer_out_of_her_own_phone() {
    let world = World::new().await;
    let mut phone = world.agent("benevole").await; // her phone, logged in before the attack
    let forwarded = |agent: &Agent, ip: &str| {
        let mut a = agent.clone();
        a.client = reqwest::Client::builder()
            .default_headers([("x-forwarded-for".parse().unwrap(), ip.parse().unwrap())].into_iter().collect())
            .build()
            .unwrap();
        a
    };
    let mut attacker = forwarded(&Agent::new(&world.app), "203.0.113.9");
    for _ in 0..5 {
        let (status, err) = attacker.login("benevole", "devine").await;
        assert_eq!((status, err["code"].as_str()), (401, Some("invalid_credentials")));
    }
    // The account is now refused to unknown devices, even with the right password...
    let (status, err) = attacker.login("benevole", PASSWORD).await;
    assert_eq!((status, err["code"].as_str()), (429, Some("too_many_attempts")));
    assert_eq!(err["retry_after_minutes"], 15);
    let mut new_phone = forwarded(&Agent::new(&world.app), "198.51.100.7");
    assert_eq!(new_phone.login("benevole", PASSWORD).await.0, 429);
    // ...but her own phone logs in, from the same address as the attacker too.
    assert_eq!(phone.login("benevole", PASSWORD).await.0, 200);
    let mut phone_behind_same_nat = forwarded(&phone, "203.0.113.9");
    assert_eq!(phone_behind_same_nat.login("benevole", PASSWORD).await.0, 200);
    // Other accounts are not affected.
    assert_eq!(new_phone.login("cible", PASSWORD).await.0, 200);

    // An address that fails on many accounts is slowed down for all of them.
    let mut sprayer = forwarded(&Agent::new(&world.app), "192.0.2.50");
    for i in 0..20 {
        sprayer.login(&format!("inconnu{i}"), "x").await;
    }
    assert_eq!(sprayer.login("ambassadeur", PASSWORD).await.0, 429);
    assert_eq!(Agent::new(&world.app).login("ambassadeur", PASSWORD).await.0, 200);

    // Her phone's cookie is no licence to guess: after 10 wrong passwords from it, it waits too.
    for _ in 0..10 {
        assert_eq!(phone.login("benevole", "devine").await.0, 401);
    }
    let (status, err) = phone.login("benevole", PASSWORD).await;
    assert_eq!((status, err["code"].as_str()), (429, Some("too_many_attempts")));
}

#[tokio::test]
async fn revoked_device_and_disabled_account_get_distinct_answers() {
    let world = World::new().await;
    let mut phone = world.agent("benevole").await;
    let mut amb = world.agent("ambassadeur").await;
    let device = world.app.store.devices_of(world.users["benevole"]).await.unwrap()[0].id;
    let (status, detail) = amb.call("/api/v1/devices/revoke", json!({ "id": device.0 })).await;
    assert_eq!(status, 200);
    assert!(detail["devices"][0]["revoked_at"].is_number());
    let (status, err) = phone.call("/api/v1/session", json!({})).await;
    assert_eq!((status, err["code"].as_str()), (401, Some("device_revoked")));
    // The same browser can log in again: it becomes a new device.
    assert_eq!(phone.login("benevole", PASSWORD).await.0, 200);
    assert_eq!(phone.call("/api/v1/session", json!({})).await.0, 200);
    assert_eq!(world.app.store.devices_of(world.users["benevole"]).await.unwrap().len(), 2);

    let (status, _) =
        amb.call("/api/v1/accounts/set-disabled", json!({ "id": world.users["benevole"].0, "disabled": true })).await;
    assert_eq!(status, 200);
    let (status, err) = phone.call("/api/v1/session", json!({})).await;
    assert_eq!((status, err["code"].as_str()), (401, Some("account_disabled")));
    let (status, err) = Agent::new(&world.app).login("benevole", PASSWORD).await;
    assert_eq!((status, err["code"].as_str()), (401, Some("account_disabled")));
    let (status, err) = amb.call("/api/v1/accounts/enrolment-link", json!({ "id": world.users["benevole"].0 })).await;
    assert_eq!((status, err["code"].as_str()), (401, Some("account_disabled")));
    amb.call("/api/v1/accounts/set-disabled", json!({ "id": world.users["benevole"].0, "disabled": false })).await;
    assert_eq!(Agent::new(&world.app).login("benevole", PASSWORD).await.0, 200);

    // An admin cannot disable their own account (no lockout of the last admin by mistake).
    let mut admin = world.agent("admin").await;
    let (status, _) =
        admin.call("/api/v1/accounts/set-disabled", json!({ "id": world.users["admin"].0, "disabled": true })).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn logout_ends_the_session_and_clears_the_cookie() {
    let world = World::new().await;
    let mut phone = world.agent("benevole").await;
    let stolen = phone.cookies.clone();
    assert_eq!(phone.call("/api/v1/logout", json!({})).await.0, 200);
    assert!(!phone.cookies.contains_key("monalisa_session"));
    let mut replay = Agent::new(&world.app);
    replay.cookies = stolen;
    let (status, err) = replay.call("/api/v1/session", json!({})).await;
    assert_eq!((status, err["code"].as_str()), (401, Some("not_logged_in")), "an ended session is dead");
}

#[tokio::test]
async fn cookies_are_http_only_same_site_and_secure_over_https() {
    let world = World::new().await;
    let res = world
        .app
        .client
        .post(format!("{}/api/v1/login", world.app.url))
        .header("x-forwarded-proto", "https")
        .json(&json!({ "login": "benevole", "password": PASSWORD, "device_label": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookies: Vec<&str> = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    assert_eq!(cookies.len(), 2);
    for c in &cookies {
        assert!(
            c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure") && c.contains("Path=/"),
            "{c}"
        );
    }
    let session = cookies.iter().find(|c| c.starts_with("monalisa_session=")).unwrap();
    assert!(session.contains(&format!("Max-Age={}", 60 * 86_400)), "{session}");
    // Plain HTTP (development): no Secure flag.
    let plain = world
        .app
        .client
        .post(format!("{}/api/v1/login", world.app.url))
        .json(&json!({ "login": "benevole", "password": PASSWORD, "device_label": "x" }))
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get_all("set-cookie").iter().all(|v| !v.to_str().unwrap().contains("Secure")));
}

#[tokio::test]
async fn cross_site_requests_are_refused_and_change_nothing() {
    let world = World::new().await;
    let amb = world.agent("ambassadeur").await;
    let cookie = amb.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let victim = world.users["cible"].0;
    let res = world
        .app
        .client
        .post(format!("{}/api/v1/accounts/set-disabled", world.app.url))
        .header("cookie", &cookie)
        .header("origin", "https://evil.example")
        .json(&json!({ "id": victim, "disabled": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["code"], "cross_origin");
    let res = world
        .app
        .client
        .post(format!("{}/api/v1/accounts/set-disabled", world.app.url))
        .header("cookie", &cookie)
        .header("sec-fetch-site", "cross-site")
        .json(&json!({ "id": victim, "disabled": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(!world.app.store.user(world.users["cible"]).await.unwrap().unwrap().disabled);
    // The site's own pages pass.
    let host = world.app.url.trim_start_matches("http://").to_owned();
    let res = world
        .app
        .client
        .post(format!("{}/api/v1/session", world.app.url))
        .header("cookie", &cookie)
        .header("origin", format!("http://{host}"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn the_audit_trail_records_reads_and_changes_without_personal_data() {
    let world = World::new().await;
    let mut volunteer = world.agent("benevole").await;
    let resident = world.resident_of("benevole");
    assert_eq!(volunteer.call("/api/v1/residents/card", json!({ "id": resident.0 })).await.0, 200);
    let mut amb = world.agent("ambassadeur").await;
    amb.call("/api/v1/accounts/enrolment-link", json!({ "id": world.users["cible"].0 })).await;

    let mut admin = world.agent("admin").await;
    let (status, entries) = admin.call("/api/v1/audit/list", json!({ "filter": { "limit": 200 } })).await;
    assert_eq!(status, 200);
    let entries = entries.as_array().unwrap();
    let read = entries.iter().find(|e| e["action"] == "resident.read").expect("the card read is logged");
    assert_eq!(read["actor"], world.users["benevole"].0);
    assert_eq!(read["actor_login"], "benevole");
    assert!(read["device"].is_number(), "with the device");
    assert_eq!(
        (read["object_kind"].as_str(), read["object_id"].as_str()),
        (Some("resident"), Some(resident.0.to_string().as_str()))
    );
    assert!(
        entries
            .iter()
            .any(|e| e["action"] == "account.link_issued" && e["object_id"] == world.users["cible"].0.to_string())
    );
    assert!(entries.iter().any(|e| e["action"] == "account.login"));

    // Filters.
    let (_, only_reads) =
        admin.call("/api/v1/audit/list", json!({ "filter": { "object_kind": "resident", "limit": 50 } })).await;
    assert!(only_reads.as_array().unwrap().iter().all(|e| e["object_kind"] == "resident"));
    let (_, by_actor) = admin
        .call("/api/v1/audit/list", json!({ "filter": { "actor": world.users["ambassadeur"].0, "limit": 50 } }))
        .await;
    assert!(!by_actor.as_array().unwrap().is_empty());
    assert!(by_actor.as_array().unwrap().iter().all(|e| e["actor"] == world.users["ambassadeur"].0));
    let (status, _) =
        admin.call("/api/v1/audit/list", json!({ "filter": { "object_kind": "nimporte", "limit": 5 } })).await;
    assert_eq!(status, 400);

    // No personal data of the resident is copied into the log.
    let r = world.population.residents.iter().find(|r| r.id == resident).unwrap();
    let all = serde_json::to_string(&entries).unwrap();
    for personal in [&r.first_name, &r.last_name, &r.address] {
        assert!(!all.contains(personal.as_str()), "{personal} in the audit log");
    }
}

#[tokio::test]
async fn malformed_requests_get_a_clear_400() {
    let world = World::new().await;
    let amb = world.agent("ambassadeur").await;
    let cookie = amb.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    for body in ["", "{", "{\"id\": \"not a number\"}", "[]"] {
        let res = world
            .app
            .client
            .post(format!("{}/api/v1/accounts/get", world.app.url))
            .header("cookie", &cookie)
            .header("origin", &world.app.url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "body {body:?}");
        assert_eq!(res.json::<serde_json::Value>().await.unwrap()["code"], "bad_request");
    }
}
