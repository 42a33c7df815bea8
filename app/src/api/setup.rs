//! Setting up the territory (admins, and the operator CLI `monalisa scope|ambassador ...`):
//! scopes, their communes, their ambassadors. A commune belongs to at most one scope; moving
//! one takes its residents, open visits and history along and keeps its binômes
//! (`monalisa_core::scope`).

pub use monalisa_core::scope::Assignment;
pub use monalisa_core::wire::setup::*;

use super::ApiError;
use crate::i18n::{Lang, tr};

use leptos::prelude::*;

use leptos::server_fn::codec::Json;

/// The scopes, their communes and ambassadors, and what is missing (admins).
#[server(prefix = "/api/v1", endpoint = "setup/view", input = Json)]
pub async fn territory_setup() -> Result<SetupView, ApiError> {
    crate::backend::reply(ssr::view().await)
}

/// A refused change, in the words of the person who asked (the page, the CLI).
pub fn refusal_text(lang: Lang, e: &ApiError) -> String {
    let ApiError::Invalid { field, reason } = e else {
        use crate::api::ErrorText as _;
        return e.message(lang);
    };
    let text = match (field.as_str(), reason.as_str()) {
        ("scope_name", "too_short") => tr(
            lang,
            "Le nom du secteur est trop court (2 caractères au moins).",
            "The scope's name is too short (2 characters at least).",
        ),
        ("scope_name", "too_long") => tr(
            lang,
            "Le nom du secteur est trop long (60 caractères au plus).",
            "The scope's name is too long (60 characters at most).",
        ),
        ("scope_name", "taken") => tr(lang, "Un secteur porte déjà ce nom.", "A scope already has this name."),
        ("scope_name", _) => tr(
            lang,
            "Le nom du secteur contient des caractères non admis.",
            "The scope's name holds characters that are not allowed.",
        ),
        ("scope", _) => tr(lang, "Ce secteur n'existe pas.", "This scope does not exist."),
        ("commune", "in_another_scope") => tr(
            lang,
            "Cette commune appartient déjà à un autre secteur : cochez « déplacer » pour la changer de secteur (ses personnes, visites et historique la suivent).",
            "This commune already belongs to another scope: tick \"move\" to change its scope (its people, visits and history follow it).",
        ),
        ("commune", "changed") => tr(
            lang,
            "Cette commune a changé de secteur entre-temps : vérifiez et recommencez.",
            "This commune changed scope meanwhile: check and try again.",
        ),
        ("commune", _) => {
            tr(lang, "Cette commune n'est pas sur le territoire.", "This commune is not on the territory.")
        }
        ("ambassador", _) => tr(lang, "Cet ambassadeur n'existe pas.", "This ambassador does not exist."),
        ("first_name", "required") => tr(lang, "Le prénom est obligatoire.", "The first name is required."),
        ("last_name", "required") => tr(lang, "Le nom est obligatoire.", "The last name is required."),
        ("first_name" | "last_name", "too_long") => tr(
            lang,
            "Le nom ou le prénom est trop long (60 caractères au plus).",
            "The name is too long (60 characters at most).",
        ),
        ("first_name" | "last_name", _) => tr(
            lang,
            "Le nom ou le prénom contient des caractères non admis.",
            "The name holds characters that are not allowed.",
        ),
        ("phone", _) => tr(
            lang,
            "Le téléphone doit être un numéro français à 10 chiffres (05 49 12 34 56).",
            "The phone must be a 10-digit French number (05 49 12 34 56).",
        ),
        _ => tr(lang, "Cette demande n'est pas valable.", "This request is not valid."),
    };
    text.to_owned()
}

