//! The phone's side of sync, as plain Rust over two traits: [`LocalDb`] (IndexedDB in the
//! browser, [`memory::MemoryDb`] in native tests) and [`Transport`] (HTTP in the browser, a
//! direct call into the server's code in tests). The same code runs in both, so the property
//! tests exercise what ships.
//!
//! Guarantees kept here: a mutation leaves the outbox only when the server acknowledged it;
//! a pull page is applied in one local transaction together with its cursor.

use super::*;
use crate::domain::Timestamp;

/// A mutation waiting to be sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub mutation: Mutation,
    /// The phone's clock when it was queued.
    pub queued_at: Timestamp,
}

/// What became of a sent mutation, as the phone remembers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentRecord {
    pub id: ClientId,
    pub status: AckStatus,
    pub acked_at: Timestamp,
    /// A refused mutation, kept for the volunteer to correct (nothing recorded is lost): on the
    /// phone, its readable copy as the outbox held it (encrypted under the data key); `None`
    /// for the others, and once corrected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kept: Option<String>,
}

/// What changed in the volunteer's published rounds (shown until seen).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundNotice {
    Added { visit: VisitId, resident: ResidentId, day: Date, start: Minute },
    Moved { visit: VisitId, resident: ResidentId, from: (Date, Minute), to: (Date, Minute) },
    Removed { visit: VisitId, resident: ResidentId, day: Date },
}

