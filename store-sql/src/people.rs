//! The people of a scope: the ambassador's lists, and saving a resident or a
//! volunteer from their forms. Every change goes through the tables' triggers into the change
//! log, so phones get an edited card (or lose a resident given to someone else) at their next
//! sync.

use super::*;
use crate::sql;
use crate::sync::load_card;
use crate::{PLANNABLE, SqlStore, bad, insert_slots, other, slot_from};
use monalisa_core::domain::rules;
use monalisa_core::domain::{
    AmbassadorId, Date, EndReason, FollowUp, FollowUpMode, Location, Milestone, NotPlanned, Programme, Referral,
    ReferralSource, ResidentId, Rhythm, ScopeId, TravelMode, VolunteerId, WeeklySlot,
};
use monalisa_core::people::{ResidentDraft, VolunteerDraft};
use monalisa_core::wire::people::{FollowUpState, PeopleList, ResidentRow, VolunteerRow};
use monalisa_core::wire::residents::ResidentCard;
use monalisa_store::StoreError;
use sqlx::{Any, Row, Transaction};

pub(crate) type Tx<'a> = Transaction<'a, Any>;
type Query<'q> = sql::Query<'q>;

/// The columns a resident's form sets, in the order [`ResidentColumns::bind`] binds them.
const RESIDENT_COLUMNS: [&str; 20] = [
    "first_name",
    "last_name",
    "address",
    "commune",
    "home_lat",
    "home_lon",
    "phone",
    "access_notes",
    "likes",
    "rhythm",
    "isolation",
    "follow_up_start",
    "follow_up_status",
    "status_since",
    "paused_until",
    "volunteer_id",
    "referred_by",
    "referred_on",
    "follow_up_mode",
    "end_reason",
];

/// The columns a volunteer's form sets, in the order they are bound.
const VOLUNTEER_COLUMNS: [&str; 14] = [
    "first_name",
    "last_name",
    "phone",
    "commune",
    "home_lat",
    "home_lon",
    "travel_mode",
    "radius_km",
    "weekly_capacity",
    "charter_signed",
    "charter_signed_on",
    "training_done",
    "training_done_on",
    "active",
];

fn bind_volunteer<'a>(q: Query<'a>, d: &'a VolunteerDraft, home: Location) -> Query<'a> {
    q.bind(d.first_name.as_str())
        .bind(d.last_name.as_str())
        .bind(d.phone.as_str())
        .bind(d.commune.as_str())
        .bind(home.lat)
        .bind(home.lon)
        .bind(d.travel.code())
        .bind(d.radius_km)
        .bind(i64::from(d.weekly_capacity))
        .bind(i64::from(d.charter.is_some()))
        .bind(d.charter.and_then(Milestone::day).map(|day| day.to_string()))
        .bind(i64::from(d.training.is_some()))
        .bind(d.training.and_then(Milestone::day).map(|day| day.to_string()))
        .bind(i64::from(d.active))
}

struct ResidentColumns<'a> {
    d: &'a ResidentDraft,
    home: Location,
    status: &'static str,
    since: &'a str,
    until: Option<&'a str>,
}

