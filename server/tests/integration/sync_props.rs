//! Property tests of the sync protocol: the real client engine (`monalisa_app::sync::engine`,
//! the code that runs in the phone, here on an in-memory store) against the server's real
//! apply and pull functions on SQLite. Random sequences of offline actions and server-side
//! changes, with duplicated, dropped and reordered requests, responses lost after the server
//! committed, and server restarts, must end like the same sequence on a perfect network: no
//! report lost, none doubled, and the phone holding exactly what a fresh phone would pull.

use monalisa_app::auth::{DeviceId, Role, UserId};
use monalisa_app::backend::{NewUser, ServerContext, Settings, SyncCaller};
use monalisa_app::domain::{ClientId, ConcernKind, Date, Outcome, ResidentId, Timestamp, VisitId, VolunteerId};
use monalisa_app::sync::engine::memory::MemoryDb;
use monalisa_app::sync::engine::{LocalDb, OutboxEntry, SyncError, Transport, sync};
use monalisa_app::sync::{Mutation, MutationBody, PullRequest, PullResponse, PushRequest, PushResponse, ReportInput};
use proptest::prelude::*;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::OnceLock;

const TODAY: &str = "2026-11-25";

/// A populated database (demo seed 7) with a volunteer account, built once and copied per case.
struct Template {
    _dir: tempfile::TempDir,
    url: String,
    user: UserId,
    volunteer: VolunteerId,
    residents: Vec<ResidentId>,
    visits: Vec<VisitId>,
    other_volunteer: VolunteerId,
}

fn template() -> &'static Template {
    static T: OnceLock<Template> = OnceLock::new();
    // Built on its own thread: callers are inside a runtime already.
    T.get_or_init(|| {
        std::thread::spawn(|| {
            tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
                let dir = tempfile::tempdir().unwrap();
                let url = crate::common::fresh_database(dir.path(), "template").await;
                let store = monalisa_server::open_store(&url).await.unwrap();
                let params =
                    monalisa_server::demo::DemoParams { seed: 7, scale: 1.0, today: Date::parse(TODAY).unwrap() };
                let shapes: Vec<_> = monalisa_server::territory::load().unwrap().into_iter().map(|(_, s)| s).collect();
                let p = monalisa_server::demo::generate(&shapes, &params).unwrap();
                store.import_population(&p).await.unwrap();
                let volunteer = p
                    .volunteers
                    .iter()
                    .max_by_key(|v| {
                        (p.residents.iter().filter(|r| r.volunteer == Some(v.id)).count(), std::cmp::Reverse(v.id))
                    })
                    .unwrap()
                    .id;
                let other_volunteer = p.volunteers.iter().find(|v| v.id != volunteer).unwrap().id;
                let user = store
                    .create_user(
                        &NewUser {
                            login: "prop".into(),
                            display_name: "Prop".into(),
                            role: Role::Volunteer,
                            volunteer: Some(volunteer),
                            ambassador: None,
                        },
                        Timestamp(0),
                    )
                    .await
                    .unwrap();
                let residents = p.residents.iter().filter(|r| r.volunteer == Some(volunteer)).map(|r| r.id).collect();
                let visits =
                    p.visits.iter().filter(|v| v.volunteer == volunteer && v.round.is_some()).map(|v| v.id).collect();
                store.close().await;
                Template { _dir: dir, url, user, volunteer, residents, visits, other_volunteer }
            })
        })
        .join()
        .unwrap()
    })
}

#[derive(Clone, Copy, Debug)]
enum Fault {
    Deliver,
    /// The request never reaches the server.
    DropRequest,
    /// The server commits, the answer is lost.
    DropResponse,
    /// The request arrives twice.
    Duplicate,
}

