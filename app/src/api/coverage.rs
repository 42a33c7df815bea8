//! The coordinators' coverage view: indicators per commune for a period, the commune map,
//! trends over the last twelve months, and the CSV export — counts only, no names or
//! addresses, small counts hidden (see `crate::coverage`).

pub use monalisa_core::wire::coverage::*;

use super::ApiError;

use leptos::prelude::*;

use leptos::server_fn::codec::Json;

#[server(prefix = "/api/v1", endpoint = "coverage/view", input = Json)]
pub async fn load_coverage(from: Option<String>, to: Option<String>) -> Result<CoverageView, ApiError> {
    crate::backend::reply(ssr::view(from, to).await)
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::backend::{auth, internal, server_context};
    use crate::coverage::Month;
    use crate::coverage::{CoverageInput, CoverageReport, coverage, weekly_visits};
    use crate::domain::Date;

    /// The report of a period from the store's data.
    pub async fn report(
        ctx: &crate::backend::ServerContext,
        from: Month,
        to: Month,
        today: Date,
    ) -> Result<(CoverageReport, crate::backend::CoverageData), ApiError> {
        let data = ctx.store.coverage_data().await.map_err(internal)?;
        let report = report_of(&data, from, to, today).await?;
        Ok((report, data))
    }

    fn today() -> Date {
        crate::domain::Timestamp(crate::backend::now_ms()).paris_local().0
    }

    fn row(r: &CoverageReport, i: usize) -> CommuneRow {
        let (insee, name) = r.communes[i].clone();
        CommuneRow {
            insee,
            name,
            followed: r.followed.commune(i),
            visits: r.visits.commune(i),
            with_due: r.with_due.commune(i),
            on_time_share: r.on_time_share(i),
            overdue: r.overdue.commune(i),
            overdue_max_days: r.overdue_max_days[i],
            volunteers_living: r.volunteers_living[i],
            volunteers_serving: r.volunteers_serving[i],
            capacity: r.capacity[i],
            demand: r.demand[i],
            out_of_reach: r.out_of_reach.commune(i),
            white_zone: r.white_zone(i),
            unserved_range: r.unserved_range.commune(i),
            unserved_slot: r.unserved_slot.commune(i),
            unserved_capacity: r.unserved_capacity.commune(i),
            raised: r.raised.commune(i),
            acknowledged: r.acknowledged.commune(i),
            resolved: r.resolved.commune(i),
            hours_to_acknowledge: r.hours_to_acknowledge[i],
            days_to_first_visit: r.days_to_first_visit[i],
            binome_months: r.binome_months[i],
        }
    }

    fn territory(r: &CoverageReport) -> CommuneRow {
        let n = r.communes.len();
        let demand: Option<f64> = r.followed.territory().map(|_| r.demand.iter().flatten().sum());
        CommuneRow {
            insee: String::new(),
            name: String::new(),
            followed: r.followed.territory(),
            visits: r.visits.territory(),
            with_due: r.with_due.territory(),
            on_time_share: r.territory_share(),
            overdue: r.overdue.territory(),
            overdue_max_days: None,
            volunteers_living: r.volunteers_living.iter().sum(),
            volunteers_serving: r.volunteers_serving.iter().sum(),
            capacity: r.capacity.iter().sum(),
            demand: demand.filter(|_| r.demand.iter().all(Option::is_some)),
            out_of_reach: r.out_of_reach.territory(),
            white_zone: (0..n).any(|i| r.white_zone(i)),
            unserved_range: r.unserved_range.territory(),
            unserved_slot: r.unserved_slot.territory(),
            unserved_capacity: r.unserved_capacity.territory(),
            raised: r.raised.territory(),
            acknowledged: r.acknowledged.territory(),
            resolved: r.resolved.territory(),
            hours_to_acknowledge: None,
            days_to_first_visit: r.territory_days_to_first_visit,
            binome_months: r.territory_binome_months,
        }
    }

    pub(super) async fn view(from: Option<String>, to: Option<String>) -> Result<CoverageView, ApiError> {
        let ctx = server_context()?;
        let me = auth::require(&[crate::auth::Role::Coordinator])?;
        let today = today();
        let (from, to) = period(from.as_deref(), to.as_deref(), today)?;
        let (report, data) = report(&ctx, from, to, today).await?;
        // Trends over the last twelve months (the same report when that is the period).
        let (year_from, this) = period(None, None, today)?;
        let year = if (from, to) == (year_from, this) {
            report.clone()
        } else {
            report_of(&data, year_from, this, today).await?
        };
        let outlines: Vec<String> = data.shapes.iter().map(|(_, o, _)| o.clone()).collect();
        let projection = crate::planning::Projection::fit(&outlines, 640.0);
        let paths = projection.map(&outlines);
        let rows: Vec<CommuneRow> = (0..report.communes.len()).map(|i| row(&report, i)).collect();
        let map = data
            .shapes
            .iter()
            .zip(paths.communes)
            .filter_map(|((insee, _, centre), path)| {
                let r = rows.iter().find(|r| &r.insee == insee)?;
                Some(MapCommune {
                    insee: insee.clone(),
                    name: r.name.clone(),
                    path,
                    label: projection.point(centre.lon, centre.lat),
                    class: share_class(r.on_time_share),
                    white_zone: r.white_zone,
                })
            })
            .collect();
        let this_monday = today.week_start();
        let view = CoverageView {
            from,
            to,
            territory: territory(&report),
            rows,
            map_width: paths.width,
            map_height: paths.height,
            map,
            weekly_visits: weekly_visits(&data.residents, this_monday.add_days(-7 * 51), 52),
            monthly_on_time: year.months.iter().enumerate().map(|(c, m)| (*m, year.territory_share_month(c))).collect(),
        };
        auth::audit(&ctx, Some(&me), "coverage.read", "territory", "", &format!("{from} {to}")).await?;
        Ok(view)
    }

    async fn report_of(
        data: &crate::backend::CoverageData,
        from: Month,
        to: Month,
        today: Date,
    ) -> Result<CoverageReport, ApiError> {
        let input = CoverageInput {
            today,
            months: from.through(to),
            communes: data.communes.clone(),
            residents: data.residents.clone(),
            volunteers: data.volunteers.clone(),
            pairs: data.pairs.clone(),
            concerns: data.concerns.clone(),
            unserved: data.unserved.clone(),
        };
        tokio::task::spawn_blocking(move || coverage(&input)).await.map_err(|_| ApiError::Unavailable)
    }

    /// The CSV of a period, for the export handler (coordinators).
    pub async fn export(
        ctx: &crate::backend::ServerContext,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<(String, Month, Month), ApiError> {
        let today = today();
        let (from, to) = period(from, to, today)?;
        let (report, _) = report(ctx, from, to, today).await?;
        Ok((csv(&report), from, to))
    }
}