impl<'a> ResidentColumns<'a> {
    fn bind(&self, q: Query<'a>) -> Query<'a> {
        let d = self.d;
        q.bind(d.first_name.as_str())
            .bind(d.last_name.as_str())
            .bind(d.address.as_str())
            .bind(d.commune.as_str())
            .bind(self.home.lat)
            .bind(self.home.lon)
            .bind(d.phone.as_deref())
            .bind(d.access_notes.as_str())
            .bind(d.likes.as_str())
            .bind(d.rhythm.code())
            .bind(i64::from(d.isolation.get()))
            .bind(d.follow_up_start.to_string())
            .bind(self.status)
            .bind(self.since)
            .bind(self.until)
            .bind(d.volunteer.map(|v| v.0))
            .bind(d.programme.referral.map(|f| f.by.code()))
            .bind(d.programme.referral.and_then(|f| f.on).map(|day| day.to_string()))
            .bind(d.programme.mode.code())
            .bind(d.programme.end_reason.map(|e| e.code()))
    }
}

async fn commune_in_scope(tx: &mut Tx<'_>, scope: ScopeId, commune: &str) -> Result<bool, StoreError> {
    let n: i64 = sql::query_scalar("SELECT count(*) FROM scope_communes WHERE commune = ? AND scope_id = ?")
        .bind(commune)
        .bind(scope.0)
        .fetch_one(&mut **tx)
        .await
        .map_err(other)?;
    Ok(n > 0)
}

/// The form shows positions to 5 decimals (about a metre): a position sent back unchanged
/// keeps the stored one, so saving a form without touching it changes nothing.
fn same_place(stored: Location, typed: Location) -> Location {
    if stored.distance_km(&typed) < 0.002 { stored } else { typed }
}

pub(crate) async fn stored_home(tx: &mut Tx<'_>, table: &str, id: i64) -> Result<Option<Location>, StoreError> {
    let row = sql::query(&format!("SELECT home_lat, home_lon FROM {table} WHERE id = ?"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(other)?;
    Ok(row.map(|r| Location { lat: r.get("home_lat"), lon: r.get("home_lon") }))
}

#[async_trait::async_trait]
impl PeopleStore for SqlStore {
    async fn resident(&self, id: ResidentId) -> Result<Option<Resident>, StoreError> {
        let Some(row) = sql::query("SELECT * FROM residents WHERE id = ?")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?
        else {
            return Ok(None);
        };
        let slots = sql::query(
            "SELECT weekday, start_min, end_min FROM resident_slots WHERE resident_id = ? ORDER BY weekday, start_min",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        resident_from(&row, &slots).map(Some)
    }

    async fn last_contact(&self, id: ResidentId) -> Result<Option<LastContact>, StoreError> {
        let row = sql::query(
            "SELECT day, outcome, (SELECT max(day) FROM reports WHERE resident_id = ?1 AND outcome = 'done') AS last_done \
             FROM reports WHERE resident_id = ?1 ORDER BY day DESC, received_at DESC LIMIT 1",
        )
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(other)?;
        row.map(|row| {
            Ok(LastContact {
                day: date(row.get("day"))?,
                outcome: Outcome::from_code(row.get("outcome")).ok_or_else(|| bad("outcome"))?,
                last_done: opt_date(row.get("last_done"))?,
            })
        })
        .transpose()
    }

    async fn volunteer(&self, id: VolunteerId) -> Result<Option<Volunteer>, StoreError> {
        let Some(row) = sql::query("SELECT * FROM volunteers WHERE id = ?")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?
        else {
            return Ok(None);
        };
        let communes: Vec<String> =
            sql::query_scalar("SELECT commune FROM volunteer_communes WHERE volunteer_id = ? ORDER BY commune")
                .bind(id.0)
                .fetch_all(&self.pool)
                .await
                .map_err(other)?;
        let slots = sql::query("SELECT weekday, start_min, end_min FROM volunteer_slots WHERE volunteer_id = ? ORDER BY weekday, start_min")
            .bind(id.0)
            .fetch_all(&self.pool)
            .await
            .map_err(other)?;
        let absences =
            sql::query("SELECT first_day, last_day FROM volunteer_absences WHERE volunteer_id = ? ORDER BY first_day")
                .bind(id.0)
                .fetch_all(&self.pool)
                .await
                .map_err(other)?;
        volunteer_from(&row, &communes, &slots, &absences).map(Some)
    }

    async fn ambassador(&self, id: AmbassadorId) -> Result<Option<Ambassador>, StoreError> {
        let row = sql::query("SELECT id, first_name, last_name, phone, scope_id FROM ambassadors WHERE id = ?")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        Ok(row.as_ref().map(ambassador_from))
    }

    async fn resident_card(&self, id: ResidentId) -> Result<Option<ResidentCard>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(other)?;
        load_card(&mut conn, id.0).await
    }

    async fn scope_people_list(&self, scope: ScopeId) -> Result<PeopleList, StoreError> {
        let rows = sql::query(
            "SELECT r.id, CASE WHEN r.consent_withdrawn_on IS NULL THEN r.first_name || ' ' || r.last_name ELSE '' END AS name, c.name AS commune, r.rhythm, r.isolation, \
             r.follow_up_status, v.first_name || ' ' || v.last_name AS volunteer, r.volunteer_id, r.follow_up_start, \
             (SELECT max(day) FROM reports p WHERE p.resident_id = r.id AND p.outcome = 'done') AS last_done \
             FROM residents r JOIN scope_communes sc ON sc.commune = r.commune JOIN communes c ON c.insee = r.commune \
             LEFT JOIN volunteers v ON v.id = r.volunteer_id \
             WHERE sc.scope_id = ? ORDER BY r.last_name, r.first_name, r.id",
        )
        .bind(scope.0)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let residents = rows
            .iter()
            .map(|row| {
                let rhythm = Rhythm::from_code(row.get("rhythm")).ok_or_else(|| bad("rhythm"))?;
                Ok(ResidentRow {
                    id: ResidentId(row.get("id")),
                    name: row.get("name"),
                    commune: row.get("commune"),
                    rhythm,
                    isolation: u8::try_from(row.get::<i64, _>("isolation")).map_err(other)?,
                    state: match row.get::<&str, _>("follow_up_status") {
                        "active" => FollowUpState::Active,
                        "paused" => FollowUpState::Paused,
                        _ => FollowUpState::Ended,
                    },
                    volunteer: row.get("volunteer"),
                    volunteer_id: row.get::<Option<i64>, _>("volunteer_id").map(VolunteerId),
                    next_due: rules::next_due(
                        rhythm,
                        date(row.get("follow_up_start"))?,
                        row.get::<Option<String>, _>("last_done").as_deref().map(date).transpose()?,
                    ),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let rows = sql::query(
            "SELECT v.id, v.first_name || ' ' || v.last_name AS name, c.name AS commune, v.travel_mode, v.radius_km, \
             v.weekly_capacity, v.active, v.charter_signed, v.training_done, \
             (SELECT count(*) FROM residents r WHERE r.volunteer_id = v.id AND r.follow_up_status <> 'ended') AS followed \
             FROM volunteers v JOIN communes c ON c.insee = v.commune \
             WHERE v.scope_id = ? ORDER BY v.last_name, v.first_name, v.id",
        )
        .bind(scope.0)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let slots = sql::query(
            "SELECT s.volunteer_id, s.weekday, s.start_min, s.end_min FROM volunteer_slots s \
             JOIN volunteers v ON v.id = s.volunteer_id WHERE v.scope_id = ? ORDER BY s.weekday, s.start_min",
        )
        .bind(scope.0)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let mut volunteers = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.get("id");
            let availability: Vec<WeeklySlot> = slots
                .iter()
                .filter(|s| s.get::<i64, _>("volunteer_id") == id)
                .map(slot_from)
                .collect::<Result<_, _>>()?;
            let active = row.get::<i64, _>("active") != 0;
            volunteers.push(VolunteerRow {
                id: VolunteerId(id),
                name: row.get("name"),
                commune: row.get("commune"),
                travel: travel_mode(&row)?,
                radius_km: row.get("radius_km"),
                weekly_capacity: u8::try_from(row.get::<i64, _>("weekly_capacity")).map_err(other)?,
                availability,
                active,
                not_planned: NotPlanned::given(
                    active,
                    row.get::<i64, _>("charter_signed") != 0,
                    row.get::<i64, _>("training_done") != 0,
                ),
                residents: u32::try_from(row.get::<i64, _>("followed")).map_err(other)?,
            });
        }
        Ok(PeopleList { residents, volunteers, split: Vec::new() })
    }

    async fn save_resident(
        &self,
        scope: ScopeId,
        d: &ResidentDraft,
        home: Location,
        recorded_by: AmbassadorId,
        today: Date,
    ) -> Result<ResidentId, StoreError> {
        let (_write, mut tx) = self.write().await?;
        let id = write_resident(&mut tx, scope, d, home, recorded_by, today).await?;
        tx.commit().await.map_err(other)?;
        Ok(id)
    }

    async fn place_home(&self, scope: ScopeId, resident: ResidentId, home: Location) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        let row = sql::query("SELECT commune, consent_withdrawn_on FROM residents WHERE id = ?")
            .bind(resident.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(other)?
            .ok_or(StoreError::NotFound)?;
        if !commune_in_scope(&mut tx, scope, row.get("commune")).await? {
            return Err(StoreError::NotFound);
        }
        if row.get::<Option<String>, _>("consent_withdrawn_on").is_some() {
            return Err(StoreError::Conflict("consent withdrawn: the record is erased".into()));
        }
        sql::query("UPDATE residents SET home_lat = ?, home_lon = ? WHERE id = ?")
            .bind(home.lat)
            .bind(home.lon)
            .bind(resident.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn save_volunteer(
        &self,
        scope: ScopeId,
        d: &VolunteerDraft,
        home: Location,
    ) -> Result<VolunteerId, StoreError> {
        let (_write, mut tx) = self.write().await?;
        let id = write_volunteer(&mut tx, scope, d, home).await?;
        tx.commit().await.map_err(other)?;
        Ok(id)
    }

    async fn add_absence(&self, scope: ScopeId, volunteer: VolunteerId, absence: DayRange) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write_on_volunteer(scope, volunteer).await?;
        sql::query("INSERT INTO volunteer_absences (volunteer_id, first_day, last_day) VALUES (?, ?, ?)")
            .bind(volunteer.0)
            .bind(absence.first.to_string())
            .bind(absence.last.to_string())
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)
    }

    async fn remove_absence(
        &self,
        scope: ScopeId,
        volunteer: VolunteerId,
        absence: DayRange,
    ) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write_on_volunteer(scope, volunteer).await?;
        // One of them, if the same days were declared twice.
        let done = sql::query(&crate::push_sql::cancel_absence(self.dialect))
            .bind(volunteer.0)
            .bind(absence.first.to_string())
            .bind(absence.last.to_string())
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await.map_err(other)
    }

    async fn hand_over(
        &self,
        scope: ScopeId,
        volunteer: VolunteerId,
        to: &[(ResidentId, Option<VolunteerId>)],
        deactivate: bool,
    ) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        hand_over(&mut tx, scope, volunteer, to, deactivate).await?;
        tx.commit().await.map_err(other)?;
        Ok(())
    }

    async fn import_records(&self, scope: ScopeId) -> Result<ImportRecords, StoreError> {
        crate::imports::records(&self.pool, scope).await
    }

    async fn save_import_run(&self, run: &ImportRun) -> Result<i64, StoreError> {
        crate::imports::save_run(self, run).await
    }

    async fn purge_import_runs(&self, now: Timestamp) -> Result<u64, StoreError> {
        crate::imports::purge_runs(self, now).await
    }

    async fn import_run(&self, id: i64, now: Timestamp) -> Result<Option<ImportRun>, StoreError> {
        crate::imports::run(&self.pool, id, now).await
    }

    async fn apply_import(&self, apply: &ImportApply) -> Result<ImportApplied, StoreError> {
        let (_write, mut tx) = self.write().await?;
        let done = crate::imports::apply(&mut tx, apply).await?;
        if matches!(done, ImportApplied::Done(_)) {
            tx.commit().await.map_err(other)?;
        }
        Ok(done)
    }
}

/// Creates or updates a resident of the scope within a transaction (see
/// [`PeopleStore::save_resident`]).
pub(crate) async fn write_resident(
    tx: &mut Tx<'_>,
    scope: ScopeId,
    d: &ResidentDraft,
    home: Location,
    recorded_by: AmbassadorId,
    today: Date,
) -> Result<ResidentId, StoreError> {
    if !commune_in_scope(tx, scope, d.commune.as_str()).await? {
        return Err(StoreError::Invalid("commune".into()));
    }
    if let Some(v) = d.volunteer
        && !volunteer_in_scope(tx, v, scope, false).await?
    {
        return Err(StoreError::Invalid("benevole".into()));
    }
    let previous = match d.id {
        None => None,
        Some(id) => {
            let row = sql::query(
                "SELECT commune, follow_up_status, status_since, paused_until, consent_withdrawn_on FROM residents WHERE id = ?",
            )
            .bind(id.0)
            .fetch_optional(&mut **tx)
            .await
            .map_err(other)?
            .ok_or(StoreError::NotFound)?;
            if !commune_in_scope(tx, scope, row.get("commune")).await? {
                return Err(StoreError::NotFound);
            }
            if row.get::<Option<String>, _>("consent_withdrawn_on").is_some() {
                return Err(StoreError::Conflict("consent withdrawn: the record is erased".into()));
            }
            let since = crate::date(row.get("status_since"))?;
            Some(match row.get::<&str, _>("follow_up_status") {
                "active" => FollowUp::Active { since },
                "paused" => FollowUp::Paused { since, until: None },
                _ => FollowUp::Ended { on: since },
            })
        }
    };
    let (status, since, until) = match d.follow_up.apply(previous, today) {
        FollowUp::Active { since } => ("active", since, None),
        FollowUp::Paused { since, until } => ("paused", since, until),
        FollowUp::Ended { on } => ("ended", on, None),
    };
    let home = match d.id {
        Some(id) => stored_home(tx, "residents", id.0).await?.map_or(home, |h| same_place(h, home)),
        None => home,
    };
    let (status, since, until) = (status, since.to_string(), until.map(|u| u.to_string()));
    let fields = ResidentColumns { d, home, status, since: &since, until: until.as_deref() };
    let id = match d.id {
        Some(id) => {
            let sql = format!("UPDATE residents SET {} WHERE id = ?", RESIDENT_COLUMNS.join(" = ?, ") + " = ?");
            fields.bind(sql::query(&sql)).bind(id.0).execute(&mut **tx).await.map_err(other)?;
            sql::query("DELETE FROM resident_slots WHERE resident_id = ?")
                .bind(id.0)
                .execute(&mut **tx)
                .await
                .map_err(other)?;
            id
        }
        None => {
            let (given_on, method) = d.consent.ok_or_else(|| StoreError::Invalid("consentement_date".into()))?;
            let sql = format!(
                "INSERT INTO residents ({}, consent_on, consent_method, consent_recorded_by) VALUES ({}?, ?, ?) RETURNING id",
                RESIDENT_COLUMNS.join(", "),
                "?, ".repeat(RESIDENT_COLUMNS.len())
            );
            let query = fields.bind(sql::query(&sql)).bind(given_on.to_string()).bind(method.code());
            ResidentId(query.bind(recorded_by.0).fetch_one(&mut **tx).await.map_err(other)?.get(0))
        }
    };
    insert_slots(tx, "resident_slots", "resident_id", id.0, &d.preferred).await?;
    Ok(id)
}

/// Creates or updates a volunteer of the scope within a transaction (see
/// [`PeopleStore::save_volunteer`]).
pub(crate) async fn write_volunteer(
    tx: &mut Tx<'_>,
    scope: ScopeId,
    d: &VolunteerDraft,
    home: Location,
) -> Result<VolunteerId, StoreError> {
    // Nothing stays assigned to an inactive volunteer: their residents are handed over first.
    if let (Some(id), false) = (d.id, d.active)
        && followed_by(tx, id).await? > 0
    {
        return Err(StoreError::Invalid("actif".into()));
    }
    for c in &d.communes {
        if !commune_in_scope(tx, scope, c.as_str()).await? {
            return Err(StoreError::Invalid("communes".into()));
        }
    }
    let home = match d.id {
        Some(id) => stored_home(tx, "volunteers", id.0).await?.map_or(home, |h| same_place(h, home)),
        None => home,
    };
    let id = match d.id {
        Some(id) => {
            let sql = format!(
                "UPDATE volunteers SET {} WHERE id = ? AND scope_id = ?",
                VOLUNTEER_COLUMNS.join(" = ?, ") + " = ?"
            );
            let done = bind_volunteer(sql::query(&sql), d, home)
                .bind(id.0)
                .bind(scope.0)
                .execute(&mut **tx)
                .await
                .map_err(other)?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            for table in ["volunteer_communes", "volunteer_slots"] {
                sql::query(&format!("DELETE FROM {table} WHERE volunteer_id = ?"))
                    .bind(id.0)
                    .execute(&mut **tx)
                    .await
                    .map_err(other)?;
            }
            id
        }
        None => {
            let sql = format!(
                "INSERT INTO volunteers ({}, scope_id) VALUES ({}?) RETURNING id",
                VOLUNTEER_COLUMNS.join(", "),
                "?, ".repeat(VOLUNTEER_COLUMNS.len())
            );
            VolunteerId(
                bind_volunteer(sql::query(&sql), d, home)
                    .bind(scope.0)
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(other)?
                    .get(0),
            )
        }
    };
    for c in &d.communes {
        sql::query("INSERT INTO volunteer_communes (volunteer_id, commune) VALUES (?, ?)")
            .bind(id.0)
            .bind(c.as_str())
            .execute(&mut **tx)
            .await
            .map_err(other)?;
    }
    insert_slots(tx, "volunteer_slots", "volunteer_id", id.0, &d.availability).await?;
    Ok(id)
}

impl SqlStore {
    /// A write transaction about one of the scope's volunteers (`NotFound` for another's).
    async fn write_on_volunteer(
        &self,
        scope: ScopeId,
        volunteer: VolunteerId,
    ) -> Result<(tokio::sync::OwnedMutexGuard<()>, Tx<'static>), StoreError> {
        let (guard, mut tx) = self.write().await?;
        if !volunteer_in_scope(&mut tx, volunteer, scope, false).await? {
            return Err(StoreError::NotFound);
        }
        Ok((guard, tx))
    }
}

/// Whether a volunteer is of the scope (and, with `plannable`, may be given visits: active,
/// charter signed and training done; `monalisa_core::domain::Volunteer::plannable`).
async fn volunteer_in_scope(
    tx: &mut Tx<'_>,
    volunteer: VolunteerId,
    scope: ScopeId,
    plannable: bool,
) -> Result<bool, StoreError> {
    let sql = format!("SELECT count(*) FROM volunteers WHERE id = ? AND scope_id = ? AND (({PLANNABLE}) OR NOT ?)");
    let n: i64 = sql::query_scalar(&sql)
        .bind(volunteer.0)
        .bind(scope.0)
        .bind(plannable)
        .fetch_one(&mut **tx)
        .await
        .map_err(other)?;
    Ok(n > 0)
}

/// How many residents still followed have this volunteer as their usual one.
async fn followed_by(tx: &mut Tx<'_>, volunteer: VolunteerId) -> Result<i64, StoreError> {
    sql::query_scalar("SELECT count(*) FROM residents WHERE volunteer_id = ? AND follow_up_status <> 'ended'")
        .bind(volunteer.0)
        .fetch_one(&mut **tx)
        .await
        .map_err(other)
}

/// Hands a volunteer's residents over (see [`PeopleStore::hand_over`]).
pub(crate) async fn hand_over(
    tx: &mut Tx<'_>,
    scope: ScopeId,
    volunteer: VolunteerId,
    to: &[(ResidentId, Option<VolunteerId>)],
    deactivate: bool,
) -> Result<(), StoreError> {
    if !volunteer_in_scope(tx, volunteer, scope, false).await? {
        return Err(StoreError::NotFound);
    }
    for (resident, next) in to {
        if let Some(next) = *next
            && (next == volunteer || !volunteer_in_scope(tx, next, scope, true).await?)
        {
            return Err(StoreError::Invalid("benevole".into()));
        }
        let done = sql::query("UPDATE residents SET volunteer_id = ? WHERE id = ? AND volunteer_id = ?")
            .bind(next.map(|v| v.0))
            .bind(resident.0)
            .bind(volunteer.0)
            .execute(&mut **tx)
            .await
            .map_err(other)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict("resident".into()));
        }
    }
    if deactivate {
        if followed_by(tx, volunteer).await? > 0 {
            return Err(StoreError::Conflict("still_following".into()));
        }
        sql::query("UPDATE volunteers SET active = 0 WHERE id = ?")
            .bind(volunteer.0)
            .execute(&mut **tx)
            .await
            .map_err(other)?;
    }
    Ok(())
}

/// A resident from their row and their preferred slots' rows.
pub(crate) fn resident_from(row: &AnyRow, slots: &[AnyRow]) -> Result<Resident, StoreError> {
    let since = date(row.get("status_since"))?;
    let follow_up = match row.get::<&str, _>("follow_up_status") {
        "active" => FollowUp::Active { since },
        "paused" => FollowUp::Paused { since, until: opt_date(row.get("paused_until"))? },
        _ => FollowUp::Ended { on: since },
    };
    Ok(Resident {
        id: ResidentId(row.get("id")),
        first_name: row.get("first_name"),
        last_name: row.get("last_name"),
        address: row.get("address"),
        commune: InseeCode::parse(row.get("commune")).ok_or_else(|| bad("commune"))?,
        home: Location { lat: row.get("home_lat"), lon: row.get("home_lon") },
        phone: row.get("phone"),
        access_notes: row.get("access_notes"),
        likes: row.get("likes"),
        rhythm: Rhythm::from_code(row.get("rhythm")).ok_or_else(|| bad("rhythm"))?,
        isolation: IsolationLevel::new(u8::try_from(row.get::<i64, _>("isolation")).unwrap_or(0))
            .ok_or_else(|| bad("isolation"))?,
        preferred: slots.iter().map(slot_from).collect::<Result<_, _>>()?,
        consent: Consent {
            given_on: date(row.get("consent_on"))?,
            method: ConsentMethod::from_code(row.get("consent_method")).ok_or_else(|| bad("consent method"))?,
            recorded_by: AmbassadorId(row.get("consent_recorded_by")),
        },
        follow_up_start: date(row.get("follow_up_start"))?,
        follow_up,
        volunteer: row.get::<Option<i64>, _>("volunteer_id").map(VolunteerId),
        programme: programme_from(row)?,
    })
}

/// A resident's referral, follow-up mode and end reason from their row.
pub(crate) fn programme_from(row: &AnyRow) -> Result<Programme, StoreError> {
    let referral = match row.get::<Option<&str>, _>("referred_by") {
        None => None,
        Some(code) => Some(Referral {
            by: ReferralSource::from_code(code).ok_or_else(|| bad("referral"))?,
            on: opt_date(row.get("referred_on"))?,
        }),
    };
    Ok(Programme {
        referral,
        mode: FollowUpMode::from_code(row.get("follow_up_mode")).ok_or_else(|| bad("follow-up mode"))?,
        end_reason: row
            .get::<Option<&str>, _>("end_reason")
            .map(|code| EndReason::from_code(code).ok_or_else(|| bad("end reason")))
            .transpose()?,
    })
}

/// A volunteer from their row and the rows of their communes, slots and absences.
pub(crate) fn volunteer_from(
    row: &AnyRow,
    communes: &[String],
    slots: &[AnyRow],
    absences: &[AnyRow],
) -> Result<Volunteer, StoreError> {
    Ok(Volunteer {
        id: VolunteerId(row.get("id")),
        first_name: row.get("first_name"),
        last_name: row.get("last_name"),
        phone: row.get("phone"),
        commune: InseeCode::parse(row.get("commune")).ok_or_else(|| bad("commune"))?,
        home: Location { lat: row.get("home_lat"), lon: row.get("home_lon") },
        scope: ScopeId(row.get("scope_id")),
        travel: travel_mode(row)?,
        reach: Reach {
            communes: communes
                .iter()
                .map(|c| InseeCode::parse(c).ok_or_else(|| bad("commune")))
                .collect::<Result<_, _>>()?,
            radius_km: row.get("radius_km"),
        },
        weekly_capacity: u8::try_from(row.get::<i64, _>("weekly_capacity")).map_err(other)?,
        availability: slots.iter().map(slot_from).collect::<Result<_, _>>()?,
        absences: absences
            .iter()
            .map(|r| DayRange::new(date(r.get("first_day"))?, date(r.get("last_day"))?).ok_or_else(|| bad("absence")))
            .collect::<Result<_, _>>()?,
        charter: milestone(row, "charter_signed")?,
        training: milestone(row, "training_done")?,
        active: row.get::<i64, _>("active") != 0,
    })
}

fn travel_mode(row: &AnyRow) -> Result<TravelMode, StoreError> {
    TravelMode::from_code(row.get("travel_mode")).ok_or_else(|| bad("travel mode"))
}

/// A step of a volunteer's path from its flag column and its day column (`{flag}_on`).
fn milestone(row: &AnyRow, flag: &str) -> Result<Option<Milestone>, StoreError> {
    if row.get::<i64, _>(flag) == 0 {
        return Ok(None);
    }
    Ok(Some(match row.get::<Option<&str>, _>(format!("{flag}_on").as_str()) {
        Some(day) => Milestone::On(date(day)?),
        None => Milestone::DateUnknown,
    }))
}
