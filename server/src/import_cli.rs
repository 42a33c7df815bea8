//! `monalisa import`: the import page from the command line, with the same rules, the same
//! dry run kept a day and the same audit trail (`monalisa_app::api::import::ssr`), the
//! account given by `--as` as the one importing.
//!
//! ```text
//! monalisa import --template residents > modele.csv
//! monalisa import --as anne.r --kind residents liste.csv          # dry run: refused lines, counts, run id
//! monalisa import --as anne.r --apply 12 liste.csv                 # applies run 12 to that same file
//! ```

use crate::config::{ImportArgs, ImportKind};
use monalisa_app::api::import::ssr::{self as import, Actor, Kind, Refusal};
use monalisa_app::backend::ServerContext;
use monalisa_app::domain::{ScopeId, Timestamp};

fn kind(k: ImportKind) -> Kind {
    match k {
        ImportKind::Residents => Kind::Residents,
        ImportKind::Volunteers => Kind::Volunteers,
    }
}

fn refused(r: Refusal) -> anyhow::Error {
    anyhow::anyhow!("{}", r.text(false))
}

/// Locates the homes the applied run `id` queued, batch after batch, printing the progress;
/// those the service could not answer for stay queued for `monalisa serve --geocoder`.
async fn locate(
    store: &dyn monalisa_app::backend::Store,
    settings: &crate::geocoder::GeocoderSettings,
    id: i64,
    inside: &(dyn Fn(&monalisa_app::domain::InseeCode, &monalisa_app::domain::Location) -> bool + Sync),
) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    loop {
        let claimed = crate::geocoder::work_batch(store, &client, settings, inside).await?;
        let p = store.geocoding_progress(id).await?;
        if p.total() == 0 {
            return Ok(());
        }
        println!(
            "domiciles situés d'après l'adresse : {} / {} ({} introuvable(s), {} en attente)",
            p.found + p.superseded,
            p.total(),
            p.not_found + p.failed,
            p.pending
        );
        if claimed == 0 || p.pending == 0 {
            if p.pending > 0 {
                println!(
                    "le service de géocodage ne répond pas : {} domicile(s) seront cherchés par `monalisa serve --geocoder`",
                    p.pending
                );
            }
            return Ok(());
        }
    }
}

pub async fn run(args: ImportArgs) -> anyhow::Result<()> {
    if let Some(k) = args.template {
        print!("{}", import::template(kind(k)));
        return Ok(());
    }
    let Some(login) = args.account.as_deref() else { anyhow::bail!("--as LOGIN: the account importing") };
    let Some(path) = args.file.as_deref() else { anyhow::bail!("the file to import (.csv or .xlsx)") };
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let store = args.db.open().await?;
    let mut ctx = ServerContext::new(store.clone(), monalisa_app::env::BuildInfo::default(), Default::default());
    let geocoder = args.geocoder.settings();
    if geocoder.is_some() {
        ctx.geocoding = Some(Default::default());
    }
    let result = async {
        let user =
            store.user_by_login(&login.to_lowercase()).await?.ok_or_else(|| anyhow::anyhow!("no account {login}"))?;
        if user.disabled {
            anyhow::bail!("the account {login} is disabled");
        }
        let actor = Actor { user, device: None };
        let shapes: Vec<_> = crate::territory::load()?.into_iter().map(|(_, shape)| shape).collect();
        let inside = |c: &monalisa_app::domain::InseeCode, p: &monalisa_app::domain::Location| {
            shapes.iter().any(|s| &s.commune.insee == c && s.contains(p))
        };
        let now = Timestamp(monalisa_app::backend::now_ms());
        if let Some(id) = args.apply {
            let sha256 = import::sha256_hex(&bytes);
            let (created, updated) =
                import::apply(&ctx, &actor, id, &sha256, None, &inside, now).await.map_err(refused)?;
            println!("import {id} appliqué : {created} fiche(s) créée(s), {updated} mise(s) à jour");
            if let Some(settings) = geocoder {
                locate(&*store, &settings, id, &inside).await?;
            }
            return Ok(());
        }
        let Some(k) = args.kind else { anyhow::bail!("--kind residents|volunteers, or --apply RUN") };
        let (id, plan) = import::dry_run(&ctx, &actor, args.scope.map(ScopeId), kind(k), &bytes, &inside, now)
            .await
            .map_err(refused)?;
        for row in &plan.rows {
            if let import::Action::Refused { column, problem } = &row.action {
                println!("ligne {} : {column} : {}", row.line, problem.text(false));
            }
        }
        if !plan.ignored.is_empty() {
            println!("colonnes non lues : {}", plan.ignored.join(", "));
        }
        let [create, update, unchanged, refused] = plan.counts();
        println!(
            "essai {id} : {create} à créer, {update} à mettre à jour, {unchanged} inchangée(s), {refused} refusée(s)"
        );
        if create + update > 0 {
            println!("pour appliquer (dans les 24 h) : monalisa import --as {login} --apply {id} {}", path.display());
        }
        Ok(())
    }
    .await;
    store.close().await;
    result
}