#[derive(Clone, Debug)]
enum Action {
    Report {
        resident: usize,
        visit: Option<usize>,
        outcome: u8,
        concern: Option<u8>,
    },
    Absence {
        offset: i32,
        days: i32,
    },
    Decline {
        visit: usize,
    },
    /// A sync; `phone_fails`: the phone fails to store the first page it gets (the page's
    /// cursor must not move, and it must get that page again).
    Sync {
        faults: Vec<Fault>,
        phone_fails: bool,
    },
    /// A late copy of an earlier push arrives at the server.
    Replay {
        which: usize,
    },
    Restart,
    ReassignVisit {
        visit: usize,
    },
    CancelVisit {
        visit: usize,
    },
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![4 => Just(Fault::Deliver), 1 => Just(Fault::DropRequest), 1 => Just(Fault::DropResponse), 1 => Just(Fault::Duplicate)]
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        5 => (0usize..50, proptest::option::of(0usize..50), 0u8..4, proptest::option::of(0u8..6))
            .prop_map(|(resident, visit, outcome, concern)| Action::Report { resident, visit, outcome, concern }),
        1 => (0i32..20, 0i32..5).prop_map(|(offset, days)| Action::Absence { offset, days }),
        1 => (0usize..50).prop_map(|visit| Action::Decline { visit }),
        4 => (proptest::collection::vec(fault(), 0..6), proptest::bool::weighted(0.3))
            .prop_map(|(faults, phone_fails)| Action::Sync { faults, phone_fails }),
        1 => (0usize..10).prop_map(|which| Action::Replay { which }),
        1 => Just(Action::Restart),
        1 => (0usize..50).prop_map(|visit| Action::ReassignVisit { visit }),
        1 => (0usize..50).prop_map(|visit| Action::CancelVisit { visit }),
    ]
}

/// The server as the phone reaches it: the real sync functions, with faults injected.
struct Server {
    url: String,
    ctx: RefCell<ServerContext>,
    caller: SyncCaller,
    faults: RefCell<VecDeque<Fault>>,
    pushes: RefCell<Vec<PushRequest>>,
    clock: RefCell<i64>,
}

impl Server {
    async fn open(url: &str, caller: SyncCaller) -> Server {
        let ctx = context(url).await;
        Server {
            url: url.to_owned(),
            ctx: RefCell::new(ctx),
            caller,
            faults: RefCell::default(),
            pushes: RefCell::default(),
            // The server's clock on TODAY (11:00 UTC), the day the phone reports visits on.
            clock: RefCell::new(1_795_604_400_000),
        }
    }

    fn now(&self) -> Timestamp {
        let mut c = self.clock.borrow_mut();
        *c += 1000;
        Timestamp(*c)
    }

    async fn restart(&self) {
        let store = self.ctx.borrow().store.clone();
        store.close().await;
        *self.ctx.borrow_mut() = context(&self.url).await;
    }

    fn next_fault(&self) -> Fault {
        self.faults.borrow_mut().pop_front().unwrap_or(Fault::Deliver)
    }

    async fn raw_push(&self, request: &PushRequest) -> PushResponse {
        let ctx = self.ctx.borrow().clone();
        monalisa_app::backend::sync::push_as(&ctx, &self.caller, request, self.now()).await.unwrap()
    }

    async fn raw_pull(&self, request: &PullRequest) -> PullResponse {
        let ctx = self.ctx.borrow().clone();
        let today = Date::parse(TODAY).unwrap();
        monalisa_app::backend::sync::pull_as(&ctx, &self.caller, request, self.now(), today).await.unwrap()
    }
}

async fn context(url: &str) -> ServerContext {
    let store = monalisa_server::open_store(url).await.unwrap();
    ServerContext::new(store, Default::default(), Settings::default())
}

impl Transport for Server {
    async fn push(&self, request: PushRequest) -> Result<PushResponse, SyncError> {
        self.pushes.borrow_mut().push(request.clone());
        match self.next_fault() {
            Fault::DropRequest => Err(SyncError::Offline),
            Fault::Deliver => Ok(self.raw_push(&request).await),
            Fault::DropResponse => {
                self.raw_push(&request).await;
                Err(SyncError::Offline)
            }
            Fault::Duplicate => {
                self.raw_push(&request).await;
                Ok(self.raw_push(&request).await)
            }
        }
    }

    async fn pull(&self, request: PullRequest) -> Result<PullResponse, SyncError> {
        match self.next_fault() {
            Fault::DropRequest => Err(SyncError::Offline),
            Fault::Deliver => Ok(self.raw_pull(&request).await),
            Fault::DropResponse => {
                self.raw_pull(&request).await;
                Err(SyncError::Offline)
            }
            Fault::Duplicate => {
                self.raw_pull(&request).await;
                Ok(self.raw_pull(&request).await)
            }
        }
    }
}

async fn sql(url: &str, statement: &str, bind: i64) {
    use sqlx::Connection;
    let mut conn = crate::common::connect(url).await;
    sqlx::query(statement).bind(bind).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
}

struct Outcome_ {
    reports: Vec<(String, i64, String, String, Option<i64>, String)>,
    concerns: Vec<(String, String)>,
    absences: i64,
    declines: Vec<String>,
    applied: Vec<String>,
}

