//! TerritoryStore.

use super::*;
use crate::sql;

#[async_trait::async_trait]
impl TerritoryStore for SqlStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sql::query("SELECT 1").execute(&self.pool).await.map_err(other)?;
        Ok(())
    }

    async fn secret(&self, name: &str, fresh: &[u8]) -> Result<Vec<u8>, StoreError> {
        let (_write, mut tx) = self.write().await?;
        sql::query(
            "INSERT INTO server_secrets (name, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(fresh)
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        let stored: Vec<u8> = sql::query_scalar("SELECT secret FROM server_secrets WHERE name = ?")
            .bind(name)
            .fetch_one(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)?;
        Ok(stored)
    }

    async fn ensure_communes(&self, communes: &[CommuneRecord]) -> Result<usize, StoreError> {
        let (_write, mut tx) = self.write().await?;
        let existing: i64 =
            sql::query_scalar("SELECT count(*) FROM communes").fetch_one(&mut *tx).await.map_err(other)?;
        if existing > 0 {
            return Ok(0);
        }
        for r in communes {
            let c = &r.commune;
            sql::query(
                "INSERT INTO communes (insee, name, population, population_year, area_km2, centre_lat, centre_lon, outline) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(c.insee.as_str())
            .bind(&c.name)
            .bind(i64::from(c.population))
            .bind(i64::from(c.population_year))
            .bind(c.area_km2)
            .bind(c.centre.lat)
            .bind(c.centre.lon)
            .bind(&r.outline)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        }
        tx.commit().await.map_err(other)?;
        Ok(communes.len())
    }

    async fn communes(&self) -> Result<Vec<Commune>, StoreError> {
        let rows = sql::query(
            "SELECT insee, name, population, population_year, area_km2, centre_lat, centre_lon FROM communes ORDER BY insee",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        rows.into_iter()
            .map(|row| {
                let insee: String = row.get("insee");
                Ok(Commune {
                    insee: InseeCode::parse(&insee)
                        .ok_or_else(|| StoreError::Invalid(format!("bad INSEE code {insee}")))?,
                    name: row.get("name"),
                    population: u32::try_from(row.get::<i64, _>("population")).map_err(other)?,
                    population_year: u16::try_from(row.get::<i64, _>("population_year")).map_err(other)?,
                    area_km2: row.get("area_km2"),
                    centre: Location { lat: row.get("centre_lat"), lon: row.get("centre_lon") },
                })
            })
            .collect()
    }

    async fn counts(&self) -> Result<StoreCounts, StoreError> {
        let row = sql::query(
            "SELECT (SELECT count(*) FROM communes) AS communes, (SELECT count(*) FROM scopes) AS scopes, \
             (SELECT count(*) FROM ambassadors) AS ambassadors, (SELECT count(*) FROM volunteers) AS volunteers, \
             (SELECT count(*) FROM residents) AS residents, (SELECT count(*) FROM visits) AS visits, \
             (SELECT count(*) FROM reports) AS reports, (SELECT count(*) FROM users) AS accounts",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(other)?;
        let n = |c: &str| row.get::<i64, _>(c) as u64;
        Ok(StoreCounts {
            communes: n("communes"),
            scopes: n("scopes"),
            ambassadors: n("ambassadors"),
            volunteers: n("volunteers"),
            residents: n("residents"),
            visits: n("visits"),
            reports: n("reports"),
            accounts: n("accounts"),
        })
    }

    async fn import_population(&self, p: &Population) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        for s in &p.scopes {
            sql::query("INSERT INTO scopes (id, name) VALUES (?, ?)")
                .bind(s.id.0)
                .bind(&s.name)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
            for c in &s.communes {
                sql::query("INSERT INTO scope_communes (commune, scope_id) VALUES (?, ?)")
                    .bind(c.as_str())
                    .bind(s.id.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| StoreError::Invalid(format!("commune {c} cannot join scope {}: {e}", s.id)))?;
            }
        }
        for a in &p.ambassadors {
            sql::query("INSERT INTO ambassadors (id, first_name, last_name, phone, scope_id) VALUES (?, ?, ?, ?, ?)")
                .bind(a.id.0)
                .bind(&a.first_name)
                .bind(&a.last_name)
                .bind(&a.phone)
                .bind(a.scope.map(|s| s.0))
                .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        for v in &p.volunteers {
            sql::query(
                "INSERT INTO volunteers (id, first_name, last_name, phone, commune, home_lat, home_lon, scope_id, \
                 travel_mode, radius_km, weekly_capacity, charter_signed, charter_signed_on, training_done, \
                 training_done_on, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(v.id.0)
            .bind(&v.first_name)
            .bind(&v.last_name)
            .bind(&v.phone)
            .bind(v.commune.as_str())
            .bind(v.home.lat)
            .bind(v.home.lon)
            .bind(v.scope.0)
            .bind(v.travel.code())
            .bind(v.reach.radius_km)
            .bind(i64::from(v.weekly_capacity))
            .bind(i64::from(v.charter.is_some()))
            .bind(v.charter.and_then(Milestone::day).map(|day| day.to_string()))
            .bind(i64::from(v.training.is_some()))
            .bind(v.training.and_then(Milestone::day).map(|day| day.to_string()))
            .bind(i64::from(v.active))
            .execute(&mut *tx)
            .await
            .map_err(other)?;
            for c in &v.reach.communes {
                sql::query("INSERT INTO volunteer_communes (volunteer_id, commune) VALUES (?, ?)")
                    .bind(v.id.0)
                    .bind(c.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(other)?;
            }
            insert_slots(&mut tx, "volunteer_slots", "volunteer_id", v.id.0, &v.availability).await?;
            for a in &v.absences {
                sql::query("INSERT INTO volunteer_absences (volunteer_id, first_day, last_day) VALUES (?, ?, ?)")
                    .bind(v.id.0)
                    .bind(a.first.to_string())
                    .bind(a.last.to_string())
                    .execute(&mut *tx)
                    .await
                    .map_err(other)?;
            }
        }
        for r in &p.residents {
            let (status, since, until) = match r.follow_up {
                FollowUp::Active { since } => ("active", since, None),
                FollowUp::Paused { since, until } => ("paused", since, until),
                FollowUp::Ended { on } => ("ended", on, None),
            };
            sql::query(
                "INSERT INTO residents (id, first_name, last_name, address, commune, home_lat, home_lon, phone, access_notes, \
                 likes, rhythm, isolation, consent_on, consent_method, consent_recorded_by, follow_up_start, \
                 follow_up_status, status_since, paused_until, volunteer_id, referred_by, referred_on, \
                 follow_up_mode, end_reason) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(r.id.0)
            .bind(&r.first_name)
            .bind(&r.last_name)
            .bind(&r.address)
            .bind(r.commune.as_str())
            .bind(r.home.lat)
            .bind(r.home.lon)
            .bind(r.phone.as_deref())
            .bind(&r.access_notes)
            .bind(&r.likes)
            .bind(r.rhythm.code())
            .bind(i64::from(r.isolation.get()))
            .bind(r.consent.given_on.to_string())
            .bind(r.consent.method.code())
            .bind(r.consent.recorded_by.0)
            .bind(r.follow_up_start.to_string())
            .bind(status)
            .bind(since.to_string())
            .bind(until.map(|d| d.to_string()))
            .bind(r.volunteer.map(|v| v.0))
            .bind(r.programme.referral.map(|f| f.by.code()))
            .bind(r.programme.referral.and_then(|f| f.on).map(|day| day.to_string()))
            .bind(r.programme.mode.code())
            .bind(r.programme.end_reason.map(|e| e.code()))
            .execute(&mut *tx)
            .await
            .map_err(other)?;
            insert_slots(&mut tx, "resident_slots", "resident_id", r.id.0, &r.preferred).await?;
        }
        for round in &p.rounds {
            let status = match round.status {
                RoundStatus::Draft => "draft",
                RoundStatus::Published => "published",
            };
            sql::query("INSERT INTO rounds (id, volunteer_id, week_start, status) VALUES (?, ?, ?, ?)")
                .bind(round.id.0)
                .bind(round.volunteer.0)
                .bind(round.week_start.to_string())
                .bind(status)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        // Route order of a visit = its position in its round's list.
        let seq_of = |visit: &monalisa_core::domain::Visit| -> i64 {
            visit
                .round
                .and_then(|rid| p.rounds.iter().find(|r| r.id == rid))
                .and_then(|round| round.visits.iter().position(|v| *v == visit.id))
                .map_or(0, |i| i as i64)
        };
        for v in &p.visits {
            let status = match v.status {
                VisitStatus::Planned => "planned",
                VisitStatus::Cancelled => "cancelled",
                VisitStatus::Reported => "reported",
            };
            sql::query(
                "INSERT INTO visits (id, round_id, seq, resident_id, volunteer_id, day, start_min, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(v.id.0)
            .bind(v.round.map(|r| r.0))
            .bind(seq_of(v))
            .bind(v.resident.0)
            .bind(v.volunteer.0)
            .bind(v.day.to_string())
            .bind(i64::from(v.start.get()))
            .bind(status)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        }
        for r in &p.reports {
            let received = r.received_at.unwrap_or(r.recorded_at);
            sql::query(
                "INSERT INTO reports (id, visit_id, resident_id, volunteer_id, day, outcome, duration_min, mood, note, \
                 proposed_next, recorded_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(r.id.as_str())
            .bind(r.visit.map(|v| v.0))
            .bind(r.resident.0)
            .bind(r.volunteer.0)
            .bind(r.day.to_string())
            .bind(r.outcome.code())
            .bind(r.duration_minutes.map(i64::from))
            .bind(r.mood.map(|m| i64::from(m.get())))
            .bind(&r.note)
            .bind(r.proposed_next.map(|d| d.to_string()))
            .bind(r.recorded_at.0)
            .bind(received.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
            for kind in &r.concerns {
                sql::query(
                    "INSERT INTO concerns (report_id, kind, resident_id, status, raised_at) VALUES (?, ?, ?, 'open', ?)",
                )
                .bind(r.id.as_str())
                .bind(kind.code())
                .bind(r.resident.0)
                .bind(received.0)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
            }
        }
        if self.dialect == Dialect::Postgres {
            // The ids came with the population: the next ones the database gives follow them.
            sql::query("SELECT 1 FROM (SELECT sync_identities()) AS synced").execute(&mut *tx).await.map_err(other)?;
        }
        tx.commit().await.map_err(other)?;
        Ok(())
    }

    async fn close(&self) {
        // Fold the write-ahead log into the database file, so the file alone is complete
        // (backups, copies) after a clean stop.
        if self.dialect == Dialect::Sqlite {
            if let Err(e) = sql::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.pool).await {
                tracing::warn!(error = %e, "checkpoint at close failed");
            }
        }
        crate::leases::release_all(self).await;
        self.pool.close().await;
    }

    async fn hold_lease(&self, name: &str) -> Result<bool, StoreError> {
        crate::leases::hold(self, name).await
    }

    async fn commune_name(&self, insee: &str) -> Result<Option<String>, StoreError> {
        sql::query_scalar("SELECT name FROM communes WHERE insee = ?")
            .bind(insee)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn scope_of_commune(&self, insee: &str) -> Result<Option<ScopeId>, StoreError> {
        let scope: Option<i64> = sql::query_scalar("SELECT scope_id FROM scope_communes WHERE commune = ?")
            .bind(insee)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?;
        Ok(scope.map(ScopeId))
    }

    async fn scope_communes(&self, scope: ScopeId) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sql::query(
            "SELECT c.insee, c.name FROM communes c JOIN scope_communes sc ON sc.commune = c.insee \
             WHERE sc.scope_id = ? ORDER BY c.name",
        )
        .bind(scope.0)
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        Ok(rows.iter().map(|r| (r.get("insee"), r.get("name"))).collect())
    }

    async fn scope_outlines(&self, scope: ScopeId) -> Result<Vec<(String, String)>, StoreError> {
        sql::query_as(
            "SELECT c.insee, c.outline FROM communes c JOIN scope_communes sc ON sc.commune = c.insee WHERE sc.scope_id = ? ORDER BY c.insee",
        )
        .bind(scope.0)
        .fetch_all(&self.pool)
        .await
        .map_err(other)
    }

    async fn scopes(&self) -> Result<Vec<ScopeSetup>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(other)?;
        let scopes =
            sql::query("SELECT id, name FROM scopes ORDER BY name").fetch_all(&mut *tx).await.map_err(other)?;
        let communes = sql::query("SELECT commune, scope_id FROM scope_communes ORDER BY commune")
            .fetch_all(&mut *tx)
            .await
            .map_err(other)?;
        let ambassadors = sql::query("SELECT id, scope_id FROM ambassadors WHERE scope_id IS NOT NULL ORDER BY id")
            .fetch_all(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)?;
        Ok(scopes
            .iter()
            .map(|row| {
                let id: i64 = row.get("id");
                ScopeSetup {
                    id: ScopeId(id),
                    name: row.get("name"),
                    communes: communes
                        .iter()
                        .filter(|c| c.get::<i64, _>("scope_id") == id)
                        .map(|c| c.get("commune"))
                        .collect(),
                    ambassadors: ambassadors
                        .iter()
                        .filter(|a| a.get::<i64, _>("scope_id") == id)
                        .map(|a| AmbassadorId(a.get("id")))
                        .collect(),
                }
            })
            .collect())
    }

    async fn create_scope(&self, name: &str) -> Result<ScopeId, StoreError> {
        let (_write, mut tx) = self.write().await?;
        let id: i64 = sql::query_scalar("INSERT INTO scopes (name) VALUES (?) RETURNING id")
            .bind(name)
            .fetch_one(&mut *tx)
            .await
            .map_err(scope_name_taken)?;
        tx.commit().await.map_err(other)?;
        Ok(ScopeId(id))
    }

    async fn rename_scope(&self, scope: ScopeId, name: &str) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        let done = sql::query("UPDATE scopes SET name = ? WHERE id = ?")
            .bind(name)
            .bind(scope.0)
            .execute(&mut *tx)
            .await
            .map_err(scope_name_taken)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await.map_err(other)?;
        Ok(())
    }

    async fn set_commune_scope(&self, insee: &str, from: Option<ScopeId>, to: ScopeId) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        let known: Option<i64> = sql::query_scalar(
            "SELECT (SELECT count(*) FROM communes WHERE insee = ?1) + (SELECT count(*) FROM scopes WHERE id = ?2)",
        )
        .bind(insee)
        .bind(to.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(other)?;
        if known != Some(2) {
            return Err(StoreError::NotFound);
        }
        let current: Option<i64> = sql::query_scalar("SELECT scope_id FROM scope_communes WHERE commune = ?")
            .bind(insee)
            .fetch_optional(&mut *tx)
            .await
            .map_err(other)?;
        if current != from.map(|s| s.0) {
            return Err(StoreError::Conflict("commune".into()));
        }
        sql::query(
            "INSERT INTO scope_communes (commune, scope_id) VALUES (?, ?) \
             ON CONFLICT (commune) DO UPDATE SET scope_id = excluded.scope_id",
        )
        .bind(insee)
        .bind(to.0)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        // The previous scope's "could not be planned" list no longer speaks for these residents.
        sql::query(
            "DELETE FROM plan_unserved WHERE scope_id <> ?1 \
             AND resident_id IN (SELECT id FROM residents WHERE commune = ?2)",
        )
        .bind(to.0)
        .bind(insee)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        tx.commit().await.map_err(other)?;
        Ok(())
    }

    async fn ambassadors(&self) -> Result<Vec<Ambassador>, StoreError> {
        let rows = sql::query(
            "SELECT id, first_name, last_name, phone, scope_id FROM ambassadors ORDER BY last_name, first_name, id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        Ok(rows.iter().map(ambassador_from).collect())
    }

    async fn create_ambassador(&self, new: &NewAmbassador) -> Result<AmbassadorId, StoreError> {
        let (_write, mut tx) = self.write().await?;
        known_scope(&mut tx, new.scope).await?;
        let id: i64 = sql::query_scalar(
            "INSERT INTO ambassadors (first_name, last_name, phone, scope_id) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(&new.first_name)
        .bind(&new.last_name)
        .bind(&new.phone)
        .bind(new.scope.map(|s| s.0))
        .fetch_one(&mut *tx)
        .await
        .map_err(other)?;
        tx.commit().await.map_err(other)?;
        Ok(AmbassadorId(id))
    }

    async fn set_ambassador_scope(&self, id: AmbassadorId, scope: Option<ScopeId>) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        known_scope(&mut tx, scope).await?;
        let done = sql::query("UPDATE ambassadors SET scope_id = ? WHERE id = ?")
            .bind(scope.map(|s| s.0))
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await.map_err(other)?;
        Ok(())
    }

    async fn move_volunteer(&self, volunteer: VolunteerId, from: ScopeId, to: ScopeId) -> Result<(), StoreError> {
        let (_write, mut tx) = self.write().await?;
        let exists: i64 = sql::query_scalar("SELECT count(*) FROM scopes WHERE id = ?")
            .bind(to.0)
            .fetch_one(&mut *tx)
            .await
            .map_err(other)?;
        if exists == 0 || to == from {
            return Err(StoreError::Invalid("scope".into()));
        }
        let moved = sql::query("UPDATE volunteers SET scope_id = ? WHERE id = ? AND scope_id = ?")
            .bind(to.0)
            .bind(volunteer.0)
            .bind(from.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        if moved.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sql::query(
            "DELETE FROM volunteer_communes WHERE volunteer_id = ? \
             AND commune NOT IN (SELECT commune FROM scope_communes WHERE scope_id = ?)",
        )
        .bind(volunteer.0)
        .bind(to.0)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        sql::query("DELETE FROM planning_locks WHERE volunteer_id = ?")
            .bind(volunteer.0)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await.map_err(other)?;
        Ok(())
    }

    async fn split_pairs(&self) -> Result<Vec<SplitPair>, StoreError> {
        // monalisa_core::scope::split: the resident's scope (their commune's, or none) is not
        // their volunteer's.
        let rows = sql::query(
            "SELECT r.id, r.commune, sc.scope_id AS resident_scope, v.id AS volunteer, v.scope_id AS volunteer_scope \
             FROM residents r JOIN volunteers v ON v.id = r.volunteer_id \
             LEFT JOIN scope_communes sc ON sc.commune = r.commune \
             WHERE sc.scope_id IS DISTINCT FROM v.scope_id AND r.follow_up_status <> 'ended' ORDER BY r.id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        Ok(rows
            .iter()
            .map(|row| SplitPair {
                resident: ResidentId(row.get("id")),
                commune: row.get("commune"),
                resident_scope: row.get::<Option<i64>, _>("resident_scope").map(ScopeId),
                volunteer: VolunteerId(row.get("volunteer")),
                volunteer_scope: ScopeId(row.get("volunteer_scope")),
            })
            .collect())
    }
}

/// A scope name is unique.
fn scope_name_taken(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict("scope".into()),
        _ => other(e),
    }
}

/// `Invalid("scope")` unless `scope` is none or a scope that exists.
async fn known_scope(tx: &mut Transaction<'_, Any>, scope: Option<ScopeId>) -> Result<(), StoreError> {
    let Some(scope) = scope else { return Ok(()) };
    let n: i64 = sql::query_scalar("SELECT count(*) FROM scopes WHERE id = ?")
        .bind(scope.0)
        .fetch_one(&mut **tx)
        .await
        .map_err(other)?;
    if n == 0 {
        return Err(StoreError::Invalid("scope".into()));
    }
    Ok(())
}
