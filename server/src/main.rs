//! `monalisa`: the server and the operator commands. See `monalisa --help`.

use clap::Parser;
use monalisa_app::domain::Date;
use monalisa_server::config::{Cli, Command, DemoArgs, LogFormat, ServeArgs};
use monalisa_server::{assets, demo};
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
    let store = monalisa_server::open_store(&args.db.database_url).await?;
    if args.demo {
        let params = demo::DemoParams { seed: args.demo_seed, scale: 1.0, today: today_utc() };
        if monalisa_server::load_demo(store.as_ref(), &params).await? {
            tracing::info!(seed = params.seed, "demo population loaded");
        }
    }
    let counts = store.counts().await?;
    tracing::info!(communes = counts.communes, volunteers = counts.volunteers, residents = counts.residents, build = %site.build.label(), "store ready");

    let listener = tokio::net::TcpListener::bind(args.bind).await?;
    let addr = listener.local_addr()?;
    // On stdout, for people and for the test harness (logs go to stderr).
    println!("Monalisa Visites: http://{addr}/");
    std::io::stdout().flush()?;
    tracing::info!(%addr, "listening");

    let app = monalisa_server::app(store.clone(), site);
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
    tracing::info!("stopping: closing the database");
    store.close().await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM: in-flight requests finish, new ones are refused.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}

async fn demo_data(args: DemoArgs) -> anyhow::Result<()> {
    let today = match &args.today {
        Some(s) => Date::parse(s).map_err(|e| anyhow::anyhow!("--today {s:?}: {e}"))?,
        None => today_utc(),
    };
    let params = demo::DemoParams { seed: args.seed, scale: args.scale, today };
    let store = monalisa_server::open_store(&args.db.database_url).await?;
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