async fn server_state(url: &str, volunteer: VolunteerId) -> Outcome_ {
    use sqlx::{Connection, Row};
    let mut c = crate::common::connect(url).await;
    let reports = sqlx::query(
        "SELECT id, resident_id, day, outcome, duration_min, note FROM reports WHERE device_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
    .collect();
    let concerns = sqlx::query("SELECT c.report_id, c.kind FROM concerns c JOIN reports r ON r.id = c.report_id WHERE r.device_id IS NOT NULL ORDER BY 1, 2")
        .fetch_all(&mut c)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let absences = sqlx::query_scalar("SELECT count(*) FROM volunteer_absences WHERE volunteer_id = $1")
        .bind(volunteer.0)
        .fetch_one(&mut c)
        .await
        .unwrap();
    let declines =
        sqlx::query_scalar("SELECT mutation_id FROM visit_declines ORDER BY 1").fetch_all(&mut c).await.unwrap();
    let applied = sqlx::query_scalar("SELECT id FROM applied_mutations ORDER BY 1").fetch_all(&mut c).await.unwrap();
    c.close().await.unwrap();
    Outcome_ { reports, concerns, absences, declines, applied }
}

/// Runs the actions; with `perfect`, every fault is replaced by a clean delivery and replays and
/// restarts do nothing. Returns the server's state, the phone's, and the mutations recorded.
async fn run(
    actions: &[Action],
    perfect: bool,
) -> (Outcome_, MemoryDb, Vec<ClientId>, String, tempfile::TempDir, Server) {
    let t = template();
    let dir = tempfile::tempdir().unwrap();
    let url = crate::common::copy_database(&t.url, dir.path(), "case").await;
    let ctx = context(&url).await;
    let device = ctx.store.create_device(t.user, "device-token-hash", "prop", Timestamp(0)).await.unwrap();
    ctx.store.close().await;
    let caller = SyncCaller { user: t.user, device, volunteer: Some(t.volunteer), revoked: false };
    let server = Server::open(&url, caller).await;
    let phone = MemoryDb::default();
    let mut ids = Vec::new();
    let day = Date::parse(TODAY).unwrap();
    for (n, action) in actions.iter().enumerate() {
        let id = ClientId::from_bytes({
            let mut b = [0u8; 16];
            b[..8].copy_from_slice(&(n as u64 + 1).to_be_bytes());
            b
        });
        let mutation = |body| Mutation { id: id.clone(), recorded_at: Timestamp(1_764_000_000_000 + n as i64), body };
        match action {
            Action::Report { resident, visit, outcome, concern } => {
                let outcome = Outcome::ALL[usize::from(*outcome)];
                let done = outcome == Outcome::Done;
                let report = ReportInput {
                    visit: visit.and_then(|v| t.visits.get(v % t.visits.len().max(1)).copied()),
                    resident: t.residents[resident % t.residents.len()],
                    day,
                    outcome,
                    duration_minutes: done.then_some(45),
                    mood: None,
                    concerns: concern.map(|c| ConcernKind::ALL[usize::from(c)]).into_iter().collect(),
                    note: format!("note {n}"),
                    proposed_next: None,
                };
                // A visit belongs to its resident: keep the pair consistent as the phone would.
                let report = match report.visit {
                    Some(_) => ReportInput { visit: None, ..report },
                    None => report,
                };
                phone
                    .enqueue(OutboxEntry {
                        mutation: mutation(MutationBody::Report(report)),
                        queued_at: Timestamp(n as i64),
                    })
                    .await
                    .unwrap();
                ids.push(id);
            }
            Action::Absence { offset, days } => {
                let first = day.add_days(*offset);
                phone
                    .enqueue(OutboxEntry {
                        mutation: mutation(MutationBody::Absence { first, last: first.add_days(*days) }),
                        queued_at: Timestamp(n as i64),
                    })
                    .await
                    .unwrap();
                ids.push(id);
            }
            Action::Decline { visit } => {
                let Some(&visit) = t.visits.get(visit % t.visits.len().max(1)) else {
                    continue;
                };
                phone
                    .enqueue(OutboxEntry {
                        mutation: mutation(MutationBody::DeclineVisit { visit, reason: "malade".into() }),
                        queued_at: Timestamp(n as i64),
                    })
                    .await
                    .unwrap();
                ids.push(id);
            }
            Action::Sync { faults, phone_fails } => {
                *server.faults.borrow_mut() = if perfect { VecDeque::new() } else { faults.iter().copied().collect() };
                if *phone_fails && !perfect {
                    *phone.fail_next_page_after.borrow_mut() = Some(1);
                }
                let _ = sync(&phone, &server, Timestamp(n as i64)).await;
            }
            Action::Replay { which } => {
                if !perfect {
                    let old = server.pushes.borrow().get(*which).cloned();
                    if let Some(old) = old {
                        server.raw_push(&old).await;
                    }
                }
            }
            Action::Restart => {
                if !perfect {
                    server.restart().await;
                }
            }
            Action::ReassignVisit { visit } => {
                if let Some(&v) = t.visits.get(visit % t.visits.len().max(1)) {
                    let st = format!("UPDATE visits SET volunteer_id = {} WHERE id = $1", t.other_volunteer.0);
                    sql(&url, &st, v.0).await;
                }
            }
            Action::CancelVisit { visit } => {
                if let Some(&v) = t.visits.get(visit % t.visits.len().max(1)) {
                    sql(&url, "UPDATE visits SET status = 'cancelled' WHERE id = $1", v.0).await;
                }
            }
        }
    }
    // The network comes back for good.
    server.faults.borrow_mut().clear();
    phone.fail_next_page_after.borrow_mut().take();
    sync(&phone, &server, Timestamp(10_000)).await.unwrap();
    let state = server_state(&url, t.volunteer).await;
    (state, phone, ids, url, dir, server)
}

async fn check(actions: Vec<Action>) {
    let (faulty, phone, ids, _path, _dir, server) = run(&actions, false).await;
    let (perfect, perfect_phone, _, _p2, _d2, _s2) = run(&actions, true).await;

    // Nothing lost, nothing doubled, same as on a perfect network.
    let mut expected: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
    expected.sort();
    assert_eq!(faulty.applied, expected, "every mutation applied exactly once");
    assert_eq!(faulty.reports, perfect.reports);
    assert_eq!(faulty.concerns, perfect.concerns);
    assert_eq!(faulty.absences, perfect.absences);
    assert_eq!(faulty.applied, perfect.applied);
    // A declined visit reassigned before the decline arrived is not "declined" any more (the
    // decline is acknowledged, flagged): the records then depend on timing, never on loss.
    assert!(faulty.declines.iter().all(|d| perfect.applied.contains(d)));
    let report_ids: Vec<&String> = faulty.reports.iter().map(|r| &r.0).collect();
    let mut unique = report_ids.clone();
    unique.dedup();
    assert_eq!(report_ids.len(), unique.len());

    // The phone: outbox empty, every mutation acknowledged.
    assert!(phone.state.borrow().outbox.is_empty());
    for id in &ids {
        assert!(phone.state.borrow().sent.contains_key(id), "{id} acknowledged");
    }
    // The phone holds exactly what a fresh phone pulls now, and what the perfect run holds.
    let fresh = MemoryDb::default();
    let ctx = server.ctx.borrow().clone();
    let t = template();
    let device = ctx.store.create_device(t.user, "fresh-token", "fresh", Timestamp(0)).await.unwrap();
    let fresh_server =
        Server::open(&server.url, SyncCaller { user: t.user, device, volunteer: Some(t.volunteer), revoked: false })
            .await;
    sync(&fresh, &fresh_server, Timestamp(20_000)).await.unwrap();
    assert_eq!(phone.state.borrow().records, fresh.state.borrow().records, "the phone holds what the server shows");
    assert_eq!(
        phone.state.borrow().records.keys().collect::<Vec<_>>(),
        perfect_phone.state.borrow().records.keys().collect::<Vec<_>>(),
        "the same records as on a perfect network"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn sync_survives_a_bad_network(actions in proptest::collection::vec(action(), 1..30)) {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(check(actions));
    }
}

#[test]
fn a_first_sync_brings_only_the_volunteers_own_round_and_residents() {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        let (_, phone, _, _, _dir, _) = run(&[], true).await;
        let t = template();
        let state = phone.state.borrow();
        let residents: Vec<i64> = state
            .records
            .keys()
            .filter(|(k, _)| *k == monalisa_app::sync::RecordKind::Resident)
            .map(|(_, id)| id.parse().unwrap())
            .collect();
        let mut residents = residents;
        residents.sort();
        let mut own: Vec<i64> = t.residents.iter().map(|r| r.0).collect();
        own.sort();
        assert_eq!(residents, own);
        let visits = phone.visits();
        assert!(!visits.is_empty());
        assert!(visits.iter().all(|v| t.visits.contains(&v.id)));
        let _ = DeviceId(0);
    });
}
