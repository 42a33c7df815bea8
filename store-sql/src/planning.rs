//! PlanningStore.

use super::*;
use crate::sql;
use std::collections::HashMap;

#[async_trait::async_trait]
impl PlanningStore for SqlStore {
    async fn declined_visits(
        &self,
        scope: ScopeId,
        since: Date,
    ) -> Result<Vec<monalisa_core::wire::planning::DeclinedVisit>, StoreError> {
        let rows = sql::query(
            "SELECT d.visit_id, v.resident_id, r.first_name || ' ' || r.last_name AS resident_name, \
             vo.first_name || ' ' || vo.last_name AS volunteer_name, v.day, d.reason, d.received_at \
             FROM visit_declines d JOIN visits v ON v.id = d.visit_id JOIN residents r ON r.id = v.resident_id \
             JOIN scope_communes sc ON sc.commune = r.commune JOIN volunteers vo ON vo.id = d.volunteer_id \
             WHERE sc.scope_id = ? AND v.day >= ? AND r.consent_withdrawn_on IS NULL ORDER BY v.day, d.received_at",
        )
        .bind(scope.0)
        .bind(since.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        rows.iter()
            .map(|row| {
                Ok(monalisa_core::wire::planning::DeclinedVisit {
                    visit: monalisa_core::domain::VisitId(row.get("visit_id")),
                    resident: monalisa_core::domain::ResidentId(row.get("resident_id")),
                    resident_name: row.get("resident_name"),
                    volunteer_name: row.get("volunteer_name"),
                    day: crate::date(row.get("day"))?,
                    reason: row.get("reason"),
                    received_at: monalisa_core::domain::Timestamp(row.get("received_at")),
                })
            })
            .collect()
    }

    async fn visits_during_absences(
        &self,
        scope: ScopeId,
        since: Date,
    ) -> Result<Vec<monalisa_core::wire::planning::AbsentVisit>, StoreError> {
        // Each visit with every absence over its day, the earliest absence first: the first
        // row of each visit is kept.
        let rows = sql::query(
            "SELECT v.id, v.resident_id, r.first_name || ' ' || r.last_name AS resident_name, \
             vo.first_name || ' ' || vo.last_name AS volunteer_name, v.day, a.first_day, a.last_day \
             FROM visits v JOIN rounds ro ON ro.id = v.round_id AND ro.status = 'published' \
             JOIN volunteers vo ON vo.id = v.volunteer_id \
             JOIN volunteer_absences a ON a.volunteer_id = v.volunteer_id AND a.first_day <= v.day AND v.day <= a.last_day \
             JOIN residents r ON r.id = v.resident_id \
             WHERE vo.scope_id = ? AND v.status = 'planned' AND v.day >= ? AND r.consent_withdrawn_on IS NULL \
             ORDER BY v.day, v.start_min, v.id, a.first_day, a.last_day",
        )
        .bind(scope.0)
        .bind(since.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let mut seen = std::collections::HashSet::new();
        rows.iter()
            .filter(|row| seen.insert(row.get::<i64, _>("id")))
            .map(|row| {
                Ok(monalisa_core::wire::planning::AbsentVisit {
                    visit: monalisa_core::domain::VisitId(row.get("id")),
                    resident: ResidentId(row.get("resident_id")),
                    resident_name: row.get("resident_name"),
                    volunteer_name: row.get("volunteer_name"),
                    day: crate::date(row.get("day"))?,
                    absence: DayRange::new(crate::date(row.get("first_day"))?, crate::date(row.get("last_day"))?)
                        .ok_or_else(|| bad("absence"))?,
                })
            })
            .collect()
    }

    async fn planning_people(&self, scope: ScopeId) -> Result<PlanningPeople, StoreError> {
        use crate::people::{resident_from, volunteer_from};
        // One read transaction: the lists and their details come from the same state. Each
        // query selects by scope (?1) and is grouped by person in memory.
        let mut tx = self.pool.begin().await.map_err(other)?;
        let of_scope = "SELECT id FROM volunteers WHERE scope_id = ?1 AND active = 1";
        let rows =
            scope_rows(&mut tx, &format!("SELECT * FROM volunteers WHERE id IN ({of_scope}) ORDER BY id"), scope)
                .await?;
        let communes = by_person(
            scope_rows(
                &mut tx,
                &format!("SELECT volunteer_id, commune FROM volunteer_communes WHERE volunteer_id IN ({of_scope}) ORDER BY commune"),
                scope,
            )
            .await?,
            "volunteer_id",
        );
        let slots = by_person(
            scope_rows(
                &mut tx,
                &format!(
                    "SELECT volunteer_id, weekday, start_min, end_min FROM volunteer_slots \
                     WHERE volunteer_id IN ({of_scope}) ORDER BY weekday, start_min"
                ),
                scope,
            )
            .await?,
            "volunteer_id",
        );
        let absences = by_person(
            scope_rows(
                &mut tx,
                &format!(
                    "SELECT volunteer_id, first_day, last_day FROM volunteer_absences \
                     WHERE volunteer_id IN ({of_scope}) ORDER BY first_day"
                ),
                scope,
            )
            .await?,
            "volunteer_id",
        );
        let mut volunteers = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.get("id");
            let communes: Vec<String> = of(&communes, id).iter().map(|r| r.get("commune")).collect();
            volunteers.push(volunteer_from(row, &communes, of(&slots, id), of(&absences, id))?);
        }
        let in_scope =
            "SELECT r.id FROM residents r JOIN scope_communes sc ON sc.commune = r.commune WHERE sc.scope_id = ?1";
        let rows = scope_rows(
            &mut tx,
            &format!(
                "SELECT r.*, (SELECT max(day) FROM reports p WHERE p.resident_id = r.id AND p.outcome = 'done') AS last_done \
                 FROM residents r WHERE r.id IN ({in_scope}) ORDER BY r.id"
            ),
            scope,
        )
        .await?;
        let slots = by_person(
            scope_rows(
                &mut tx,
                &format!(
                    "SELECT resident_id, weekday, start_min, end_min FROM resident_slots \
                     WHERE resident_id IN ({in_scope}) ORDER BY weekday, start_min"
                ),
                scope,
            )
            .await?,
            "resident_id",
        );
        let mut residents = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.get("id");
            let last_done = row.get::<Option<String>, _>("last_done").map(|d: String| date(&d)).transpose()?;
            residents.push((resident_from(row, of(&slots, id))?, last_done));
        }
        tx.commit().await.map_err(other)?;
        Ok(PlanningPeople { volunteers, residents })
    }

