//! The coverage view's data: the whole territory in a handful of queries, without
//! names or addresses (only communes, positions, rhythms, follow-up dates, visit days, concern
//! times).

use super::*;
use crate::sql;
use crate::{SqlStore, bad, date, other};
use monalisa_core::coverage::{ConcernDates, ResidentHistory, VolunteerReach};
use monalisa_core::domain::{Date, FollowUp, Location, ResidentId, Rhythm, ScopeId, Timestamp};
use monalisa_core::wire::planning::UnservedReason;
use monalisa_store::{CoverageData, StoreError};
use sqlx::Row;
use std::collections::HashMap;

fn reason_code(r: UnservedReason) -> &'static str {
    match r {
        UnservedReason::NoVolunteerInRange => "no_volunteer_in_range",
        UnservedReason::NoCommonSlot => "no_common_slot",
        UnservedReason::NoCapacity => "no_capacity",
    }
}

fn reason_from(code: &str) -> Option<UnservedReason> {
    [UnservedReason::NoVolunteerInRange, UnservedReason::NoCommonSlot, UnservedReason::NoCapacity]
        .into_iter()
        .find(|r| reason_code(*r) == code)
}

#[async_trait::async_trait]
impl CoverageStore for SqlStore {
    async fn record_unserved(
        &self,
        scope: ScopeId,
        week_start: Date,
        unserved: &[(ResidentId, UnservedReason)],
    ) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        sql::query("DELETE FROM plan_unserved WHERE scope_id = ?")
            .bind(scope.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        for (resident, reason) in unserved {
            sql::query("INSERT INTO plan_unserved (scope_id, week_start, resident_id, reason) VALUES (?, ?, ?, ?)")
                .bind(scope.0)
                .bind(week_start.to_string())
                .bind(resident.0)
                .bind(reason_code(*reason))
                .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        tx.commit().await.map_err(other)
    }

    async fn coverage_data(&self) -> Result<CoverageData, StoreError> {
        let rows = sql::query("SELECT insee, name, outline, centre_lat, centre_lon FROM communes ORDER BY name")
            .fetch_all(&self.pool)
            .await
            .map_err(other)?;
        let communes = rows.iter().map(|r| (r.get("insee"), r.get("name"))).collect();
        let shapes = rows
            .iter()
            .map(|r| {
                (r.get("insee"), r.get("outline"), Location { lat: r.get("centre_lat"), lon: r.get("centre_lon") })
            })
            .collect();

        // One row per resident (the database joins the days): far fewer rows to decode than visits.
        let mut done: HashMap<i64, Vec<Date>> = HashMap::new();
        let visits = sql::query(&format!(
            "SELECT resident_id, {} AS days FROM \
             (SELECT resident_id, day FROM reports WHERE outcome = 'done' ORDER BY resident_id, day) AS done \
             GROUP BY resident_id",
            self.dialect.joined("day")
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        for v in &visits {
            let mut days = v.get::<&str, _>("days").split(',').map(date).collect::<Result<Vec<Date>, _>>()?;
            days.sort_unstable();
            done.insert(v.get("resident_id"), days);
        }
        let mut pairings: HashMap<i64, Vec<(Date, Option<Date>)>> = HashMap::new();
        for p in sql::query("SELECT resident_id, started_on, ended_on FROM pairings ORDER BY resident_id, started_on")
            .fetch_all(&self.pool)
            .await
            .map_err(other)?
        {
            let ended = p.get::<Option<String>, _>("ended_on").map(|d: String| date(&d)).transpose()?;
            pairings.entry(p.get("resident_id")).or_default().push((date(p.get("started_on"))?, ended));
        }
        let rows = sql::query(
            "SELECT id, commune, home_lat, home_lon, rhythm, follow_up_start, follow_up_status, status_since, \
             paused_until, volunteer_id, referred_on FROM residents ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let mut residents = Vec::with_capacity(rows.len());
        let mut usual: Vec<(String, i64)> = Vec::new();
        for r in &rows {
            let since = date(r.get("status_since"))?;
            let follow_up = match r.get::<&str, _>("follow_up_status") {
                "active" => FollowUp::Active { since },
                "paused" => FollowUp::Paused {
                    since,
                    until: r.get::<Option<String>, _>("paused_until").map(|d: String| date(&d)).transpose()?,
                },
                _ => FollowUp::Ended { on: since },
            };
            let commune: String = r.get("commune");
            if let (Some(v), false) =
                (r.get::<Option<i64>, _>("volunteer_id"), matches!(follow_up, FollowUp::Ended { .. }))
            {
                usual.push((commune.clone(), v));
            }
            residents.push(ResidentHistory {
                commune,
                home: Location { lat: r.get("home_lat"), lon: r.get("home_lon") },
                rhythm: Rhythm::from_code(r.get("rhythm")).ok_or_else(|| bad("rhythm"))?,
                start: date(r.get("follow_up_start"))?,
                follow_up,
                done: done.remove(&r.get::<i64, _>("id")).unwrap_or_default(),
                referred_on: r.get::<Option<String>, _>("referred_on").map(|d: String| date(&d)).transpose()?,
                pairings: pairings.remove(&r.get::<i64, _>("id")).unwrap_or_default(),
            });
        }

        let rows = sql::query(&format!(
            "SELECT id, commune, home_lat, home_lon, radius_km, weekly_capacity FROM volunteers WHERE {PLANNABLE} ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let mut accepted: HashMap<i64, Vec<String>> = HashMap::new();
        for a in sql::query("SELECT volunteer_id, commune FROM volunteer_communes")
            .fetch_all(&self.pool)
            .await
            .map_err(other)?
        {
            accepted.entry(a.get("volunteer_id")).or_default().push(a.get("commune"));
        }
        let mut index: HashMap<i64, usize> = HashMap::new();
        let mut volunteers = Vec::with_capacity(rows.len());
        for (i, v) in rows.iter().enumerate() {
            let id: i64 = v.get("id");
            index.insert(id, i);
            volunteers.push(VolunteerReach {
                commune: v.get("commune"),
                home: Location { lat: v.get("home_lat"), lon: v.get("home_lon") },
                radius_km: v.get("radius_km"),
                communes: accepted.remove(&id).unwrap_or_default(),
                weekly_capacity: u32::try_from(v.get::<i64, _>("weekly_capacity")).unwrap_or(0),
            });
        }
        let pairs = usual.into_iter().filter_map(|(c, v)| index.get(&v).map(|&i| (c, i))).collect();

        let rows = sql::query(
            "SELECT r.commune, c.raised_at, c.acknowledged_at, c.resolved_at FROM concerns c JOIN residents r ON r.id = c.resident_id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let day = |ms: i64| Date::from_timestamp(Timestamp(ms));
        let concerns = rows
            .iter()
            .map(|r| {
                let raised: i64 = r.get("raised_at");
                let acked: Option<i64> = r.get("acknowledged_at");
                ConcernDates {
                    commune: r.get("commune"),
                    raised: day(raised),
                    acknowledged: acked.map(day),
                    resolved: r.get::<Option<i64>, _>("resolved_at").map(day),
                    hours_to_acknowledge: acked.map(|a| (a - raised).max(0) as f64 / 3_600_000.0),
                }
            })
            .collect();
        let rows =
            sql::query("SELECT r.commune, u.reason FROM plan_unserved u JOIN residents r ON r.id = u.resident_id")
                .fetch_all(&self.pool)
                .await
                .map_err(other)?;
        let unserved = rows
            .iter()
            .map(|r| Ok((r.get("commune"), reason_from(r.get("reason")).ok_or_else(|| bad("unserved reason"))?)))
            .collect::<Result<_, StoreError>>()?;
        Ok(CoverageData { communes, shapes, residents, volunteers, pairs, concerns, unserved })
    }
}