/// Something still missing, as a sentence.
pub fn gap_text(lang: Lang, gap: &Gap) -> String {
    let scope_is = |scope: &str, fr: &str, en: &str| match lang {
        Lang::Fr => format!("Le secteur « {scope} » {fr}"),
        Lang::En => format!("Scope \"{scope}\" {en}"),
    };
    match gap {
        Gap::NoScope => tr(lang, "Aucun secteur : créez-en un.", "No scope yet: create one.").to_owned(),
        Gap::ScopeWithoutCommune { scope } => scope_is(scope, "n'a aucune commune.", "has no commune."),
        Gap::ScopeWithoutAmbassador { scope } => scope_is(scope, "n'a pas d'ambassadeur.", "has no ambassador."),
        Gap::CommunesInNoScope { count } => format!(
            "{count} {}",
            tr(
                lang,
                "commune(s) sans secteur : personne ne peut y être inscrit.",
                "commune(s) in no scope: nobody can be registered there."
            )
        ),
        Gap::AmbassadorsWithoutScope { count } => {
            format!("{count} {}", tr(lang, "ambassadeur(s) sans secteur.", "ambassador(s) without a scope."))
        }
    }
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! The bodies, shared with the operator CLI (`me` = `None`).
    use super::*;
    use crate::auth::Role;
    use crate::backend::auth::{CurrentUser, audit, require};
    use crate::backend::{NewAmbassador, ServerContext, StoreError, collate_fr, internal, server_context};
    use crate::domain::{AmbassadorId, ScopeId};
    use monalisa_core::scope::assign;

    pub(super) async fn view() -> Result<SetupView, ApiError> {
        let ctx = server_context()?;
        require(&[Role::Admin])?;
        view_for(&ctx).await
    }

    /// The admin's view of the scopes (also for `monalisa scope list`).
    pub async fn view_for(ctx: &ServerContext) -> Result<SetupView, ApiError> {
        let store = &ctx.store;
        let (scopes, communes, ambassadors, split) = (
            store.scopes().await.map_err(internal)?,
            store.communes().await.map_err(internal)?,
            store.ambassadors().await.map_err(internal)?,
            store.split_pairs().await.map_err(internal)?,
        );
        let commune_ref = |insee: &str| CommuneRef {
            insee: insee.to_owned(),
            name: communes.iter().find(|c| c.insee.as_str() == insee).map(|c| c.name.clone()).unwrap_or_default(),
        };
        let ambassador_ref = |a: &crate::domain::Ambassador| AmbassadorRef {
            id: a.id,
            name: format!("{} {}", a.first_name, a.last_name),
        };
        let by_name = |a: &CommuneRef, b: &CommuneRef| collate_fr(&a.name, &b.name);
        let mut view = SetupView::default();
        for s in scopes {
            let mut communes: Vec<CommuneRef> = s.communes.iter().map(|c| commune_ref(c)).collect();
            communes.sort_by(by_name);
            view.scopes.push(ScopeView {
                id: s.id,
                name: s.name,
                communes,
                ambassadors: ambassadors.iter().filter(|a| a.scope == Some(s.id)).map(ambassador_ref).collect(),
                split_pairs: split
                    .iter()
                    .filter(|p| p.resident_scope == Some(s.id) || p.volunteer_scope == s.id)
                    .count(),
            });
        }
        view.scopes.sort_by(|a, b| collate_fr(&a.name, &b.name));
        let placed: Vec<&str> = view.scopes.iter().flat_map(|s| s.communes.iter().map(|c| c.insee.as_str())).collect();
        view.free_communes = communes
            .iter()
            .filter(|c| !placed.contains(&c.insee.as_str()))
            .map(|c| CommuneRef { insee: c.insee.to_string(), name: c.name.clone() })
            .collect();
        view.free_communes.sort_by(by_name);
        view.detached = ambassadors.iter().filter(|a| a.scope.is_none()).map(ambassador_ref).collect();
        Ok(view)
    }

    /// A name on one line, spaces collapsed, 60 characters at most; `short` when it has fewer
    /// than `min` characters.
    fn name_field(field: &str, raw: &str, min: usize, short: &str) -> Result<String, ApiError> {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        match name.chars().count() {
            n if n < min => Err(ApiError::invalid(field, short)),
            61.. => Err(ApiError::invalid(field, "too_long")),
            _ if !crate::domain::text::acceptable(&name) => Err(ApiError::invalid(field, "format")),
            _ => Ok(name),
        }
    }

    fn scope_name(raw: &str) -> Result<String, ApiError> {
        name_field("scope_name", raw, 2, "too_short")
    }

    fn person_name(field: &str, raw: &str) -> Result<String, ApiError> {
        name_field(field, raw, 1, "required")
    }

    fn taken_or(e: StoreError, field: &str, reason: &str) -> ApiError {
        match e {
            StoreError::Conflict(_) => ApiError::invalid(field, "taken"),
            StoreError::NotFound | StoreError::Invalid(_) => ApiError::invalid(field, reason),
            e => internal(e),
        }
    }

    pub async fn create_scope(ctx: &ServerContext, me: Option<&CurrentUser>, name: &str) -> Result<ScopeId, ApiError> {
        let name = scope_name(name)?;
        let id = ctx.store.create_scope(&name).await.map_err(|e| taken_or(e, "scope_name", "format"))?;
        audit(ctx, me, "scope.create", "scope", &id.to_string(), "").await?;
        Ok(id)
    }

    pub async fn rename_scope(
        ctx: &ServerContext,
        me: Option<&CurrentUser>,
        scope: ScopeId,
        name: &str,
    ) -> Result<(), ApiError> {
        let name = scope_name(name)?;
        ctx.store.rename_scope(scope, &name).await.map_err(|e| match e {
            StoreError::NotFound => ApiError::invalid("scope", "unknown"),
            e => taken_or(e, "scope_name", "format"),
        })?;
        audit(ctx, me, "scope.rename", "scope", &scope.to_string(), "").await
    }

    /// Gives the commune to `scope`; from another scope only when `moving`.
    pub async fn assign_commune(
        ctx: &ServerContext,
        me: Option<&CurrentUser>,
        insee: &str,
        scope: ScopeId,
        moving: bool,
    ) -> Result<Assignment, ApiError> {
        let insee = insee.trim();
        if ctx.store.commune_name(insee).await.map_err(internal)?.is_none() {
            return Err(ApiError::invalid("commune", "unknown"));
        }
        let current = ctx.store.scope_of_commune(insee).await.map_err(internal)?;
        let decision = assign(current, scope, moving).map_err(|_| ApiError::invalid("commune", "in_another_scope"))?;
        if decision == Assignment::Unchanged {
            return Ok(decision);
        }
        ctx.store.set_commune_scope(insee, current, scope).await.map_err(|e| match e {
            StoreError::Conflict(_) => ApiError::invalid("commune", "changed"),
            StoreError::NotFound => ApiError::invalid("scope", "unknown"),
            e => internal(e),
        })?;
        let detail = match decision {
            Assignment::Moved { from } => format!("commune {insee} moved from scope {from}"),
            _ => format!("commune {insee} added"),
        };
        audit(ctx, me, "scope.commune", "scope", &scope.to_string(), &detail).await?;
        Ok(decision)
    }

    pub async fn create_ambassador(
        ctx: &ServerContext,
        me: Option<&CurrentUser>,
        first_name: &str,
        last_name: &str,
        phone: &str,
        scope: Option<ScopeId>,
    ) -> Result<AmbassadorId, ApiError> {
        let new = NewAmbassador {
            first_name: person_name("first_name", first_name)?,
            last_name: person_name("last_name", last_name)?,
            phone: monalisa_core::people::parse_phone(phone).ok_or_else(|| ApiError::invalid("phone", "format"))?,
            scope,
        };
        let id = ctx.store.create_ambassador(&new).await.map_err(|e| taken_or(e, "scope", "unknown"))?;
        let detail = scope.map(|s| format!("scope {s}")).unwrap_or_default();
        audit(ctx, me, "ambassador.create", "ambassador", &id.to_string(), &detail).await?;
        Ok(id)
    }

    /// Attaches the ambassador to `scope`, or detaches them (`None`): their account's pages
    /// follow at its next request.
    pub async fn set_ambassador_scope(
        ctx: &ServerContext,
        me: Option<&CurrentUser>,
        id: AmbassadorId,
        scope: Option<ScopeId>,
    ) -> Result<(), ApiError> {
        ctx.store.set_ambassador_scope(id, scope).await.map_err(|e| match e {
            StoreError::NotFound => ApiError::invalid("ambassador", "unknown"),
            e => taken_or(e, "scope", "unknown"),
        })?;
        let detail = scope.map(|s| format!("attached to scope {s}")).unwrap_or_else(|| "detached".into());
        audit(ctx, me, "ambassador.scope", "ambassador", &id.to_string(), &detail).await
    }
}