/// The notices a pull page makes, given the visits the phone held before it.
pub fn round_notices(before: &[VisitRecord], changes: &[Change], first_sync: bool) -> Vec<RoundNotice> {
    if first_sync {
        return Vec::new(); // everything is new on a fresh phone: not "changes"
    }
    let mut out = Vec::new();
    for change in changes {
        match change {
            Change::Visit(v) => match before.iter().find(|b| b.id == v.id) {
                None => out.push(RoundNotice::Added { visit: v.id, resident: v.resident, day: v.day, start: v.start }),
                Some(b) if (b.day, b.start) != (v.day, v.start) => out.push(RoundNotice::Moved {
                    visit: v.id,
                    resident: v.resident,
                    from: (b.day, b.start),
                    to: (v.day, v.start),
                }),
                Some(_) => {}
            },
            Change::Removed { record: RecordKind::Visit, id } => {
                if let Some(b) = before.iter().find(|b| b.id.0.to_string() == *id) {
                    if !b.reported {
                        out.push(RoundNotice::Removed { visit: b.id, resident: b.resident, day: b.day });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    #[error("no network")]
    Offline,
    #[error("not logged in")]
    NotLoggedIn,
    #[error("device revoked")]
    DeviceRevoked,
    #[error("server error: {0}")]
    Server(String),
    #[error("local storage error: {0}")]
    Local(String),
    /// The server no longer accepts this app's protocol: the app must be updated.
    #[error("this version of the app is too old for the server")]
    UpgradeRequired,
}

/// A mutation as the outbox hands it to a push.
#[derive(Clone, Debug, PartialEq)]
pub enum Outgoing {
    Clear(Mutation),
    Sealed(SealedMutation),
}

impl Outgoing {
    pub fn id(&self) -> &ClientId {
        match self {
            Outgoing::Clear(m) => &m.id,
            Outgoing::Sealed(s) => &s.id,
        }
    }
}

/// Where the phone keeps its data. Every method is one local transaction.
#[expect(async_fn_in_trait, reason = "single-threaded callers (the browser, local test tasks); no Send bound wanted")]
pub trait LocalDb {
    /// Adds a mutation to the outbox (a report saved on the phone).
    async fn enqueue(&self, entry: OutboxEntry) -> Result<(), SyncError>;
    /// The oldest waiting mutations, in the order they were queued.
    async fn outbox(&self, limit: usize) -> Result<Vec<Outgoing>, SyncError>;
    /// Records acknowledgements: each acked mutation leaves the outbox.
    async fn settle(&self, acks: &[Ack], now: Timestamp) -> Result<(), SyncError>;
    async fn cursor(&self) -> Result<Option<Cursor>, SyncError>;
    /// Applies a page's changes and stores its cursor, all or nothing.
    async fn apply_page(&self, page: &PullResponse) -> Result<(), SyncError>;
}

/// How the phone reaches the server.
#[expect(async_fn_in_trait, reason = "single-threaded callers (the browser, local test tasks); no Send bound wanted")]
pub trait Transport {
    async fn push(&self, request: PushRequest) -> Result<PushResponse, SyncError>;
    async fn pull(&self, request: PullRequest) -> Result<PullResponse, SyncError>;
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub pushed: usize,
    /// Changes applied from the server (the absences' list counts as one).
    pub pulled: usize,
}

/// Sends the whole outbox, batch by batch. Stops at the first failure (the rest waits).
/// A revoked device's batch is accepted into quarantine, then `DeviceRevoked` is returned.
pub async fn push_outbox<L: LocalDb, T: Transport>(db: &L, transport: &T, now: Timestamp) -> Result<usize, SyncError> {
    let mut pushed = 0;
    loop {
        let batch = db.outbox(MAX_BATCH).await?;
        if batch.is_empty() {
            return Ok(pushed);
        }
        let sent: Vec<ClientId> = batch.iter().map(|e| e.id().clone()).collect();
        let mut request = PushRequest { protocol: PROTOCOL_VERSION, sent_at: now, mutations: vec![], sealed: vec![] };
        for outgoing in batch {
            match outgoing {
                Outgoing::Clear(m) => request.mutations.push(m),
                Outgoing::Sealed(s) => request.sealed.push(s),
            }
        }
        let response = transport.push(request).await?;
        // Only acks for what was sent count; a batch not fully acked is an error, never a loop.
        let acks: Vec<Ack> = response.acks.into_iter().filter(|a| sent.contains(&a.id)).collect();
        db.settle(&acks, now).await?;
        pushed += acks.len();
        if response.device_revoked {
            return Err(SyncError::DeviceRevoked);
        }
        if acks.len() < sent.len() {
            return Err(SyncError::Server("some mutations were not acknowledged".into()));
        }
    }
}

/// Pulls every waiting page, applying each (with its cursor) before asking for the next.
pub async fn pull_changes<L: LocalDb, T: Transport>(db: &L, transport: &T) -> Result<usize, SyncError> {
    let mut pulled = 0;
    loop {
        let cursor = db.cursor().await?;
        let page = transport.pull(PullRequest { protocol: PROTOCOL_VERSION, cursor, limit: MAX_PAGE }).await?;
        db.apply_page(&page).await?;
        // The absences' list (protocol 2, on the last page) replaces the phone's: one change.
        pulled += page.changes.len() + usize::from(page.absences.is_some());
        if !page.more {
            return Ok(pulled);
        }
    }
}

/// One sync: push what waits, then pull what changed.
pub async fn sync<L: LocalDb, T: Transport>(db: &L, transport: &T, now: Timestamp) -> Result<SyncReport, SyncError> {
    sync_with(db, transport, now, true).await
}

/// One sync; with `pull` false (a locked phone: it can deliver its sealed outbox, but not
/// write what it would receive), the push only.
pub async fn sync_with<L: LocalDb, T: Transport>(
    db: &L,
    transport: &T,
    now: Timestamp,
    pull: bool,
) -> Result<SyncReport, SyncError> {
    let pushed = push_outbox(db, transport, now).await?;
    let pulled = if pull { pull_changes(db, transport).await? } else { 0 };
    Ok(SyncReport { pushed, pulled })
}

/// After this long in the outbox, a report gets a warning (DESIGN: 3 days).
pub const STALE_AFTER_MS: i64 = 3 * 86_400_000;

/// How many outbox entries have waited too long at `now` (the phone's clock).
pub fn stale_count(queued: &[Timestamp], now: Timestamp) -> usize {
    queued.iter().filter(|q| now.0 - q.0 > STALE_AFTER_MS).count()
}

/// Delay before the next automatic sync after `failures` failures in a row: 30 s doubling up
/// to 15 min, with ±20 % jitter from `random` (0..1) so phones do not retry in step.
pub fn retry_delay_ms(failures: u32, random: f64) -> u64 {
    let base = 30_000f64 * 2f64.powi(failures.min(5) as i32);
    let capped = base.min(900_000.0);
    (capped * (0.8 + 0.4 * random.clamp(0.0, 1.0))) as u64
}

/// The sync timer's period when all is well.
pub const SYNC_EVERY_MS: u64 = 60_000;

/// Apply a page's changes to maps of records (shared by the in-memory store and the IndexedDB
/// store's logic): upserts and removals by (kind, key).
pub fn apply_to<R: RecordStore>(store: &mut R, changes: &[Change]) {
    for change in changes {
        match change {
            Change::Resident(r) => store.put(RecordKind::Resident, r.id.0.to_string(), Record::Resident(r.clone())),
            Change::Visit(v) => store.put(RecordKind::Visit, v.id.0.to_string(), Record::Visit(v.clone())),
            Change::Report(r) => store.put(RecordKind::Report, r.id.to_string(), Record::Report(r.clone())),
            Change::Removed { record, id } => store.remove(*record, id),
        }
    }
}

/// One record the phone keeps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Record {
    Resident(ResidentRecord),
    Visit(VisitRecord),
    Report(ReportRecord),
}

/// Something records can be put into and removed from.
pub trait RecordStore {
    fn put(&mut self, kind: RecordKind, key: String, record: Record);
    fn remove(&mut self, kind: RecordKind, key: &str);
}

#[cfg(not(target_arch = "wasm32"))]
pub mod memory {
    //! An in-memory [`LocalDb`] for native tests, with the same transaction semantics as the
    //! IndexedDB one (a failed page changes nothing) and fault injection.

    use super::*;
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct MemoryState {
        pub outbox: BTreeMap<u64, OutboxEntry>,
        pub next_seq: u64,
        pub sent: BTreeMap<ClientId, SentRecord>,
        pub records: BTreeMap<(RecordKind, String), Record>,
        pub cursor: Option<Cursor>,
        pub notices: Vec<RoundNotice>,
    }

    impl RecordStore for MemoryState {
        fn put(&mut self, kind: RecordKind, key: String, record: Record) {
            self.records.insert((kind, key), record);
        }
        fn remove(&mut self, kind: RecordKind, key: &str) {
            self.records.remove(&(kind, key.to_owned()));
        }
    }

    #[derive(Debug, Default)]
    pub struct MemoryDb {
        pub state: RefCell<MemoryState>,
        /// Makes the next `apply_page` fail after this many changes (then clears itself).
        pub fail_next_page_after: RefCell<Option<usize>>,
    }

    impl MemoryDb {
        pub fn visits(&self) -> Vec<VisitRecord> {
            self.state
                .borrow()
                .records
                .values()
                .filter_map(|r| match r {
                    Record::Visit(v) => Some(v.clone()),
                    _ => None,
                })
                .collect()
        }
    }

    impl LocalDb for MemoryDb {
        async fn enqueue(&self, entry: OutboxEntry) -> Result<(), SyncError> {
            let mut s = self.state.borrow_mut();
            let seq = s.next_seq;
            s.next_seq += 1;
            s.outbox.insert(seq, entry);
            Ok(())
        }

        async fn outbox(&self, limit: usize) -> Result<Vec<Outgoing>, SyncError> {
            Ok(self.state.borrow().outbox.values().take(limit).map(|e| Outgoing::Clear(e.mutation.clone())).collect())
        }

        async fn settle(&self, acks: &[Ack], now: Timestamp) -> Result<(), SyncError> {
            let mut s = self.state.borrow_mut();
            for ack in acks {
                let refused = s
                    .outbox
                    .values()
                    .find(|e| e.mutation.id == ack.id && matches!(ack.status, AckStatus::Rejected { .. }))
                    .and_then(|e| serde_json::to_string(e).ok());
                s.outbox.retain(|_, e| e.mutation.id != ack.id);
                s.sent.insert(
                    ack.id.clone(),
                    SentRecord { id: ack.id.clone(), status: ack.status.clone(), acked_at: now, kept: refused },
                );
            }
            Ok(())
        }

        async fn cursor(&self) -> Result<Option<Cursor>, SyncError> {
            Ok(self.state.borrow().cursor.clone())
        }

        async fn apply_page(&self, page: &PullResponse) -> Result<(), SyncError> {
            let fail_after = self.fail_next_page_after.borrow_mut().take();
            // Work on a copy: the page lands whole or not at all.
            let mut next = self.state.borrow().clone();
            let before = self.visits();
            let first = next.cursor.is_none() || next.cursor.as_ref().is_some_and(|c| c.snapshot.is_some());
            if let Some(n) = fail_after {
                if n < page.changes.len() {
                    apply_to(&mut next, &page.changes[..n]);
                    return Err(SyncError::Local("injected failure".into()));
                }
            }
            apply_to(&mut next, &page.changes);
            next.notices.extend(round_notices(&before, &page.changes, first));
            next.cursor = Some(page.cursor.clone());
            *self.state.borrow_mut() = next;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::memory::MemoryDb;
    use super::*;
    use crate::domain::Date;

    fn visit(id: i64, day: &str) -> VisitRecord {
        VisitRecord {
            id: VisitId(id),
            resident: ResidentId(id * 10),
            day: Date::parse(day).unwrap(),
            start: Minute::hm(14, 0).unwrap(),
            order: 0,
            week_start: Date::parse("2026-11-23").unwrap(),
            reported: false,
        }
    }

    #[test]
    fn notices_describe_round_changes() {
        let before = vec![visit(1, "2026-11-24"), visit(2, "2026-11-25"), visit(3, "2026-11-26")];
        let changes = vec![
            Change::Visit(visit(1, "2026-11-24")),
            Change::Visit(visit(2, "2026-11-27")),
            Change::Removed { record: RecordKind::Visit, id: "3".into() },
            Change::Visit(visit(4, "2026-11-28")),
        ];
        let notices = round_notices(&before, &changes, false);
        assert_eq!(notices.len(), 3);
        assert!(matches!(notices[0], RoundNotice::Moved { visit: VisitId(2), .. }));
        assert!(matches!(notices[1], RoundNotice::Removed { visit: VisitId(3), .. }));
        assert!(matches!(notices[2], RoundNotice::Added { visit: VisitId(4), .. }));
        assert!(round_notices(&[], &changes, true).is_empty(), "a first sync is not a change");
    }

    #[test]
    fn stale_reports_with_a_fake_clock() {
        let outbox = vec![Timestamp(0), Timestamp(STALE_AFTER_MS / 2)];
        assert_eq!(stale_count(&outbox, Timestamp(STALE_AFTER_MS)), 0, "exactly 3 days is not yet too long");
        assert_eq!(stale_count(&outbox, Timestamp(STALE_AFTER_MS + 1)), 1);
        assert_eq!(stale_count(&outbox, Timestamp(2 * STALE_AFTER_MS)), 2);
    }

    #[test]
    fn retry_delays_back_off_with_jitter() {
        assert_eq!(retry_delay_ms(0, 0.5), 30_000);
        assert_eq!(retry_delay_ms(1, 0.5), 60_000);
        assert_eq!(retry_delay_ms(10, 0.5), 900_000);
        assert_eq!(retry_delay_ms(0, 0.0), 24_000);
        assert_eq!(retry_delay_ms(0, 1.0), 36_000);
    }

    #[test]
    fn a_failed_page_changes_nothing() {
        let db = MemoryDb::default();
        let page = PullResponse {
            changes: vec![Change::Visit(visit(1, "2026-11-24")), Change::Visit(visit(2, "2026-11-25"))],
            cursor: Cursor { seq: 9, snapshot: None },
            more: false,
            server_time: Timestamp(0),
            absences: None,
        };
        *db.fail_next_page_after.borrow_mut() = Some(1);
        let before = db.state.borrow().clone();
        assert!(futures_lite_block_on(db.apply_page(&page)).is_err());
        assert_eq!(*db.state.borrow(), before);
        assert!(futures_lite_block_on(db.apply_page(&page)).is_ok());
        assert_eq!(db.visits().len(), 2);
        assert_eq!(db.state.borrow().cursor.as_ref().unwrap().seq, 9);
    }

    /// Runs a future that never waits (the in-memory store's) to completion.
    fn futures_lite_block_on<F: std::future::Future>(f: F) -> F::Output {
        use std::task::{Context, Poll, Waker};
        let mut f = std::pin::pin!(f);
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }
}
