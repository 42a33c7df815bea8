//! Downloads: the coverage indicators (CSV), a resident's dossier (JSON).

use crate::http::error::AppError;
use crate::http::extract::{Ambassador, Caller, Query};
use crate::http::prelude::*;
use crate::http::state::AppState;

#[derive(serde::Deserialize)]
pub(crate) struct PeriodQuery {
    de: Option<String>,
    a: Option<String>,
}

/// The coverage indicators per commune and month as a CSV download (coordinators).
pub(crate) async fn export_coverage(
    State(state): State<AppState>,
    Caller(me): Caller,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let (text, from, to) =
        monalisa_app::api::coverage::ssr::export(&state.ctx, q.de.as_deref(), q.a.as_deref()).await?;
    let detail = format!("{from} {to}");
    monalisa_app::backend::auth::audit(&state.ctx, Some(&me), "coverage.export", "territory", "", &detail).await?;
    let disposition = format!("attachment; filename=\"monalisa-indicateurs-{from}-{to}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        text,
    )
        .into_response())
}

#[derive(serde::Deserialize)]
pub(crate) struct IdQuery {
    id: i64,
}

/// Right of access: everything held on one resident of the scope, as a JSON download.
pub(crate) async fn export_dossier(
    State(state): State<AppState>,
    Ambassador { me, .. }: Ambassador,
    Query(q): Query<IdQuery>,
) -> Result<Response, AppError> {
    let id = monalisa_app::domain::ResidentId(q.id);
    let dossier = monalisa_app::api::dossier::ssr::dossier_for(&state.ctx, &me, id).await?;
    Ok((
        [
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"monalisa-personne-{}.json\"", q.id)),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        axum::Json(dossier),
    )
        .into_response())
}
