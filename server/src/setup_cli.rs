//! `monalisa scope ...` and `monalisa ambassador ...`: the territory page's changes from the
//! command line, so a deployment can be scripted. The same rules and audit as the page
//! (`monalisa_app::api::setup::ssr`), with no account as the actor.

use crate::config::{AmbassadorAction, AmbassadorArgs, ScopeAction, ScopeArgs};
use monalisa_app::api::setup::Assignment;
use monalisa_app::api::setup::{SetupView, gap_text, refusal_text, ssr as setup};
use monalisa_app::backend::ServerContext;
use monalisa_app::domain::{AmbassadorId, ScopeId};
use monalisa_app::i18n::Lang;

fn context(store: std::sync::Arc<dyn monalisa_app::backend::Store>) -> ServerContext {
    ServerContext::new(store, monalisa_app::env::BuildInfo::default(), Default::default())
}

fn refused(e: monalisa_app::api::ApiError) -> anyhow::Error {
    anyhow::anyhow!("{}", refusal_text(Lang::En, &e))
}

pub async fn scope(args: ScopeArgs) -> anyhow::Result<()> {
    let store = args.db.open().await?;
    let ctx = context(store.clone());
    let result = async {
        match args.action {
            ScopeAction::List => print_view(&setup::view_for(&ctx).await.map_err(refused)?),
            ScopeAction::Add { name } => {
                let id = setup::create_scope(&ctx, None, &name).await.map_err(refused)?;
                println!("created scope {id}");
            }
            ScopeAction::Rename { id, name } => {
                setup::rename_scope(&ctx, None, ScopeId(id), &name).await.map_err(refused)?;
                println!("scope {id} renamed");
            }
            ScopeAction::MoveVolunteer { volunteer, to } => {
                let id = monalisa_app::domain::VolunteerId(volunteer);
                let from = store.volunteer(id).await?.ok_or_else(|| anyhow::anyhow!("no volunteer {volunteer}"))?.scope;
                monalisa_app::api::people::ssr::move_volunteer(&ctx, None, from, id, ScopeId(to))
                    .await
                    .map_err(refused)?;
                println!("volunteer {volunteer} moved from scope {from} to scope {to}");
            }
            ScopeAction::Assign { id, communes, moving } => {
                // Each commune on its own: one refused leaves the others given, and says so.
                let mut failed = 0;
                for insee in &communes {
                    match setup::assign_commune(&ctx, None, insee, ScopeId(id), moving).await {
                        Ok(Assignment::Unchanged) => println!("{insee}: already in scope {id}"),
                        Ok(Assignment::Added) => println!("{insee}: added to scope {id}"),
                        Ok(Assignment::Moved { from }) => println!("{insee}: moved from scope {from} to scope {id}"),
                        Err(e) => {
                            failed += 1;
                            eprintln!("{insee}: {}", refusal_text(Lang::En, &e));
                        }
                    }
                }
                if failed > 0 {
                    anyhow::bail!("{failed} of {} communes not given to scope {id}", communes.len());
                }
            }
        }
        Ok(())
    }
    .await;
    store.close().await;
    result
}

pub async fn ambassador(args: AmbassadorArgs) -> anyhow::Result<()> {
    let store = args.db.open().await?;
    let ctx = context(store.clone());
    let result = async {
        match args.action {
            AmbassadorAction::List => {
                let view = setup::view_for(&ctx).await.map_err(refused)?;
                println!("{:>5}  {:<32} scope", "id", "name");
                for s in &view.scopes {
                    for a in &s.ambassadors {
                        println!("{:>5}  {:<32} {} ({})", a.id, a.name, s.id, s.name);
                    }
                }
                for a in &view.detached {
                    println!("{:>5}  {:<32} -", a.id, a.name);
                }
            }
            AmbassadorAction::Add { first_name, last_name, phone, scope } => {
                let scope = scope.map(ScopeId);
                let id = setup::create_ambassador(&ctx, None, &first_name, &last_name, &phone, scope)
                    .await
                    .map_err(refused)?;
                println!("created ambassador {id}");
                println!("open their account: monalisa user add --role ambassador --ambassador-id {id} --login LOGIN");
            }
            AmbassadorAction::Attach { id, scope } => {
                setup::set_ambassador_scope(&ctx, None, AmbassadorId(id), Some(ScopeId(scope)))
                    .await
                    .map_err(refused)?;
                println!("ambassador {id} attached to scope {scope}");
            }
            AmbassadorAction::Detach { id } => {
                setup::set_ambassador_scope(&ctx, None, AmbassadorId(id), None).await.map_err(refused)?;
                println!("ambassador {id} detached");
            }
        }
        Ok(())
    }
    .await;
    store.close().await;
    result
}

fn print_view(view: &SetupView) {
    for s in &view.scopes {
        let communes: Vec<&str> = s.communes.iter().map(|c| c.insee.as_str()).collect();
        let ambassadors: Vec<String> = s.ambassadors.iter().map(|a| a.id.to_string()).collect();
        println!(
            "scope {} \"{}\": communes [{}], ambassadors [{}]",
            s.id,
            s.name,
            communes.join(" "),
            ambassadors.join(" ")
        );
        if s.split_pairs > 0 {
            println!("  {} binôme(s) split with another scope", s.split_pairs);
        }
    }
    let free: Vec<&str> = view.free_communes.iter().map(|c| c.insee.as_str()).collect();
    println!("communes in no scope: {}", if free.is_empty() { "none".to_owned() } else { free.join(" ") });
    for gap in view.gaps() {
        println!("missing: {}", gap_text(Lang::En, &gap));
    }
}
