//! E-mail alerts about concerns, against a local SMTP sink: a new concern is mailed once to
//! its scope's ambassador (and to nobody else), with no name in it; one nobody took in hand
//! goes to the coordinator after the delay, one taken in hand does not; a relay that is down
//! or refuses loses nothing (the alert goes at the next round). The admin sets the addresses
//! through the account page's form.

use crate::common::{Agent, World};
use monalisa_app::domain::Timestamp;
use monalisa_server::mail::{AlertRound, AlertSettings, SmtpSettings, alert_round};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// A message the sink accepted: its recipients and its text.
#[derive(Clone, Debug)]
struct Received {
    to: Vec<String>,
    data: String,
}

/// A local SMTP server that accepts everything (or refuses the message with `451` while
/// `refuse` is set) and keeps what it received.
struct Sink {
    addr: String,
    received: Arc<Mutex<Vec<Received>>>,
    refuse: Arc<Mutex<bool>>,
}

impl Sink {
    async fn start() -> Sink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let received = Arc::new(Mutex::new(Vec::new()));
        let refuse = Arc::new(Mutex::new(false));
        let (store, refusing) = (received.clone(), refuse.clone());
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (store, refusing) = (store.clone(), refusing.clone());
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                    let mut to = Vec::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        let upper = line.to_uppercase();
                        let reply: &[u8] = if upper.starts_with("EHLO") {
                            b"250-sink\r\n250 8BITMIME\r\n"
                        } else if upper.starts_with("MAIL FROM:") {
                            b"250 ok\r\n"
                        } else if let Some(rcpt) = line.strip_prefix("RCPT TO:") {
                            to.push(rcpt.trim_matches(['<', '>']).to_owned());
                            b"250 ok\r\n"
                        } else if upper == "DATA" {
                            write.write_all(b"354 go ahead\r\n").await.unwrap();
                            let mut data = String::new();
                            while let Ok(Some(l)) = lines.next_line().await {
                                if l == "." {
                                    break;
                                }
                                data.push_str(&l);
                                data.push('\n');
                            }
                            if *refusing.lock().unwrap() {
                                b"451 try again later\r\n"
                            } else {
                                store.lock().unwrap().push(Received { to: std::mem::take(&mut to), data });
                                b"250 queued\r\n"
                            }
                        } else if upper == "QUIT" {
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            break;
                        } else {
                            b"502 unknown\r\n"
                        };
                        write.write_all(reply).await.unwrap();
                    }
                });
            }
        });
        Sink { addr, received, refuse }
    }

    fn take(&self) -> Vec<Received> {
        std::mem::take(&mut *self.received.lock().unwrap())
    }
}

fn settings(relay: &str) -> AlertSettings {
    AlertSettings {
        smtp: SmtpSettings { relay: relay.to_owned(), from: "monalisa@civraisien.test".into(), hello: "test".into() },
        escalate_after: Duration::from_secs(48 * 3600),
        public_url: "https://visites.example".into(),
    }
}

/// The subject and body of a received message, decoded.
fn decode(r: &Received) -> (String, String) {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let (head, body) = r.data.split_once("\n\n").unwrap();
    let subject = head.lines().find_map(|l| l.strip_prefix("Subject: =?UTF-8?B?")).unwrap().trim_end_matches("?=");
    let subject = String::from_utf8(b64.decode(subject).unwrap()).unwrap();
    let body = String::from_utf8(b64.decode(body.replace('\n', "")).unwrap()).unwrap();
    (subject, body)
}

async fn raise(phone: &mut Agent, id: &str, resident: i64) {
    let push = json!({ "request": { "protocol": 1, "sent_at": 0, "mutations": [{
        "id": id, "recorded_at": 1_764_000_000_000i64, "body": { "report": {
            "visit": null, "resident": resident, "day": crate::common::today(), "outcome": "done", "duration_minutes": 40,
            "mood": 2, "concerns": ["fall"], "note": "Chute dans l'escalier", "proposed_next": null } } }] } });
    let (status, acks) = phone.call("/api/sync/v1/push", push).await;
    assert_eq!(status, 200, "{acks}");
}