    async fn reported_between(&self, scope: ScopeId, from: Date, to: Date) -> Result<Vec<ResidentId>, StoreError> {
        let ids: Vec<i64> = sql::query_scalar(
            "SELECT DISTINCT p.resident_id FROM reports p JOIN residents r ON r.id = p.resident_id \
             JOIN scope_communes sc ON sc.commune = r.commune \
             WHERE sc.scope_id = ? AND p.day BETWEEN ? AND ? AND p.flag IS NULL ORDER BY p.resident_id",
        )
        .bind(scope.0)
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        Ok(ids.into_iter().map(ResidentId).collect())
    }

    async fn publish_rounds(
        &self,
        scope: ScopeId,
        week_start: Date,
        rounds: &[monalisa_core::wire::planning::PlannedRound],
    ) -> Result<usize, StoreError> {
        let (_write, mut tx) = self.write().await?;
        let week = week_start.to_string();
        let last = week_start.add_days(6).to_string();
        let volunteers: Vec<i64> = sql::query_scalar("SELECT id FROM volunteers WHERE scope_id = ?")
            .bind(scope.0)
            .fetch_all(&mut *tx)
            .await
            .map_err(other)?;
        if let Some(r) = rounds.iter().find(|r| !volunteers.contains(&r.volunteer.0)) {
            return Err(StoreError::Invalid(format!("volunteer {} is not in this scope", r.volunteer)));
        }
        for &v in &volunteers {
            sql::query(
                "UPDATE visits SET status = 'cancelled' WHERE volunteer_id = ? AND day BETWEEN ? AND ? AND status = 'planned'",
            )
            .bind(v)
            .bind(&week)
            .bind(&last)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        }
        let mut published = 0;
        for round in rounds {
            let round_id: i64 = sql::query_scalar(
                "INSERT INTO rounds (volunteer_id, week_start, status) VALUES (?, ?, 'published') \
                 ON CONFLICT (volunteer_id, week_start) DO UPDATE SET status = 'published' RETURNING id",
            )
            .bind(round.volunteer.0)
            .bind(&week)
            .fetch_one(&mut *tx)
            .await
            .map_err(other)?;
            for (seq, visit) in round.visits.iter().enumerate() {
                sql::query(
                    "INSERT INTO visits (round_id, seq, resident_id, volunteer_id, day, start_min, status) \
                     VALUES (?, ?, ?, ?, ?, ?, 'planned')",
                )
                .bind(round_id)
                .bind(seq as i64)
                .bind(visit.resident.0)
                .bind(round.volunteer.0)
                .bind(visit.day.to_string())
                .bind(i64::from(visit.start.get()))
                .execute(&mut *tx)
                .await
                .map_err(other)?;
                // A substitute volunteer's phone needs the resident's card too.
                sql::query("INSERT INTO change_log (kind, entity_id) VALUES ('resident', ?)")
                    .bind(visit.resident.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(other)?;
                published += 1;
            }
        }
        tx.commit().await.map_err(other)?;
        Ok(published)
    }

    async fn planning_locks(
        &self,
        scope: ScopeId,
        week_start: Date,
    ) -> Result<Vec<(ResidentId, monalisa_core::wire::planning::PlanningLock)>, StoreError> {
        let rows = sql::query(
            "SELECT l.resident_id, l.volunteer_id, l.day, l.start_min FROM planning_locks l \
             JOIN volunteers v ON v.id = l.volunteer_id WHERE v.scope_id = ? AND l.week_start = ? ORDER BY l.resident_id",
        )
        .bind(scope.0)
        .bind(week_start.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        rows.iter()
            .map(|r| {
                let at = match (opt_date(r.get("day"))?, r.get::<Option<i64>, _>("start_min")) {
                    (Some(day), Some(m)) => {
                        Some((day, Minute::new(u16::try_from(m).unwrap_or(u16::MAX)).ok_or_else(|| bad("lock time"))?))
                    }
                    _ => None,
                };
                let lock =
                    monalisa_core::wire::planning::PlanningLock { volunteer: VolunteerId(r.get("volunteer_id")), at };
                Ok((ResidentId(r.get("resident_id")), lock))
            })
            .collect()
    }

    async fn set_planning_lock(
        &self,
        scope: ScopeId,
        week_start: Date,
        resident: ResidentId,
        lock: Option<monalisa_core::wire::planning::PlanningLock>,
    ) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        let resident_in_scope: Option<i64> = sql::query_scalar(
            "SELECT r.id FROM residents r JOIN scope_communes sc ON sc.commune = r.commune WHERE r.id = ? AND sc.scope_id = ?",
        )
        .bind(resident.0)
        .bind(scope.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(other)?;
        if resident_in_scope.is_none() {
            return Err(StoreError::NotFound);
        }
        sql::query("DELETE FROM planning_locks WHERE resident_id = ? AND week_start = ?")
            .bind(resident.0)
            .bind(week_start.to_string())
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        if let Some(lock) = lock {
            let in_scope: Option<i64> = sql::query_scalar("SELECT id FROM volunteers WHERE id = ? AND scope_id = ?")
                .bind(lock.volunteer.0)
                .bind(scope.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(other)?;
            if in_scope.is_none() {
                return Err(StoreError::NotFound);
            }
            sql::query(
                "INSERT INTO planning_locks (resident_id, week_start, volunteer_id, day, start_min) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(resident.0)
            .bind(week_start.to_string())
            .bind(lock.volunteer.0)
            .bind(lock.at.map(|(day, _)| day.to_string()))
            .bind(lock.at.map(|(_, m)| i64::from(m.get())))
            .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        tx.commit().await.map_err(other)
    }

    async fn visit_entry(
        &self,
        scope: ScopeId,
        visit: monalisa_core::domain::VisitId,
    ) -> Result<Option<monalisa_core::wire::planning::VisitEntry>, StoreError> {
        let Some(row) = sql::query(
            "SELECT vi.id, vi.day, vi.start_min, r.id AS resident, r.first_name AS rf, r.last_name AS rl, \
             v.id AS volunteer, v.first_name AS vf, v.last_name AS vl \
             FROM visits vi JOIN volunteers v ON v.id = vi.volunteer_id JOIN residents r ON r.id = vi.resident_id \
             JOIN rounds ro ON ro.id = vi.round_id \
             WHERE vi.id = ? AND v.scope_id = ? AND vi.status <> 'cancelled' AND ro.status = 'published'",
        )
        .bind(visit.0)
        .bind(scope.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(other)?
        else {
            return Ok(None);
        };
        // 128 random bits, in the phone's id format (32 lowercase hex digits).
        let mut random = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut random);
        let random: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let report_id = monalisa_core::domain::ClientId::parse(&random).ok_or_else(|| bad("report id"))?;
        let name = |a: &str, b: &str| format!("{} {}", row.get::<String, _>(a), row.get::<String, _>(b));
        Ok(Some(monalisa_core::wire::planning::VisitEntry {
            visit,
            resident: ResidentId(row.get("resident")),
            resident_name: name("rf", "rl"),
            volunteer: VolunteerId(row.get("volunteer")),
            volunteer_name: name("vf", "vl"),
            day: date(row.get("day"))?,
            start: Minute::new(u16::try_from(row.get::<i64, _>("start_min")).unwrap_or(u16::MAX))
                .ok_or_else(|| bad("visit start"))?,
            report_id,
        }))
    }

    async fn round_sheet(
        &self,
        scope: ScopeId,
        volunteer: VolunteerId,
        week_start: Date,
    ) -> Result<Option<(monalisa_core::wire::planning::RoundSheet, Vec<ResidentId>)>, StoreError> {
        use monalisa_core::wire::planning::{RoundSheet, SheetVisit};
        let Some(v) = sql::query("SELECT first_name, last_name FROM volunteers WHERE id = ? AND scope_id = ?")
            .bind(volunteer.0)
            .bind(scope.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?
        else {
            return Ok(None);
        };
        let rows = sql::query(
            "SELECT vi.id AS visit, vi.day, vi.start_min, r.id AS resident, r.first_name, r.last_name, r.address, r.phone, r.access_notes, \
             c.name AS commune FROM visits vi JOIN rounds ro ON ro.id = vi.round_id \
             JOIN residents r ON r.id = vi.resident_id JOIN communes c ON c.insee = r.commune \
             WHERE vi.volunteer_id = ? AND ro.week_start = ? AND ro.status = 'published' AND vi.status <> 'cancelled' \
             ORDER BY vi.day, vi.start_min, vi.seq",
        )
        .bind(volunteer.0)
        .bind(week_start.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let mut visits = Vec::with_capacity(rows.len());
        let mut residents = Vec::with_capacity(rows.len());
        for row in &rows {
            residents.push(ResidentId(row.get("resident")));
            visits.push(SheetVisit {
                visit: monalisa_core::domain::VisitId(row.get("visit")),
                day: date(row.get("day"))?,
                start: Minute::new(u16::try_from(row.get::<i64, _>("start_min")).unwrap_or(u16::MAX))
                    .ok_or_else(|| bad("visit start"))?,
                resident_name: format!("{} {}", row.get::<String, _>("first_name"), row.get::<String, _>("last_name")),
                address: row.get("address"),
                commune: row.get("commune"),
                phone: row.get("phone"),
                access_notes: row.get("access_notes"),
            });
        }
        let volunteer_name = format!("{} {}", v.get::<String, _>("first_name"), v.get::<String, _>("last_name"));
        Ok(Some((RoundSheet { week: week_start, volunteer_name, visits }, residents)))
    }
}

/// The rows a query selecting by scope (`?1`) gives, in `tx`.
async fn scope_rows(tx: &mut Transaction<'static, Any>, sql: &str, scope: ScopeId) -> Result<Vec<AnyRow>, StoreError> {
    sql::query(sql).bind(scope.0).fetch_all(&mut **tx).await.map_err(other)
}

/// Rows grouped by the person id in column `key`, in their order.
fn by_person(rows: Vec<AnyRow>, key: &str) -> HashMap<i64, Vec<AnyRow>> {
    let mut by: HashMap<i64, Vec<AnyRow>> = HashMap::new();
    for r in rows {
        by.entry(r.get(key)).or_default().push(r);
    }
    by
}

/// A person's rows of a [`by_person`] grouping (none if they have none).
fn of(grouped: &HashMap<i64, Vec<AnyRow>>, id: i64) -> &[AnyRow] {
    grouped.get(&id).map_or(&[], Vec::as_slice)
}
