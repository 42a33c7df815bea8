//! `monalisa`: the server and the operator commands. See `monalisa --help`.

use clap::Parser;
use monalisa_app::domain::Date;
use monalisa_server::config::{Cli, Command, DemoArgs, LogFormat, ServeArgs, UserAction, UserArgs};
use monalisa_server::{assets, demo, http::NetworkSettings};
use std::io::Write;

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("MONALISA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

fn today_utc() -> Date {
    Date::from_timestamp(monalisa_app::domain::Timestamp(monalisa_app::backend::now_ms()))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => {
            init_logs(args.log_format);
            serve(args).await
        }
        Command::DemoData(args) => {
            init_logs(LogFormat::Text);
            demo_data(args).await
        }
        Command::User(args) => {
            init_logs(LogFormat::Text);
            user_command(args).await
        }
        Command::Scope(args) => {
            init_logs(LogFormat::Text);
            monalisa_server::setup_cli::scope(args).await
        }
        Command::Ambassador(args) => {
            init_logs(LogFormat::Text);
            monalisa_server::setup_cli::ambassador(args).await
        }
        Command::Import(args) => {
            init_logs(LogFormat::Text);
            monalisa_server::import_cli::run(args).await
        }
        Command::Purge(args) => {
            init_logs(LogFormat::Text);
            purge_command(args).await
        }
        Command::Store(args) => {
            init_logs(LogFormat::Text);
            store_command(args).await
        }
        Command::Plan(args) => {
            init_logs(LogFormat::Text);
            match tokio::task::spawn_blocking(move || monalisa_server::plan_cli::run(&args)).await {
                Ok(result) => result,
                Err(e) => Err(anyhow::anyhow!("the planner stopped: {e}")),
            }
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("monalisa: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    tracing::info!(config = ?args, "starting");
    let site = assets::Site::load(&args.site_root)?;
    let store = args.db.open().await?;
    if args.demo {
        let params = demo::DemoParams { seed: args.demo_seed, scale: 1.0, today: today_utc() };
        if monalisa_server::load_demo(store.as_ref(), &params).await? {
            tracing::info!(seed = params.seed, "demo population loaded");
        }
    }
    let counts = store.counts().await?;
    if counts.accounts == 0 {
        tracing::warn!(
            "first start: no account yet. Create the first admin with `monalisa user add --login NAME --role admin \
             --name \"First Last\"` (it prints an enrolment link), then set up the scopes on the Territory page \
             or with `monalisa scope` and `monalisa ambassador`"
        );
    }
    tracing::info!(communes = counts.communes, volunteers = counts.volunteers, residents = counts.residents, build = %site.build.label(), "store ready");

    let shutdown = shutdown_signal()?;
    let listener = tokio::net::TcpListener::bind(args.bind).await?;
    let addr = listener.local_addr()?;
    // On stdout, for people and for the test harness (logs go to stderr).
    println!("Monalisa Visites: http://{addr}/");
    std::io::stdout().flush()?;
    tracing::info!(%addr, "listening");

    let settings = args.accounts.settings(args.secure_cookies);
    if let Some(relay) = &args.alerts.smtp_relay {
        let host = settings.public_url.split("://").nth(1).unwrap_or("localhost");
        let host = host.split([':', '/']).next().filter(|h| !h.is_empty()).unwrap_or("localhost");
        let alerts = monalisa_server::mail::AlertSettings {
            smtp: monalisa_server::mail::SmtpSettings {
                relay: relay.clone(),
                from: args.alerts.mail_from.clone(),
                hello: host.to_owned(),
            },
            escalate_after: std::time::Duration::from_secs(u64::from(args.alerts.escalate_hours) * 3600),
            public_url: settings.public_url.clone(),
        };
        if !monalisa_server::mail::valid_address(&alerts.smtp.from) {
            anyhow::bail!("--mail-from {:?} is not a valid address", alerts.smtp.from);
        }
        tracing::info!(relay = %relay, escalate_hours = args.alerts.escalate_hours, "e-mail alerts on");
        monalisa_server::mail::spawn_alerts(
            store.clone(),
            alerts,
            std::time::Duration::from_secs(args.alerts.alert_seconds),
        );
    }
    let network = NetworkSettings { trusted_proxies: args.trusted_proxies.clone() };
    if let Some(osrm) = &args.osrm.url {
        tracing::info!(url = %osrm, "planning with road travel times");
    }
    if let Some(geocoder) = &args.geocoder.geocoder_url {
        tracing::info!(url = %geocoder, "imported homes located from their address");
    }
    monalisa_server::retention::spawn_daily(store.clone(), args.retention.retention_days);
    let services = monalisa_server::Services { osrm: args.osrm.settings(), geocoder: args.geocoder.settings() };
    let app = monalisa_server::app_with(store.clone(), site, settings, network, services);
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await?;
    tracing::info!("stopping: closing the database");
    store.close().await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM: in-flight requests finish, new ones are refused. The
/// handlers are installed when this is called (before the server announces itself), so a
/// signal sent as soon as the address is printed is never lost.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    #[cfg(unix)]
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = terminate.recv() => tracing::info!("SIGTERM received"),
            _ = interrupt.recv() => tracing::info!("Ctrl-C received"),
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_ok() {
            tracing::info!("Ctrl-C received");
        }
    })
}

async fn store_command(args: monalisa_server::config::StoreArgs) -> anyhow::Result<()> {
    use monalisa_server::config::{StoreAction, redact_url};
    match args.action {
        StoreAction::Copy { from, to } => {
            let report = monalisa_store_sql::copy_store(&from, &to).await?;
            for t in &report.tables {
                println!("{:<20} {:>9} rows  checksum {:016x}", t.table, t.rows, t.checksum);
            }
            println!("copied {} into {}: every table counted and checked", redact_url(&from), redact_url(&to));
            Ok(())
        }
    }
}

async fn purge_command(args: monalisa_server::config::PurgeArgs) -> anyhow::Result<()> {
    let store = args.db.open().await?;
    let today = monalisa_app::domain::Timestamp(monalisa_app::backend::now_ms()).paris_local().0;
    let report =
        monalisa_server::retention::purge(store.as_ref(), today, args.retention.retention_days, args.dry_run).await;
    store.close().await;
    println!("{}", report?.text());
    Ok(())
}

async fn demo_data(args: DemoArgs) -> anyhow::Result<()> {
    let today = match &args.today {
        Some(s) => Date::parse(s).map_err(|e| anyhow::anyhow!("--today {s:?}: {e}"))?,
        None => today_utc(),
    };
    let params = demo::DemoParams { seed: args.seed, scale: args.scale, today };
    let store = args.db.open().await?;
    if !monalisa_server::load_demo(store.as_ref(), &params).await? {
        store.close().await;
        anyhow::bail!("the database already holds a population; use a new database file");
    }
    let c = store.counts().await?;
    println!(
        "demo population (seed {}, scale {}, today {}): {} scopes, {} ambassadors, {} volunteers, {} residents, {} visits, {} reports",
        params.seed, params.scale, today, c.scopes, c.ambassadors, c.volunteers, c.residents, c.visits, c.reports
    );
    store.close().await;
    Ok(())
}

async fn user_command(args: UserArgs) -> anyhow::Result<()> {
    use monalisa_app::api::accounts::{AccountFor, ssr as accounts};
    use monalisa_app::auth::Role;
    use monalisa_app::backend::ServerContext;
    use monalisa_app::domain::{AmbassadorId, VolunteerId};

    let store = args.db.open().await?;
    let ctx = ServerContext::new(store.clone(), monalisa_app::env::BuildInfo::default(), args.accounts.settings(false));
    use monalisa_app::api::ErrorText as _;
    let api = |e: monalisa_app::api::ApiError| anyhow::anyhow!("{}", e.message(monalisa_app::i18n::Lang::En));
    let find = |login: String| {
        let store = store.clone();
        async move {
            store
                .user_by_login(&login.trim().to_lowercase())
                .await?
                .ok_or_else(|| anyhow::anyhow!("no account with login {login:?}"))
        }
    };
    let result = match args.action {
        UserAction::Add { login, role, volunteer_id, ambassador_id, name } => {
            let role = Role::from_code(&role)
                .ok_or_else(|| anyhow::anyhow!("unknown role {role:?} (volunteer, ambassador, coordinator, admin)"))?;
            let person = match (role, volunteer_id, ambassador_id, name) {
                (Role::Volunteer, Some(id), None, None) => AccountFor::Volunteer(VolunteerId(id)),
                (Role::Ambassador, None, Some(id), None) => AccountFor::Ambassador(AmbassadorId(id)),
                (Role::Coordinator | Role::Admin, None, None, Some(name)) => {
                    AccountFor::Staff { role, display_name: name }
                }
                (Role::Volunteer, ..) => {
                    anyhow::bail!("a volunteer account needs --volunteer-id (and nothing else)")
                }
                (Role::Ambassador, ..) => {
                    anyhow::bail!("an ambassador account needs --ambassador-id (and nothing else)")
                }
                _ => {
                    anyhow::bail!("a coordinator or admin account needs --name (and nothing else)")
                }
            };
            let (account, link) = accounts::create_for(&ctx, None, &login, person).await.map_err(api)?;
            println!("created account {} ({}, id {})", account.login, account.role, account.id);
            println!("enrolment link (single use, until {} UTC): {}", fmt_ts(link.expires_at), link.url);
            Ok(())
        }
        UserAction::List => {
            println!("{:>5}  {:<24} {:<12} {:<10} {:>7}  name", "id", "login", "role", "status", "devices");
            for a in store.list_accounts(None).await? {
                let status = if a.disabled {
                    "disabled"
                } else if a.enrolled {
                    "active"
                } else {
                    "pending"
                };
                println!(
                    "{:>5}  {:<24} {:<12} {:<10} {:>7}  {}",
                    a.id, a.login, a.role, status, a.active_devices, a.display_name
                );
            }
            Ok(())
        }
        UserAction::Disable { login } => {
            let user = find(login).await?;
            accounts::set_disabled_for(&ctx, None, &user, true).await.map_err(api)?;
            println!("account {} disabled; its sessions ended", user.login);
            Ok(())
        }
        UserAction::Enable { login } => {
            let user = find(login).await?;
            accounts::set_disabled_for(&ctx, None, &user, false).await.map_err(api)?;
            println!("account {} enabled", user.login);
            Ok(())
        }
        UserAction::ResetPassword { login } => {
            let user = find(login).await?;
            if user.disabled {
                anyhow::bail!("account {} is disabled; enable it first", user.login);
            }
            let link = accounts::make_link(&ctx, &user, None).await.map_err(api)?;
            println!(
                "password link for {} (single use, until {} UTC): {}",
                user.login,
                fmt_ts(link.expires_at),
                link.url
            );
            Ok(())
        }
    };
    store.close().await;
    result
}

fn fmt_ts(t: monalisa_app::domain::Timestamp) -> String {
    let day = Date::from_timestamp(t);
    let minutes = t.0.rem_euclid(86_400_000) / 60_000;
    format!("{day} {:02}:{:02}", minutes / 60, minutes % 60)
}
