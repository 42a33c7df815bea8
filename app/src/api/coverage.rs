//! The coordinators' coverage view: indicators per commune for a period, the commune map,
//! trends over the last twelve months, and the CSV export — counts only, no names or
//! addresses, small counts hidden (see `crate::coverage`).

use super::ApiError;
use crate::coverage::Month;
use crate::domain::Date;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// One commune's indicators over the period (`None`: hidden as "< 3", or nothing to show).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommuneRow {
    pub insee: String,
    pub name: String,
    pub followed: Option<u64>,
    pub visits: Option<u64>,
    /// Residents with a due date decided in the period, and the share met on time.
    pub with_due: Option<u64>,
    pub on_time_share: Option<f64>,
    pub overdue: Option<u64>,
    pub overdue_max_days: Option<i32>,
    pub volunteers_living: u32,
    pub volunteers_serving: u32,
    pub capacity: u32,
    pub demand: Option<f64>,
    pub out_of_reach: Option<u64>,
    pub white_zone: bool,
    pub unserved_range: Option<u64>,
    pub unserved_slot: Option<u64>,
    pub unserved_capacity: Option<u64>,
    pub raised: Option<u64>,
    pub acknowledged: Option<u64>,
    pub resolved: Option<u64>,
    pub hours_to_acknowledge: Option<f64>,
}

/// A commune on the map: its outline (SVG path), label point and colour class (0-3 by on-time
/// share, 4: no figure).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapCommune {
    pub insee: String,
    pub name: String,
    pub path: String,
    pub label: [i32; 2],
    pub class: u8,
    pub white_zone: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoverageView {
    pub from: Month,
    pub to: Month,
    pub rows: Vec<CommuneRow>,
    pub territory: CommuneRow,
    pub map_width: i32,
    pub map_height: i32,
    pub map: Vec<MapCommune>,
    /// Visits done per week over the last 52 weeks (Monday of the week).
    pub weekly_visits: Vec<(Date, Option<u64>)>,
    /// The territory's on-time share per month over the last 12 months.
    pub monthly_on_time: Vec<(Month, Option<f64>)>,
}

/// The colour class of an on-time share: 0 (≥ 90 %), 1 (≥ 75 %), 2 (≥ 50 %), 3 (< 50 %), 4 (no figure).
pub fn share_class(share: Option<f64>) -> u8 {
    match share {
        Some(s) if s >= 0.9 => 0,
        Some(s) if s >= 0.75 => 1,
        Some(s) if s >= 0.5 => 2,
        Some(_) => 3,
        None => 4,
    }
}

/// The period asked for (`YYYY-MM` to `YYYY-MM`, default: the twelve months to this one).
pub fn period(from: Option<&str>, to: Option<&str>, today: Date) -> Result<(Month, Month), ApiError> {
    let this = Month::of(today);
    let parse = |text: Option<&str>, field: &str, default: Month| match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(default),
        Some(t) => Month::parse(t).ok_or_else(|| ApiError::invalid(field, "format")),
    };
    let to = parse(to, "to", this)?;
    let mut default_from = to;
    for _ in 0..11 {
        default_from = Month::of(default_from.first_day().add_days(-1));
    }
    let from = parse(from, "from", default_from)?;
    if from > to || to > this {
        return Err(ApiError::invalid("from", "order"));
    }
    if from.through(to).len() > 36 {
        return Err(ApiError::invalid("from", "too_long"));
    }
    Ok((from, to))
}

#[server(prefix = "/api/v1", endpoint = "coverage/view", input = Json)]
pub async fn load_coverage(from: Option<String>, to: Option<String>) -> Result<CoverageView, ApiError> {
    crate::backend::reply(ssr::view(from, to).await)
}

/// CSV for the CTG evaluation, as French spreadsheets open it: UTF-8 with a BOM, `;` between
/// fields, CRLF line ends, decimal commas, French headers; one line per commune and month, then
/// the territory per month. The same hidden values as the page ("< 3").
pub fn csv(report: &crate::coverage::CoverageReport) -> String {
    fn count(v: Option<u64>) -> String {
        v.map_or_else(|| "< 3".to_owned(), |n| n.to_string())
    }
    fn share(v: Option<f64>) -> String {
        v.map_or_else(String::new, |s| format!("{:.1}", s * 100.0).replace('.', ","))
    }
    fn field(text: &str) -> String {
        if text.contains([';', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_owned()
        }
    }
    let header = [
        "Commune",
        "Code INSEE",
        "Mois",
        "Début du mois",
        "Personnes suivies",
        "Visites faites",
        "Personnes avec une échéance",
        "Personnes vues à l'heure",
        "Part vue à l'heure (%)",
        "Personnes en retard en fin de mois",
        "Signalements reçus",
        "Signalements pris en charge",
        "Signalements résolus",
    ];
    let mut out = String::from("\u{feff}");
    out.push_str(&header.join(";"));
    out.push_str("\r\n");
    let r = report;
    let mut line = |name: &str, insee: &str, c: usize, values: [String; 9]| {
        let month = r.months[c];
        let mut fields = vec![field(name), field(insee), month.to_string(), month.first_day().to_string()];
        fields.extend(values);
        out.push_str(&fields.join(";"));
        out.push_str("\r\n");
    };
    for (row, (insee, name)) in r.communes.iter().enumerate() {
        for c in 0..r.months.len() {
            line(
                name,
                insee,
                c,
                [
                    count(r.followed.month(row, c)),
                    count(r.visits.month(row, c)),
                    count(r.with_due.month(row, c)),
                    count(r.on_time.month(row, c)),
                    share(r.on_time_share_month(row, c)),
                    count(r.overdue.month(row, c)),
                    count(r.raised.month(row, c)),
                    count(r.acknowledged.month(row, c)),
                    count(r.resolved.month(row, c)),
                ],
            );
        }
    }
    for c in 0..r.months.len() {
        line(
            "Territoire (35 communes)",
            "",
            c,
            [
                count(r.followed.territory_month(c)),
                count(r.visits.territory_month(c)),
                count(r.with_due.territory_month(c)),
                count(r.on_time.territory_month(c)),
                share(r.territory_share_month(c)),
                count(r.overdue.territory_month(c)),
                count(r.raised.territory_month(c)),
                count(r.acknowledged.territory_month(c)),
                count(r.resolved.territory_month(c)),
            ],
        );
    }
    out
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::backend::{auth, internal, server_context};
    use crate::coverage::{CoverageInput, CoverageReport, coverage, weekly_visits};

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
