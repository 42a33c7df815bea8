//! The coordinators' coverage view: indicators per commune for a period, the commune map,
//! trends over the last twelve months, and the CSV export — counts only, no names or
//! addresses, small counts hidden (see `crate::coverage`).

use crate::error::ApiError;

use crate::coverage::Month;

use crate::domain::Date;

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
    /// Median days from referral to first visit, and median length of binômes in months
    /// (`crate::coverage::CoverageReport`; hidden below 3 people).
    #[serde(default)]
    pub days_to_first_visit: Option<f64>,
    #[serde(default)]
    pub binome_months: Option<f64>,
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

/// CSV for the CTG evaluation, as French spreadsheets open it: UTF-8 with a BOM, `;` between
/// fields, CRLF line ends, decimal commas, French headers; one line per commune and month, then
/// the territory per month. The same hidden values as the page ("< 3"). The medians are over the
/// whole period (repeated on each month's line, empty when too few people make them).
pub fn csv(report: &crate::coverage::CoverageReport) -> String {
    fn count(v: Option<u64>) -> String {
        v.map_or_else(|| "< 3".to_owned(), |n| n.to_string())
    }
    fn decimal(v: Option<f64>) -> String {
        v.map_or_else(String::new, |x| format!("{x:.1}").replace('.', ","))
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
        "Heures avant prise en charge (médiane de la période)",
        "Jours de l'orientation à la première visite (médiane de la période)",
        "Durée des binômes en mois (médiane de la période)",
    ];
    let mut out = String::from("\u{feff}");
    out.push_str(&header.join(";"));
    out.push_str("\r\n");
    let r = report;
    let mut line = |name: &str, insee: &str, c: usize, values: [String; 12]| {
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
                    decimal(r.hours_to_acknowledge[row]),
                    decimal(r.days_to_first_visit[row]),
                    decimal(r.binome_months[row]),
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
                String::new(),
                decimal(r.territory_days_to_first_visit),
                decimal(r.territory_binome_months),
            ],
        );
    }
    out
}
