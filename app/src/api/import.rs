//! Importing the lists teams keep (ambassadors for their scope, admins for any scope; the page
//! `/import` and the operator CLI `monalisa import`): a dry run checks every row and is kept
//! server-side for a day, bound to the file's SHA-256; applying it re-checks every row against
//! the records as they are now and writes, in one transaction, exactly the rows the dry run
//! accepted and the person left ticked, or nothing when one of them changed meanwhile.

pub use monalisa_core::wire::import::*;

use super::ApiError;

use leptos::prelude::*;

use leptos::server_fn::codec::Json;

/// The import page: the columns, and a dry run when `essai` names one of the caller's.
#[server(prefix = "/api/v1", endpoint = "import/view", input = Json)]
pub async fn import_page(essai: Option<i64>, english: bool) -> Result<ImportView, ApiError> {
    crate::backend::reply(ssr::view(essai, english).await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! The bodies, shared with the operator CLI.
    use super::*;
    use crate::auth::{DeviceId, Role};
    use crate::backend::auth::require;
    use crate::backend::{
        ImportApplied, ImportApply, ImportRun, ImportWrite, ServerContext, UserRecord, internal, server_context,
    };
    use crate::domain::{AmbassadorId, InseeCode, Location, ScopeId, Timestamp};
    pub use monalisa_import::{Action, FileError, Kind, Plan, template};
    use monalisa_import::{ExistingResident, ExistingVolunteer, table};

    /// How long a dry run can be applied.
    pub const RUN_HOURS: i64 = 24;

    /// Who imports: their account (recorded with the run and in the audit log) and, from the
    /// page, their device.
    #[derive(Clone, Debug)]
    pub struct Actor {
        pub user: UserRecord,
        pub device: Option<DeviceId>,
    }

    /// Why an import was not done.
    #[derive(Clone, Debug, PartialEq)]
    pub enum Refusal {
        File(FileError),
        /// An admin must choose a scope; an ambassador needs one.
        Scope,
        /// No dry run of the caller's with that id (or it expired).
        NotFound,
        Applied,
        /// The file given is not the one the dry run checked.
        OtherFile,
        /// These lines changed since the dry run: nothing was written.
        Changed(Vec<u32>),
        Api(ApiError),
    }

    impl From<ApiError> for Refusal {
        fn from(e: ApiError) -> Refusal {
            Refusal::Api(e)
        }
    }

    impl From<FileError> for Refusal {
        fn from(e: FileError) -> Refusal {
            Refusal::File(e)
        }
    }

    impl Refusal {
        pub fn text(&self, english: bool) -> String {
            let tr = |fr: &str, en: &str| if english { en.to_owned() } else { fr.to_owned() };
            match self {
                Refusal::File(e) => e.text(english),
                Refusal::Scope => tr("Choisissez le secteur où importer.", "Choose the scope to import into."),
                Refusal::NotFound => tr(
                    "Cet essai d'import n'existe pas ou a expiré (24 h) : déposez le fichier à nouveau.",
                    "This import check does not exist or has expired (24 h): upload the file again.",
                ),
                Refusal::Applied => tr("Cet import a déjà été appliqué.", "This import was already applied."),
                Refusal::OtherFile => tr(
                    "Ce fichier n'est pas celui de l'essai : déposez-le pour un nouvel essai.",
                    "This file is not the one checked: upload it for a new check.",
                ),
                Refusal::Changed(lines) => {
                    let lines: Vec<String> = lines.iter().map(u32::to_string).collect();
                    if english {
                        format!(
                            "Nothing was imported: these lines changed since the check (a record edited or created meanwhile): {}. Check the file again.",
                            lines.join(", ")
                        )
                    } else {
                        format!(
                            "Rien n'a été importé : ces lignes ont changé depuis l'essai (une fiche modifiée ou créée entre-temps) : {}. Refaites l'essai.",
                            lines.join(", ")
                        )
                    }
                }
                Refusal::Api(e) => {
                    use crate::api::ErrorText as _;
                    e.message(if english { crate::i18n::Lang::En } else { crate::i18n::Lang::Fr })
                }
            }
        }
    }

    /// The scope an import goes to: an ambassador's own; the one an admin chose.
    async fn scope_of(ctx: &ServerContext, actor: &Actor, chosen: Option<ScopeId>) -> Result<ScopeId, Refusal> {
        match actor.user.role {
            Role::Ambassador => actor.user.scope.ok_or(Refusal::Scope),
            Role::Admin => {
                let chosen = chosen.ok_or(Refusal::Scope)?;
                let scopes = ctx.store.scopes().await.map_err(internal)?;
                scopes.iter().any(|s| s.id == chosen).then_some(chosen).ok_or(Refusal::Scope)
            }
            _ => Err(Refusal::Api(ApiError::Forbidden)),
        }
    }

    /// What a file is checked against, read from the store.
    struct Loaded {
        communes: Vec<crate::domain::Commune>,
        scope_communes: Vec<InseeCode>,
        ambassadors: Vec<crate::domain::Ambassador>,
        residents: Vec<ExistingResident>,
        volunteers: Vec<ExistingVolunteer>,
    }

    async fn load(ctx: &ServerContext, scope: ScopeId) -> Result<Loaded, ApiError> {
        let store = &ctx.store;
        let records = store.import_records(scope).await.map_err(internal)?;
        let scope_communes = store.scope_communes(scope).await.map_err(internal)?;
        Ok(Loaded {
            communes: store.communes().await.map_err(internal)?,
            scope_communes: scope_communes.iter().filter_map(|(code, _)| InseeCode::parse(code)).collect(),
            ambassadors: store.ambassadors().await.map_err(internal)?,
            residents: records
                .residents
                .into_iter()
                .map(|(record, reference, withdrawn_on)| ExistingResident { record, reference, withdrawn_on })
                .collect(),
            volunteers: records
                .volunteers
                .into_iter()
                .map(|(record, reference)| ExistingVolunteer { record, reference })
                .collect(),
        })
    }

    fn check(
        kind: Kind,
        table: &table::Table,
        loaded: &Loaded,
        today: crate::domain::Date,
        inside: &dyn Fn(&InseeCode, &Location) -> bool,
    ) -> Result<Plan, FileError> {
        let ctx = monalisa_import::Context {
            today,
            communes: &loaded.communes,
            scope_communes: &loaded.scope_communes,
            ambassadors: &loaded.ambassadors,
            residents: &loaded.residents,
            volunteers: &loaded.volunteers,
            inside,
        };
        monalisa_import::plan(kind, table, &ctx)
    }

    /// What a run keeps until it is applied: the file's cells (so the rows can be checked again
    /// at apply) and the dry run.
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Body {
        headers: Vec<String>,
        rows: Vec<(u32, Vec<String>)>,
        plan: Plan,
    }

    /// What an applied run keeps: counts.
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Summary {
        created: usize,
        updated: usize,
    }

    /// A run's body that does not read back (written by this code, so a storage fault).
    fn unreadable(e: serde_json::Error) -> ApiError {
        internal(crate::backend::StoreError::other(e))
    }

    pub fn sha256_hex(bytes: &[u8]) -> String {
        use sha2::{Digest, Sha256};
        Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
    }

    fn counts_text(kind: Kind, n: [usize; 4]) -> String {
        format!("{}: {} to create, {} to update, {} unchanged, {} refused", kind.code(), n[0], n[1], n[2], n[3])
    }

    /// Checks a file and keeps the dry run: its id, and the rows checked.
    pub async fn dry_run(
        ctx: &ServerContext,
        actor: &Actor,
        chosen: Option<ScopeId>,
        kind: Kind,
        bytes: &[u8],
        inside: &(dyn Fn(&InseeCode, &Location) -> bool + Sync),
        now: Timestamp,
    ) -> Result<(i64, Plan), Refusal> {
        let scope = scope_of(ctx, actor, chosen).await?;
        let table = table::read(bytes)?;
        let loaded = load(ctx, scope).await?;
        let plan = check(kind, &table, &loaded, now.paris_local().0, inside)?;
        let body = Body {
            headers: table.headers,
            rows: table.rows.into_iter().map(|r| (r.line, r.cells)).collect(),
            plan: plan.clone(),
        };
        let run = ImportRun {
            id: 0,
            account: actor.user.id,
            scope,
            kind: kind.code().to_owned(),
            file_sha256: sha256_hex(bytes),
            created_at: now,
            expires_at: Timestamp(now.0 + RUN_HOURS * 3_600_000),
            applied_at: None,
            body: serde_json::to_string(&body).map_err(unreadable)?,
        };
        let id = ctx.store.save_import_run(&run).await.map_err(internal)?;
        record(ctx, actor, "import.check", id, &counts_text(kind, plan.counts())).await?;
        Ok((id, plan))
    }

    async fn record(ctx: &ServerContext, actor: &Actor, action: &str, run: i64, detail: &str) -> Result<(), ApiError> {
        let entry = monalisa_core::wire::audit::AuditEntry {
            id: 0,
            at: Timestamp(crate::backend::now_ms()),
            actor: Some(actor.user.id),
            actor_login: None,
            device: actor.device,
            action: action.to_owned(),
            object_kind: "import".to_owned(),
            object_id: run.to_string(),
            detail: detail.to_owned(),
        };
        ctx.store.append_audit(&entry).await.map_err(internal)
    }

    /// A run of the caller's, not yet expired.
    async fn own_run(ctx: &ServerContext, actor: &Actor, id: i64, now: Timestamp) -> Result<ImportRun, Refusal> {
        let run = ctx.store.import_run(id, now).await.map_err(internal)?.ok_or(Refusal::NotFound)?;
        if run.account != actor.user.id {
            return Err(Refusal::NotFound);
        }
        Ok(run)
    }

    /// Applies a dry run: the rows it accepted that are `ticked` (their lines; `None`: all),
    /// each checked again against the records as they are now. Gives (created, updated).
    pub async fn apply(
        ctx: &ServerContext,
        actor: &Actor,
        id: i64,
        file_sha256: &str,
        ticked: Option<&[u32]>,
        inside: &(dyn Fn(&InseeCode, &Location) -> bool + Sync),
        now: Timestamp,
    ) -> Result<(usize, usize), Refusal> {
        let run = own_run(ctx, actor, id, now).await?;
        if run.applied_at.is_some() {
            return Err(Refusal::Applied);
        }
        if !run.file_sha256.eq_ignore_ascii_case(file_sha256.trim()) {
            return Err(Refusal::OtherFile);
        }
        let body: Body = serde_json::from_str(&run.body).map_err(unreadable)?;
        let kind = body.plan.kind;
        let table = table::Table {
            headers: body.headers,
            rows: body.rows.into_iter().map(|(line, cells)| table::Row { line, cells }).collect(),
        };
        let today = now.paris_local().0;
        let loaded = load(ctx, run.scope).await?;
        let now_plan = check(kind, &table, &loaded, today, inside)?;
        let chosen: Vec<&monalisa_import::PlannedRow> =
            body.plan.rows.iter().filter(|r| r.action.writes() && ticked.is_none_or(|t| t.contains(&r.line))).collect();
        let mut changed = Vec::new();
        let mut rows = Vec::with_capacity(chosen.len());
        for before in chosen {
            match now_plan.rows.iter().find(|r| r.line == before.line) {
                Some(after) if after.action == before.action => rows.push(after),
                _ => changed.push(before.line),
            }
        }
        if !changed.is_empty() {
            return Err(Refusal::Changed(changed));
        }
        let centre = |c: &InseeCode| loaded.communes.iter().find(|x| &x.insee == c).map(|x| x.centre);
        let mut apply = ImportApply {
            run: id,
            scope: run.scope,
            now,
            today,
            residents: Vec::new(),
            volunteers: Vec::new(),
            summary: String::new(),
            actor: Some(actor.user.id),
            device: actor.device,
        };
        let expected = |a: &Action| match a {
            Action::Update { fingerprint, .. } => Some(*fingerprint),
            _ => None,
        };
        let invalid = |e: monalisa_core::people::FieldError| Refusal::Api(ApiError::invalid(&e.field, e.reason.code()));
        for row in &rows {
            let mut fields = row.fields.clone();
            if let Action::Update { id, .. } = row.action {
                fields.retain(|(k, _)| k != "id");
                fields.push(("id".into(), id.to_string()));
            }
            match kind {
                Kind::Residents => {
                    let draft = monalisa_core::people::parse_resident(&fields, today).map_err(invalid)?;
                    let centre = centre(&draft.commune).ok_or(Refusal::Api(ApiError::NotFound))?;
                    let locate = ctx.geocoding.is_some() && to_locate(&row.action, &draft, centre);
                    apply.residents.push(ImportWrite {
                        home: draft.position.unwrap_or(centre),
                        draft,
                        reference: row.reference.clone(),
                        expected: expected(&row.action),
                        recorded_by: row.recorded_by.map(AmbassadorId),
                        locate,
                    });
                }
                Kind::Volunteers => {
                    let draft = monalisa_core::people::parse_volunteer(&fields, today).map_err(invalid)?;
                    let home =
                        draft.position.or_else(|| centre(&draft.commune)).ok_or(Refusal::Api(ApiError::NotFound))?;
                    apply.volunteers.push(ImportWrite {
                        draft,
                        home,
                        reference: row.reference.clone(),
                        expected: expected(&row.action),
                        recorded_by: None,
                        locate: false,
                    });
                }
            }
        }
        let created = rows.iter().filter(|r| r.action == Action::Create).count();
        let updated = rows.len() - created;
        apply.summary = serde_json::to_string(&Summary { created, updated }).map_err(unreadable)?;
        let locating = apply.residents.iter().any(|w| w.locate);
        match ctx.store.apply_import(&apply).await {
            Ok(ImportApplied::Done(_)) => {
                if let Some(wake) = ctx.geocoding.as_ref().filter(|_| locating) {
                    wake.notify_one();
                }
            }
            Ok(ImportApplied::Changed(k)) => {
                return Err(Refusal::Changed(k.into_iter().filter_map(|k| rows.get(k).map(|r| r.line)).collect()));
            }
            Err(crate::backend::StoreError::Conflict(_)) => return Err(Refusal::Applied),
            Err(e) => return Err(Refusal::Api(internal(e))),
        }
        record(ctx, actor, "import.apply", id, &format!("{}: {created} created, {updated} updated", kind.code()))
            .await?;
        Ok((created, updated))
    }

    /// Whether an imported resident's home is to be located from their address: the file gave
    /// no position and the record is new, or its address or commune changed, or its home is
    /// still the commune's centre.
    pub fn to_locate(action: &Action, draft: &monalisa_core::people::ResidentDraft, centre: Location) -> bool {
        use monalisa_import::columns::{Col, header};
        let named = |columns: &[String], col: Col| columns.iter().any(|c| c == header(Kind::Residents, col));
        match action {
            Action::Create => draft.position.is_none(),
            Action::Update { columns, .. } => {
                !named(columns, Col::Position)
                    && (named(columns, Col::Address)
                        || named(columns, Col::Commune)
                        || draft.position.is_none_or(|p| p == centre))
            }
            _ => false,
        }
    }

    pub(super) async fn view(essai: Option<i64>, english: bool) -> Result<ImportView, ApiError> {
        let ctx = server_context()?;
        let me = require(&[Role::Ambassador, Role::Admin])?;
        if me.role() == Role::Ambassador && me.user.scope.is_none() {
            return Err(ApiError::Forbidden);
        }
        let actor = Actor { user: me.user.clone(), device: Some(me.device) };
        view_for(&ctx, &actor, essai, english, Timestamp(crate::backend::now_ms())).await
    }

    /// The page's view: the columns of each kind of file, the scopes an admin chooses from,
    /// and the caller's dry run `essai` (read as personal data: audited).
    pub async fn view_for(
        ctx: &ServerContext,
        actor: &Actor,
        essai: Option<i64>,
        english: bool,
        now: Timestamp,
    ) -> Result<ImportView, ApiError> {
        let mut view = ImportView::default();
        let scopes = ctx.store.scopes().await.map_err(internal)?;
        if actor.user.role == Role::Admin {
            view.scopes = scopes.iter().map(|s| (s.id, s.name.clone())).collect();
        }
        for kind in Kind::ALL {
            let docs = kind
                .columns()
                .iter()
                .map(|c| ColumnDoc {
                    header: c.header.to_owned(),
                    required: c.required,
                    help: (if english { c.help_en } else { c.help_fr }).to_owned(),
                })
                .collect();
            view.columns.push((kind.code().to_owned(), docs));
        }
        let Some(id) = essai else { return Ok(view) };
        let run = match own_run(ctx, actor, id, now).await {
            Ok(run) => run,
            Err(Refusal::Api(e)) => return Err(e),
            Err(_) => return Err(ApiError::NotFound),
        };
        let scope_name = scopes.iter().find(|s| s.id == run.scope).map(|s| s.name.clone()).unwrap_or_default();
        let mut shown = RunView {
            id,
            kind: run.kind.clone(),
            scope_name,
            file_sha256: run.file_sha256.clone(),
            expires_at: run.expires_at,
            applied: None,
            counts: [0; 4],
            rows: Vec::new(),
            ignored: Vec::new(),
            homes: None,
        };
        if let Some(at) = run.applied_at {
            let s: Summary = serde_json::from_str(&run.body).map_err(unreadable)?;
            let text = if english {
                format!("{} created, {} updated.", s.created, s.updated)
            } else {
                format!("{} fiche(s) créée(s), {} mise(s) à jour.", s.created, s.updated)
            };
            shown.applied = Some((at, text));
            let homes = ctx.store.geocoding_progress(id).await.map_err(internal)?;
            shown.homes = (homes.total() > 0).then_some(homes);
            view.run = Some(shown);
            return Ok(view);
        }
        let body: Body = serde_json::from_str(&run.body).map_err(unreadable)?;
        shown.counts = body.plan.counts();
        shown.ignored = body.plan.ignored.clone();
        let mut refused = Vec::new();
        let mut writes = Vec::new();
        for r in &body.plan.rows {
            let (state, detail) = match &r.action {
                Action::Refused { column, problem } => {
                    (RowState::Refused, format!("{column} : {}", problem.text(english)))
                }
                Action::Create => (RowState::Create, String::new()),
                Action::Update { columns, .. } => (RowState::Update, columns.join(", ")),
                Action::Unchanged { .. } => continue,
            };
            let row = RowView { line: r.line, label: r.label.clone(), state, detail };
            if state == RowState::Refused { refused.push(row) } else { writes.push(row) }
        }
        refused.extend(writes);
        shown.rows = refused;
        record(ctx, actor, "import.read", id, &run.kind).await?;
        view.run = Some(shown);
        Ok(view)
    }
}
