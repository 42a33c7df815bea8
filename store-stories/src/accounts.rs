//! Stories of [`AccountStore`](monalisa_store::AccountStore): accounts, enrolment links,
//! devices, sessions, alert addresses, the audit trail.

use crate::fixture::*;
use monalisa_core::auth::{Role, UserId};
use monalisa_core::domain::Timestamp;
use monalisa_core::wire::audit::{AuditEntry, AuditFilter};
use monalisa_store::{EnrolmentPurpose, Store, StoreError};

const HOUR: i64 = 3_600_000;

pub async fn an_account_links_to_its_person_and_scope(store: &dyn Store) {
    let a = load_with_accounts(store).await;
    let v = store.user(a.volunteer).await.expect("read").expect("exists");
    assert_eq!(
        (v.login.as_str(), v.role, v.volunteer, v.scope),
        ("jeannine", Role::Volunteer, Some(VOL_1), Some(NORD))
    );
    assert_eq!(v.password_hash, None, "not enrolled yet");
    assert!(!v.disabled);
    let amb = store.user_by_login("serge").await.expect("read").expect("exists");
    assert_eq!((amb.id, amb.ambassador, amb.scope), (a.ambassador_sud, Some(AMB_SUD), Some(SUD)));
    let staff = store.user(a.admin).await.expect("read").expect("exists");
    assert_eq!(staff.scope, None);
    assert_eq!(store.user(UserId(999)).await.expect("read"), None);
    assert_eq!(store.user_by_login("nobody").await.expect("read"), None);
}

pub async fn a_login_taken_is_a_conflict(store: &dyn Store) {
    load_with_accounts(store).await;
    let again = store.create_user(&new_user("jeannine", Role::Coordinator, None, None), now()).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
}

pub async fn accounts_are_listed_by_scope(store: &dyn Store) {
    let a = load_with_accounts(store).await;
    let all = store.list_accounts(None).await.expect("all");
    assert_eq!(all.len(), 5);
    let nord = store.list_accounts(Some(NORD)).await.expect("nord");
    let mut ids: Vec<_> = nord.iter().map(|s| s.id).collect();
    ids.sort();
    assert_eq!(ids, [a.volunteer, a.ambassador], "a scope lists the accounts of its volunteers and ambassador");
    let sud: Vec<_> = store.list_accounts(Some(SUD)).await.expect("sud").into_iter().map(|s| s.id).collect();
    assert_eq!(sud, [a.ambassador_sud]);
}

pub async fn candidates_are_the_people_without_an_account(store: &dyn Store) {
    load_with_accounts(store).await;
    let (volunteers, ambassadors) = store.account_candidates(Some(NORD)).await.expect("nord");
    let ids: Vec<_> = volunteers.iter().map(|v| v.id).collect();
    assert!(ids.contains(&VOL_2) && !ids.contains(&VOL_SUD), "{ids:?}");
    assert!(ambassadors.is_empty(), "a scope's list offers volunteers only");
    let (all, ambassadors) = store.account_candidates(None).await.expect("all");
    assert!(all.iter().any(|v| v.id == VOL_SUD));
    assert!(ambassadors.is_empty(), "both ambassadors have an account");
}

pub async fn a_password_is_set_and_an_unknown_account_is_not_found(store: &dyn Store) {
    let a = load_with_accounts(store).await;
    store.set_password(a.volunteer, "$argon2id$test").await.expect("set");
    let v = store.user(a.volunteer).await.expect("read").expect("exists");
    assert_eq!(v.password_hash.as_deref(), Some("$argon2id$test"));
    assert!(matches!(store.set_password(UserId(999), "x").await, Err(StoreError::NotFound)));
}

pub async fn disabling_an_account_ends_its_sessions(store: &dyn Store) {
    let a = load_with_accounts(store).await;
    let t = now();
    let device = store.create_device(a.volunteer, "device-hash", "Téléphone", t).await.expect("device");
    store.create_session("session-hash", a.volunteer, device, t, Timestamp(t.0 + HOUR)).await.expect("session");
    store.set_user_disabled(a.volunteer, true, t).await.expect("disable");
    assert!(store.user(a.volunteer).await.expect("read").expect("exists").disabled);
    let session = store.session("session-hash").await.expect("read").expect("kept");
    assert!(session.ended_at.is_some(), "a disabled account has no open session");
    store.set_user_disabled(a.volunteer, false, t).await.expect("enable");
    assert!(!store.user(a.volunteer).await.expect("read").expect("exists").disabled);
    assert!(matches!(store.set_user_disabled(UserId(999), true, t).await, Err(StoreError::NotFound)));
}

pub async fn an_alert_address_is_set_and_cleared(store: &dyn Store) {
    let a = load_with_accounts(store).await;
    assert_eq!(store.user_email(a.ambassador).await.expect("read"), None);
    store.set_user_email(a.ambassador, Some("anne@example.org")).await.expect("set");
    assert_eq!(store.user_email(a.ambassador).await.expect("read").as_deref(), Some("anne@example.org"));
    store.set_user_email(a.ambassador, None).await.expect("clear");
    assert_eq!(store.user_email(a.ambassador).await.expect("read"), None);
    assert!(matches!(store.set_user_email(UserId(999), Some("x@example.org")).await, Err(StoreError::NotFound)));
}