async fn set_email(admin: &mut Agent, world: &World, login: &str, email: &str) -> String {
    let id = world.users[login].0.to_string();
    let res = admin.post_form("/comptes/courriel", &[("compte", &id), ("courriel", email)]).await;
    assert_eq!(res.status(), 303);
    res.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn concerns_are_mailed_then_escalated() {
    let world = World::new().await;
    let store = world.app.store.clone();
    let sink = Sink::start().await;
    let alerts = settings(&sink.addr);
    let now = || Timestamp(monalisa_app::backend::now_ms());

    // The admin gives the alert addresses (a bad one is refused and changes nothing).
    let mut admin = world.agent("admin").await;
    assert!(set_email(&mut admin, &world, "ambassadeur", "pas une adresse").await.ends_with("?courriel=invalide"));
    assert_eq!(store.user_email(world.users["ambassadeur"]).await.unwrap(), None);
    assert!(
        set_email(&mut admin, &world, "ambassadeur", "Ambassadeur@Civraisien.test").await.ends_with("?courriel=ok")
    );
    set_email(&mut admin, &world, "ambassadeur2", "ambassadeur2@civraisien.test").await;
    set_email(&mut admin, &world, "coordination", "coordination@civraisien.test").await;
    let page = admin.get(&format!("/comptes/{}", world.users["ambassadeur"].0)).await.text().await.unwrap();
    assert!(page.contains("value=\"ambassadeur@civraisien.test\""), "{page}");
    let volunteer = world.users["benevole"].0.to_string();
    let res = admin.post_form("/comptes/courriel", &[("compte", &volunteer), ("courriel", "x@y.fr")]).await;
    assert_eq!(res.status(), 404, "volunteers get no alerts");

    // The backlog first: the demo's concerns of the last week are announced to their scope's
    // ambassador, its open ones older than 48 h escalated; each once.
    let backlog = alert_round(store.as_ref(), &alerts, now()).await.unwrap();
    assert!(backlog.escalated > 0 && backlog.failed == 0, "{backlog:?}");
    let mails = sink.take();
    assert_eq!(mails.len(), backlog.announced + backlog.escalated);
    let to_coordinator = mails.iter().filter(|m| m.to == ["coordination@civraisien.test"]).count();
    assert_eq!(to_coordinator, backlog.escalated);
    assert_eq!(alert_round(store.as_ref(), &alerts, now()).await.unwrap(), AlertRound::default());

    // A fall: mailed once to the scope's ambassador, without any name or note.
    let mut phone = world.agent("benevole").await;
    let resident = world.resident_of("benevole");
    raise(&mut phone, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa01", resident.0).await;
    let round = alert_round(store.as_ref(), &alerts, now()).await.unwrap();
    assert_eq!(round, AlertRound { announced: 1, escalated: 0, failed: 0 });
    let mails = sink.take();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, ["ambassadeur@civraisien.test"]);
    let (subject, body) = decode(&mails[0]);
    assert!(subject.starts_with("[Monalisa] Nouveau signalement : une chute"), "{subject}");
    let day: Vec<String> = crate::common::today().split('-').rev().map(str::to_owned).collect();
    assert!(body.contains(&day.join("/")) && body.contains("https://visites.example/signalements"), "{body}");
    let r = store.resident(resident).await.unwrap().unwrap();
    for private in [r.first_name.as_str(), r.last_name.as_str(), r.address.as_str(), "escalier"] {
        assert!(!mails[0].data.contains(private) && !body.contains(private) && !subject.contains(private));
    }
    assert_eq!(alert_round(store.as_ref(), &alerts, now()).await.unwrap(), AlertRound::default(), "told once");

    // Nobody took it in hand: after 48 h it goes to the coordinator, once.
    let later = Timestamp(now().0 + 49 * 3_600_000);
    let round = alert_round(store.as_ref(), &alerts, later).await.unwrap();
    assert_eq!(round, AlertRound { announced: 0, escalated: 1, failed: 0 });
    let mails = sink.take();
    assert_eq!(mails[0].to, ["coordination@civraisien.test"]);
    assert!(decode(&mails[0]).0.contains("sans prise en charge depuis 48 h"));
    assert_eq!(alert_round(store.as_ref(), &alerts, later).await.unwrap(), AlertRound::default());

    // A second fall, taken in hand at once: announced, never escalated.
    raise(&mut phone, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa02", resident.0).await;
    let mut ambassador = world.agent("ambassadeur").await;
    let step = [("rapport", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa02"), ("type", "fall"), ("etape", "acknowledge")];
    assert_eq!(ambassador.post_form("/signalements/suivi", &step).await.status(), 303);
    let round = alert_round(store.as_ref(), &alerts, later).await.unwrap();
    assert_eq!(round, AlertRound { announced: 1, escalated: 0, failed: 0 });
    sink.take();

    // The relay refuses, then is down: nothing is lost, the alert goes once it is back.
    let mut other_phone = world.agent("benevole2").await;
    raise(&mut other_phone, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa03", world.resident_of("benevole2").0).await;
    *sink.refuse.lock().unwrap() = true;
    assert_eq!(alert_round(store.as_ref(), &alerts, now()).await.unwrap().failed, 1);
    *sink.refuse.lock().unwrap() = false;
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().to_string();
    assert_eq!(alert_round(store.as_ref(), &settings(&closed), now()).await.unwrap().failed, 1);
    assert_eq!(alert_round(store.as_ref(), &alerts, now()).await.unwrap().announced, 1);
    let mails = sink.take();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, ["ambassadeur2@civraisien.test"], "the other scope's concern to its own ambassador");
}

/// A declined visit is mailed once to its scope's ambassador: the day and the scope, no name,
/// no reason (the reason stays in the app, on the planning page).
#[tokio::test]
async fn a_declined_visit_is_mailed_to_the_ambassador_once() {
    let world = World::new().await;
    let store = world.app.store.clone();
    let sink = Sink::start().await;
    let alerts = settings(&sink.addr);
    let now = || Timestamp(monalisa_app::backend::now_ms());
    let mut admin = world.agent("admin").await;
    set_email(&mut admin, &world, "ambassadeur", "ambassadeur@civraisien.test").await;
    alert_round(store.as_ref(), &alerts, now()).await.unwrap();
    sink.take();
    let visit = world.published_visit_of("benevole");
    let mut phone = world.agent("benevole").await;
    let decline = json!({ "id": "e".repeat(32), "recorded_at": 0, "body": { "decline_visit": { "visit": visit, "reason": "Hospitalisé" } } });
    let (status, answer) = phone
        .call("/api/sync/v1/push", json!({ "request": { "protocol": 1, "sent_at": 0, "mutations": [decline] } }))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        alert_round(store.as_ref(), &alerts, now()).await.unwrap(),
        AlertRound { announced: 1, escalated: 0, failed: 0 }
    );
    let mails = sink.take();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, ["ambassadeur@civraisien.test"]);
    let (subject, body) = decode(&mails[0]);
    assert!(subject.starts_with("[Monalisa] Visite déclinée"), "{subject}");
    assert!(body.contains("https://visites.example/planification"), "{body}");
    let resident = world
        .population
        .residents
        .iter()
        .find(|r| world.population.visits.iter().any(|v| v.id.0 == visit && v.resident == r.id));
    let r = resident.expect("the visit's resident");
    for private in [r.first_name.as_str(), r.last_name.as_str(), r.address.as_str(), "Hospitalisé"] {
        assert!(!mails[0].data.contains(private) && !body.contains(private) && !subject.contains(private), "{private}");
    }
    assert_eq!(alert_round(store.as_ref(), &alerts, now()).await.unwrap(), AlertRound::default(), "told once");
}
