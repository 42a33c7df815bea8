//! The concerns page's form posts: the next step of a concern's follow-up.

use crate::http::error::AppError;
use crate::http::extract::{Ambassador, Form};
use crate::http::prelude::*;
use crate::http::state::AppState;

#[derive(serde::Deserialize)]
pub(crate) struct FollowForm {
    rapport: String,
    #[serde(rename = "type")]
    kind: String,
    etape: String,
}

/// The concerns page's buttons (plain form posts): the next step of a concern's follow-up,
/// recorded with who took it and when; back to the page.
pub(crate) async fn follow_concern(
    State(state): State<AppState>,
    Ambassador { me, scope }: Ambassador,
    Form(form): Form<FollowForm>,
) -> Result<Response, AppError> {
    use monalisa_app::api::concerns::FollowUpStep;
    use monalisa_app::domain::{ClientId, ConcernKind, Timestamp};
    let invalid = AppError::invalid;
    let Some(report) = ClientId::parse(&form.rapport) else { return Err(invalid("rapport", "a report id")) };
    let Some(kind) = ConcernKind::from_code(&form.kind) else { return Err(invalid("type", "a kind of concern")) };
    let Some(step) = FollowUpStep::from_code(&form.etape) else {
        return Err(invalid("etape", "acknowledge or resolve"));
    };
    let now = Timestamp(monalisa_app::backend::now_ms());
    state.ctx.store.follow_concern(scope, &report, kind, step, me.user.id, now).await.map_err(AppError::store)?;
    let action = match step {
        FollowUpStep::Acknowledge => "concern.acknowledge",
        FollowUpStep::Resolve => "concern.resolve",
    };
    let audit =
        monalisa_app::backend::auth::audit(&state.ctx, Some(&me), action, "report", report.as_str(), kind.code());
    audit.await?;
    Ok(Redirect::to("/signalements").into_response())
}