pub async fn an_enrolment_link_works_once(store: &dyn Store) {
    let a = load_with_accounts(store).await;
    let t = now();
    store
        .create_enrolment("link-1", a.volunteer, EnrolmentPurpose::Enrol, Some(a.ambassador), t, Timestamp(t.0 + HOUR))
        .await
        .expect("link");
    let link = store.enrolment("link-1").await.expect("read").expect("exists");
    assert_eq!((link.user, link.purpose, link.used_at), (a.volunteer, EnrolmentPurpose::Enrol, None));
    assert_eq!(store.use_enrolment("link-1", "$argon2id$new", t).await.expect("used"), a.volunteer);
    assert_eq!(
        store.user(a.volunteer).await.expect("read").expect("exists").password_hash.as_deref(),
        Some("$argon2id$new")
    );
    assert!(store.enrolment("link-1").await.expect("read").expect("kept").used_at.is_some());
    assert!(matches!(store.use_enrolment("link-1", "$argon2id$again", t).await, Err(StoreError::NotFound)));
    assert!(matches!(store.use_enrolment("no-such-link", "x", t).await, Err(StoreError::NotFound)));
    assert_eq!(store.enrolment("no-such-link").await.expect("read"), None);
}

pub async fn only_the_newest_unexpired_link_works(store: &dyn Store) {
    let a = load_with_accounts(store).await;
    let t = now();
    let until = Timestamp(t.0 + HOUR);
    store.create_enrolment("old", a.volunteer, EnrolmentPurpose::Enrol, None, t, until).await.expect("old");
    store.create_enrolment("new", a.volunteer, EnrolmentPurpose::Reset, None, t, until).await.expect("new");
    assert!(matches!(store.use_enrolment("old", "x", t).await, Err(StoreError::NotFound)), "replaced");
    let late = Timestamp(until.0 + 1);
    assert!(matches!(store.use_enrolment("new", "x", late).await, Err(StoreError::NotFound)), "expired");
    assert_eq!(store.use_enrolment("new", "x", t).await.expect("in time"), a.volunteer);
    let unknown = store.create_enrolment("orphan", UserId(999), EnrolmentPurpose::Enrol, None, t, until).await;
    assert!(unknown.is_err(), "a link for no account");
}

pub async fn a_device_belongs_to_its_account(store: &dyn Store) {
    let a = load_with_accounts(store).await;
    let t = now();
    let d = store.create_device(a.volunteer, "dev-token", "Téléphone de Jeannine", t).await.expect("device");
    let found = store.device_by_token("dev-token", a.volunteer).await.expect("read").expect("found");
    assert_eq!((found.id, found.user, found.label.as_str()), (d, a.volunteer, "Téléphone de Jeannine"));
    assert_eq!(store.device_by_token("dev-token", a.ambassador).await.expect("read"), None, "another account's");
    assert_eq!(store.device_by_token("other", a.volunteer).await.expect("read"), None);
    assert_eq!(store.device(d).await.expect("read").expect("exists").revoked_at, None);
    assert_eq!(store.devices_of(a.volunteer).await.expect("list").len(), 1);
    assert!(store.devices_of(a.admin).await.expect("list").is_empty());
    assert_eq!(store.device(monalisa_core::auth::DeviceId(999)).await.expect("read"), None);
}

pub async fn revoking_a_device_ends_its_sessions(store: &dyn Store) {
    let a = load_with_accounts(store).await;
    let t = now();
    let d = store.create_device(a.volunteer, "dev", "Téléphone", t).await.expect("device");
    store.create_session("s1", a.volunteer, d, t, Timestamp(t.0 + HOUR)).await.expect("session");
    store.revoke_device(d, t).await.expect("revoke");
    assert!(store.device(d).await.expect("read").expect("exists").revoked_at.is_some());
    assert!(store.session("s1").await.expect("read").expect("kept").ended_at.is_some());
    assert!(matches!(store.revoke_device(monalisa_core::auth::DeviceId(999), t).await, Err(StoreError::NotFound)));
}

pub async fn a_session_is_refreshed_then_ended(store: &dyn Store) {
    let a = load_with_accounts(store).await;
    let t = now();
    let d = store.create_device(a.ambassador, "dev", "Ordinateur", t).await.expect("device");
    store.create_session("s", a.ambassador, d, t, Timestamp(t.0 + HOUR)).await.expect("session");
    let s = store.session("s").await.expect("read").expect("exists");
    assert_eq!((s.user.id, s.device.id, s.expires_at, s.ended_at), (a.ambassador, d, Timestamp(t.0 + HOUR), None));
    let later = Timestamp(t.0 + 1000);
    store.refresh_session("s", later, Timestamp(later.0 + 2 * HOUR)).await.expect("refresh");
    let s = store.session("s").await.expect("read").expect("exists");
    assert_eq!((s.refreshed_at, s.expires_at), (later, Timestamp(later.0 + 2 * HOUR)));
    assert_eq!(store.device(d).await.expect("read").expect("exists").last_seen, later, "the device was seen");
    store.end_session("s", later).await.expect("end");
    assert_eq!(store.session("s").await.expect("read").expect("kept").ended_at, Some(later));
    store.end_session("s", later).await.expect("ending twice changes nothing");
    assert_eq!(store.session("nope").await.expect("read"), None);
    let orphan = store.create_session("x", UserId(999), d, t, Timestamp(t.0 + HOUR)).await;
    assert!(orphan.is_err(), "a session for no account");
}

