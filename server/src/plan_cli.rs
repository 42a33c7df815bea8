//! `monalisa plan`: the planning engine on files of the shared benchmark format, and its check
//! mode. Model building counts in the time limit and in `solve_ms`; reading and writing files
//! does not (as FORMAT.md says).

use crate::config::PlanArgs;
use crate::osrm::fetch_table;
use anyhow::Context;
use monalisa_planner::format::{Instance, Solution};
use monalisa_planner::problem::Problem;
use monalisa_planner::{Limit, check, plan, to_solution};
use std::path::Path;
use std::time::{Duration, Instant};

fn read_json<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> anyhow::Result<T> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read the {what} {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a valid {what}", path.display()))
}

fn write_json(path: Option<&Path>, value: &impl serde::Serialize) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    match path {
        Some(path) => std::fs::write(path, text + "\n").with_context(|| format!("cannot write {}", path.display())),
        None => {
            println!("{text}");
            Ok(())
        }
    }
}

pub fn run(args: &PlanArgs) -> anyhow::Result<()> {
    let instance: Instance = read_json(&args.instance, "instance")?;
    let started = Instant::now();
    let invalid = || format!("{} is not a valid instance", args.instance.display());
    let problem = match args.osrm.settings() {
        None => Problem::new(&instance).with_context(invalid)?,
        Some(settings) => {
            let points = Problem::location_points(&instance);
            let client = reqwest::Client::new();
            let table = tokio::runtime::Handle::current().block_on(fetch_table(&client, &settings, &points))?;
            Problem::with_travel(&instance, |_| Ok(Box::new(table))).with_context(invalid)?
        }
    };
    let built_ms = started.elapsed().as_millis();
    if let Some(path) = &args.check {
        let solution: Solution = read_json(path, "plan")?;
        let report = check::check(&problem, &solution);
        eprintln!(
            "{}: {} violation(s), priority served {}, travel {} s",
            path.display(),
            report.violations.len(),
            report.priority_served,
            report.travel_s
        );
        write_json(args.out.as_deref(), &report)?;
        if !report.feasible {
            anyhow::bail!("the plan breaks {} rule(s)", report.violations.len());
        }
        return Ok(());
    }
    let out = args.out.as_deref().context("--out is needed to write the plan")?;
    let limit = match args.iterations {
        Some(n) => Limit::Iterations(n),
        None if args.time_limit.is_finite() && args.time_limit > 0.0 => {
            Limit::Time(Duration::from_secs_f64(args.time_limit))
        }
        None => anyhow::bail!("--time-limit must be a positive number of seconds"),
    };
    let (plan, stats) = plan(&problem, limit, args.seed, started);
    let solve_ms = started.elapsed().as_millis() as u64;
    let cost = plan.cost();
    let solution = to_solution(&plan, solve_ms, stats);
    tracing::info!(
        instance = %problem.name,
        visits = problem.visits.len(),
        shifts = problem.shifts.len(),
        built_ms,
        solve_ms,
        served = problem.visits.len() - solution.unassigned.len(),
        priority_lost = cost.priority_lost,
        travel_s = cost.travel,
        "planned"
    );
    write_json(Some(out), &solution)
}
