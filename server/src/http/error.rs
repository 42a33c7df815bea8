//! The one error of the HTTP edge, [`AppError`]: an API error answered in JSON with its status
//! (`{"code": …}`, the same shape as the server functions'), or, for a page, the short HTML page
//! that says to log in (401, straight on to the login page) or that the role may not see it (403).

use super::prelude::*;

#[derive(Debug)]
pub(crate) enum AppError {
    Api(ApiError),
    /// A page refused by the access rule, answered in the reader's language.
    Page {
        status: StatusCode,
        lang: Lang,
        path: String,
    },
}

impl From<ApiError> for AppError {
    fn from(e: ApiError) -> AppError {
        AppError::Api(e)
    }
}

impl AppError {
    /// A field that does not read (`reason`: what was expected).
    pub(crate) fn invalid(field: &str, reason: &str) -> AppError {
        AppError::Api(ApiError::Invalid { field: field.into(), reason: reason.into() })
    }

    /// A body or query that does not read: 413 `too_large` over the limit, else 400.
    pub(crate) fn unreadable(status: StatusCode, text: String) -> AppError {
        AppError::Api(if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::BadRequest(text)
        })
    }

    /// A storage failure of a form post: a conflict says why (409), not found is 404, the rest
    /// is logged and answered "unavailable".
    pub(crate) fn store(e: monalisa_app::backend::StoreError) -> AppError {
        match e {
            monalisa_app::backend::StoreError::Conflict(why) => AppError::Api(ApiError::Conflict(why)),
            e => AppError::Api(monalisa_app::backend::internal(e)),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::Api(e) => {
                let status = monalisa_app::backend::status_of(&e);
                (status, [(header::CACHE_CONTROL, "no-store")], axum::Json(e)).into_response()
            }
            AppError::Page { status, lang, path } => error_page(status, lang, &path),
        }
    }
}

/// The page a browser gets when a page needs a login it does not have (401) or a role it
/// lacks (403): a short explanation with a link, sent to the login page at once for 401.
fn error_page(status: StatusCode, lang: Lang, retour: &str) -> Response {
    let (title, body) = if status == StatusCode::UNAUTHORIZED {
        (t(lang, Msg::ErrNotLoggedIn), t(lang, Msg::NavLogin))
    } else {
        (t(lang, Msg::ErrForbidden), t(lang, Msg::BackHome))
    };
    let target = if status == StatusCode::UNAUTHORIZED {
        format!("/connexion?retour={}", monalisa_app::html::encode_path(retour))
    } else {
        "/".to_owned()
    };
    let refresh = if status == StatusCode::UNAUTHORIZED {
        format!("<meta http-equiv=\"refresh\" content=\"0; url={target}\">")
    } else {
        String::new()
    };
    let html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         {refresh}<title>{title} · Monalisa Visites</title><link rel=\"stylesheet\" href=\"/style.css\"></head>\
         <body><main><h1>{title}</h1><p><a href=\"{target}\">{body}</a></p></main></body></html>",
        lang.code()
    );
    (status, [(header::CACHE_CONTROL, "no-store"), (header::CONTENT_TYPE, "text/html; charset=utf-8")], html)
        .into_response()
}