fn entry(actor: Option<UserId>, action: &str, kind: &str, id: &str) -> AuditEntry {
    AuditEntry {
        id: 0,
        at: now(),
        actor,
        actor_login: None,
        device: None,
        action: action.into(),
        object_kind: kind.into(),
        object_id: id.into(),
        detail: "story".into(),
    }
}

pub async fn the_audit_trail_filters_and_pages_newest_first(store: &dyn Store) {
    let a = load_with_accounts(store).await;
    store.append_audit(&entry(Some(a.ambassador), "resident.read", "resident", "1")).await.expect("1");
    store.append_audit(&entry(Some(a.admin), "account.create", "account", "5")).await.expect("2");
    store.append_audit(&entry(Some(a.ambassador), "resident.read", "resident", "2")).await.expect("3");
    let all_of = |f: AuditFilter| async move { store.audit_entries(&f).await.expect("entries") };
    let base = AuditFilter {
        actor: None,
        object_kind: None,
        object_id: None,
        since: None,
        until: None,
        before_id: None,
        limit: 50,
    };
    let all = all_of(base.clone()).await;
    assert_eq!(all.len(), 3);
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    assert_eq!(all[0].actor_login.as_deref(), Some("anne"), "the login is joined");
    let by_anne = all_of(AuditFilter { actor: Some(a.ambassador), ..base.clone() }).await;
    assert_eq!(by_anne.len(), 2);
    let residents =
        all_of(AuditFilter { object_kind: Some("resident".into()), object_id: Some("2".into()), ..base.clone() }).await;
    assert_eq!(residents.len(), 1);
    let page = all_of(AuditFilter { before_id: Some(all[0].id), limit: 1, ..base.clone() }).await;
    assert_eq!(page.iter().map(|e| e.id).collect::<Vec<_>>(), [all[1].id]);
    let tomorrow = today().add_days(1);
    assert!(all_of(AuditFilter { since: Some(tomorrow), ..base.clone() }).await.is_empty());
    assert_eq!(all_of(AuditFilter { until: Some(today()), ..base.clone() }).await.len(), 3);
}

pub async fn failed_logins_are_counted_per_key_within_their_window(store: &dyn Store) {
    const WINDOW: i64 = 15 * 60_000;
    let keys = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
    let t0 = now();
    let at = |ms: i64| Timestamp(t0.0 + ms);
    assert!(store.login_failures(&keys(&["ip:10.0.0.1"]), t0, WINDOW).await.expect("read").is_empty());
    store.record_login_failure(&keys(&["ip:10.0.0.1", "login:jeannine"]), t0, WINDOW).await.expect("one");
    store.record_login_failure(&keys(&["ip:10.0.0.1", "login:marcel"]), at(1000), WINDOW).await.expect("two");
    let asked = keys(&["ip:10.0.0.1", "login:jeannine", "login:nobody"]);
    let found = store.login_failures(&asked, at(2000), WINDOW).await.expect("read");
    let counts: Vec<(&str, i64, u32)> = found.iter().map(|f| (f.key.as_str(), f.since.0 - t0.0, f.failures)).collect();
    assert_eq!(counts, [("ip:10.0.0.1", 0, 2), ("login:jeannine", 0, 1)], "counted since the first failure");

    // A success forgets its keys only.
    store.clear_login_failures(&keys(&["login:jeannine"])).await.expect("cleared");
    let left = store.login_failures(&keys(&["ip:10.0.0.1", "login:jeannine"]), at(2000), WINDOW).await.expect("read");
    assert_eq!(left.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(), ["ip:10.0.0.1"]);

    // A window over counts nothing, and the next failure starts a new one.
    assert!(store.login_failures(&keys(&["ip:10.0.0.1"]), at(WINDOW), WINDOW).await.expect("read").is_empty());
    store.record_login_failure(&keys(&["ip:10.0.0.1"]), at(WINDOW + 1000), WINDOW).await.expect("again");
    let asked = keys(&["ip:10.0.0.1", "login:marcel"]);
    let fresh = store.login_failures(&asked, at(WINDOW + 1001), WINDOW).await.expect("read");
    assert_eq!(fresh.len(), 1, "marcel's window is over too: {fresh:?}");
    assert_eq!((fresh[0].since, fresh[0].failures), (at(WINDOW + 1000), 1));
}
