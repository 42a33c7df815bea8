//! "Planifier la semaine" (ambassadors): the planning engine run on the ambassador's scope for
//! one week, shown for review, then published as the volunteers' rounds.
//!
//! The plan is computed with a fixed seed and iteration budget, so the same data always gives
//! the same plan: the page shows it with a fingerprint, and publishing recomputes it and
//! refuses if the fingerprint changed meanwhile (someone declared an absence, a report came
//! in): what is published is exactly what the ambassador saw.

pub use monalisa_core::wire::planning::*;

use super::ApiError;

use crate::domain::{Date, VolunteerId};

use leptos::prelude::*;

use leptos::server_fn::codec::Json;

#[server(prefix = "/api/v1", endpoint = "planning/round-sheet", input = Json)]
pub async fn printable_round(volunteer: VolunteerId, week: Date) -> Result<RoundSheet, ApiError> {
    crate::backend::reply(ssr::sheet(volunteer, week).await)
}

#[server(prefix = "/api/v1", endpoint = "planning/visit-entry", input = Json)]
pub async fn visit_for_entry(visit: crate::domain::VisitId) -> Result<VisitEntry, ApiError> {
    crate::backend::reply(ssr::entry(visit).await)
}

#[server(prefix = "/api/v1", endpoint = "planning/preview", input = Json)]
pub async fn planning_preview(week: Date) -> Result<PlanPreview, ApiError> {
    crate::backend::reply(ssr::preview(week).await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::domain::ResidentId;

    pub async fn sheet(volunteer: VolunteerId, week: Date) -> Result<RoundSheet, ApiError> {
        use crate::backend::{auth, internal, server_context};
        let ctx = server_context()?;
        let auth::Ambassador { me, scope } = auth::ambassador()?;
        if week.week_start() != week {
            return Err(ApiError::Invalid { field: "semaine".into(), reason: "a week starts on a Monday".into() });
        }
        let (sheet, residents) =
            ctx.store.round_sheet(scope, volunteer, week).await.map_err(internal)?.ok_or(ApiError::NotFound)?;
        for resident in residents {
            auth::audit(&ctx, Some(&me), "resident.read", "resident", &resident.to_string(), "printed round").await?;
        }
        Ok(sheet)
    }

    pub async fn entry(visit: crate::domain::VisitId) -> Result<VisitEntry, ApiError> {
        use crate::backend::{auth, internal, server_context};
        let ctx = server_context()?;
        let auth::Ambassador { me, scope } = auth::ambassador()?;
        let found = ctx.store.visit_entry(scope, visit).await.map_err(internal)?.ok_or(ApiError::NotFound)?;
        auth::audit(&ctx, Some(&me), "resident.read", "resident", &found.resident.to_string(), "report entry").await?;
        Ok(found)
    }

    pub async fn preview(week: Date) -> Result<PlanPreview, ApiError> {
        use crate::backend::{auth, server_context};
        let ctx = server_context()?;
        let auth::Ambassador { me, scope } = auth::ambassador()?;
        let computed = crate::planning::compute(&ctx, scope, week).await?;
        let mut shown: Vec<ResidentId> = computed.preview.unserved.iter().map(|u| u.resident).collect();
        for round in &computed.preview.rounds {
            shown.extend(round.visits.iter().map(|v| v.resident));
        }
        let mut preview = computed.preview;
        let today = crate::domain::Timestamp(crate::backend::now_ms()).paris_local().0;
        preview.declined =
            ctx.store.declined_visits(scope, today.week_start()).await.map_err(crate::backend::internal)?;
        shown.extend(preview.declined.iter().map(|d| d.resident));
        preview.absent =
            ctx.store.visits_during_absences(scope, today.week_start()).await.map_err(crate::backend::internal)?;
        shown.extend(preview.absent.iter().map(|a| a.resident));
        shown.sort_by_key(|r| r.0);
        shown.dedup();
        for resident in shown {
            auth::audit(&ctx, Some(&me), "resident.read", "resident", &resident.to_string(), "planning").await?;
        }
        Ok(preview)
    }
}
