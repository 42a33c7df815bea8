//! The import page's posts (ambassadors, admins): a file uploaded for a dry run, a dry run
//! applied, and the templates to download. A refused upload comes back to the page with the
//! reason; nothing of the file goes into a URL or a log.

use crate::http::error::AppError;
use crate::http::extract::Caller;
use crate::http::forms::people::page_again;
use crate::http::prelude::*;
use crate::http::state::{AppState, request_lang};
use monalisa_app::api::import::ssr::{self as import, Actor, Kind, Refusal};
use monalisa_app::backend::auth::CurrentUser;
use monalisa_app::domain::{InseeCode, Location, ScopeId, Timestamp};
use monalisa_app::pages::import::ImportNotice;

/// The largest file the page takes (a department's lists fit several times over).
pub(crate) const IMPORT_LIMIT: u64 = 8 * 1024 * 1024;

fn actor(me: &CurrentUser) -> Actor {
    Actor { user: me.user.clone(), device: Some(me.device) }
}

/// Whether a position lies inside a commune, from the communes' outlines.
pub(crate) fn inside(shapes: &[crate::territory::CommuneShape]) -> impl Fn(&InseeCode, &Location) -> bool + Sync + '_ {
    move |commune, p| shapes.iter().any(|s| &s.commune.insee == commune && s.contains(p))
}

/// The page again with why the post was refused.
async fn refused(state: &AppState, parts: &axum::http::request::Parts, refusal: &Refusal) -> Response {
    let english = request_lang(&parts.headers) == Lang::En;
    page_again(state, parts, "/import", ImportNotice(refusal.text(english))).await
}

/// A file uploaded for a dry run (`multipart/form-data`: `type`, `secteur` for an admin,
/// `fichier`): checked and kept, then the page shows it.
pub(crate) async fn check_file(
    State(state): State<AppState>,
    Caller(me): Caller,
    req: Request<Body>,
) -> Result<Response, AppError> {
    use axum::extract::FromRequest;
    let (parts, body) = req.into_parts();
    let unreadable = |e: axum::extract::multipart::MultipartError| AppError::unreadable(e.status(), e.body_text());
    let mut multipart = axum::extract::Multipart::from_request(Request::from_parts(parts.clone(), body), &state)
        .await
        .map_err(|e| AppError::unreadable(e.status(), e.body_text()))?;
    let (mut kind, mut scope, mut file) = (None, None, None);
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("type") => kind = Kind::from_code(field.text().await.map_err(unreadable)?.trim()),
            Some("secteur") => scope = field.text().await.map_err(unreadable)?.trim().parse().ok().map(ScopeId),
            Some("fichier") => file = Some(field.bytes().await.map_err(unreadable)?),
            _ => {}
        }
    }
    let Some(kind) = kind else { return Err(AppError::invalid("type", "residents or volunteers")) };
    let Some(file) = file else { return Err(AppError::invalid("fichier", "required")) };
    let now = Timestamp(monalisa_app::backend::now_ms());
    match import::dry_run(&state.ctx, &actor(&me), scope, kind, &file, &inside(&state.shapes), now).await {
        Ok((id, plan)) => {
            let [create, update, unchanged, refused] = plan.counts();
            tracing::info!(run = id, kind = kind.code(), create, update, unchanged, refused, "import checked");
            Ok(Redirect::to(&format!("/import?essai={id}")).into_response())
        }
        Err(Refusal::Api(e)) => Err(e.into()),
        Err(refusal) => Ok(refused(&state, &parts, &refusal).await),
    }
}

/// A dry run applied: the lines left ticked (`ligne`, repeated), checked again; then the page
/// shows what was done, or the lines that changed meanwhile (nothing written).
pub(crate) async fn apply_run(
    State(state): State<AppState>,
    Caller(me): Caller,
    req: Request<Body>,
) -> Result<Response, AppError> {
    let (parts, fields) = crate::http::extract::form_fields(req).await?;
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim());
    let id: i64 =
        field("essai").and_then(|v| v.parse().ok()).ok_or_else(|| AppError::invalid("essai", "a dry run id"))?;
    let sha256 = field("empreinte").ok_or_else(|| AppError::invalid("empreinte", "the file's SHA-256"))?;
    let ticked: Vec<u32> =
        fields.iter().filter(|(k, _)| k == "ligne").filter_map(|(_, v)| v.trim().parse().ok()).collect();
    let now = Timestamp(monalisa_app::backend::now_ms());
    match import::apply(&state.ctx, &actor(&me), id, sha256, Some(&ticked), &inside(&state.shapes), now).await {
        Ok((created, updated)) => {
            tracing::info!(run = id, created, updated, "import applied");
            Ok(Redirect::to(&format!("/import?essai={id}")).into_response())
        }
        Err(Refusal::Changed(lines)) => {
            let lines: Vec<String> = lines.iter().map(u32::to_string).collect();
            Ok(Redirect::to(&format!("/import?essai={id}&changees={}", lines.join(","))).into_response())
        }
        Err(Refusal::Api(e)) => Err(e.into()),
        Err(refusal) => Ok(refused(&state, &parts, &refusal).await),
    }
}

/// A template: the header row of a kind of file, as French spreadsheet programs open it.
fn template(kind: Kind) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", kind.template_name())),
        ],
        import::template(kind),
    )
        .into_response()
}

pub(crate) async fn residents_template() -> Response {
    template(Kind::Residents)
}

pub(crate) async fn volunteers_template() -> Response {
    template(Kind::Volunteers)
}
