//! The review page's form posts: mark reviewed, bring a removed phone's push into the record.

use crate::http::error::AppError;
use crate::http::extract::{Ambassador, Form};
use crate::http::prelude::*;
use crate::http::state::AppState;

#[derive(serde::Deserialize)]
pub(crate) struct ReviewedForm {
    #[serde(rename = "type")]
    kind: String,
    id: String,
}

/// The review page's buttons (plain form posts): a flagged report or a quarantined push marked
/// reviewed, with who and when; back to the page.
pub(crate) async fn mark_reviewed(
    State(state): State<AppState>,
    Ambassador { me, scope }: Ambassador,
    Form(form): Form<ReviewedForm>,
) -> Result<Response, AppError> {
    use monalisa_app::api::review::ReviewItem;
    let Some(item) = ReviewItem::from_form(&form.kind, &form.id) else {
        return Err(AppError::invalid("id", "rapport or envoi, and its id"));
    };
    let now = monalisa_app::domain::Timestamp(monalisa_app::backend::now_ms());
    state.ctx.store.mark_reviewed(scope, &item, me.user.id, now).await.map_err(AppError::store)?;
    monalisa_app::backend::auth::audit(&state.ctx, Some(&me), "review.done", "report", item.id(), "").await?;
    Ok(Redirect::to("/a-verifier").into_response())
}

/// The review page's "record it" button: what a removed phone sent enters the record as the
/// phone would have sent it (counted, its concerns raised), marked reviewed; back to the page.
pub(crate) async fn release_quarantined(
    State(state): State<AppState>,
    Ambassador { me, scope }: Ambassador,
    Form(form): Form<ReviewedForm>,
) -> Result<Response, AppError> {
    let Some(id) = monalisa_app::domain::ClientId::parse(&form.id).filter(|_| form.kind == "envoi") else {
        return Err(AppError::invalid("id", "envoi, and its id"));
    };
    let now = monalisa_app::domain::Timestamp(monalisa_app::backend::now_ms());
    let status = state.ctx.store.release_quarantined(scope, &id, me.user.id, now).await.map_err(AppError::store)?;
    let detail = serde_json::to_string(&status).unwrap_or_default();
    let audit =
        monalisa_app::backend::auth::audit(&state.ctx, Some(&me), "review.release", "report", id.as_str(), &detail);
    audit.await?;
    Ok(Redirect::to("/a-verifier").into_response())
}
