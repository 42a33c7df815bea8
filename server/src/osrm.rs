//! Road travel times from an OSRM-compatible `table` service, for one scope's plan. The
//! locations are deduplicated (a volunteer's shifts all start from the same home), then asked
//! for in blocks of sources × destinations small enough for the service's table limit
//! (OSRM's `--max-table-size`, 100 by default), and assembled into the planner's dense
//! [`MatrixTravel`]. A pair the service cannot route (`null`) becomes unreachable.

use monalisa_planner::travel::MatrixTravel;
use serde::Deserialize;
use std::collections::HashMap;

/// Seconds standing for "no road between these points": far beyond any shift.
const UNREACHABLE_S: u32 = u32::MAX / 4;

#[derive(Debug, thiserror::Error)]
pub enum OsrmError {
    #[error("the routing service at {url} cannot be reached: {source}")]
    Unreachable { url: String, source: reqwest::Error },
    #[error("the routing service answered {status}: {message}")]
    Refused { status: u16, message: String },
    #[error("the routing service's answer is not a table of {rows}×{cols}: {what}")]
    Malformed { rows: usize, cols: usize, what: String },
    #[error("{0}")]
    Shape(#[from] monalisa_planner::travel::MatrixShapeError),
}

#[derive(Deserialize)]
struct TableAnswer {
    code: String,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    durations: Option<Vec<Vec<Option<f64>>>>,
    #[serde(default)]
    distances: Option<Vec<Vec<Option<f64>>>>,
}

/// Settings of the routing service.
#[derive(Clone, Debug)]
pub struct OsrmSettings {
    /// Base URL, e.g. `http://127.0.0.1:5000` (the profile path `table/v1/driving` is added).
    pub url: String,
    /// Most sources (and destinations) per request.
    pub max_table: usize,
    /// The fastest plausible road speed, for the planner's spatial pruning.
    pub max_speed_kmh: f64,
}

/// The planning page's road times: tables from the service.
pub struct OsrmRoadTimes {
    pub client: reqwest::Client,
    pub settings: OsrmSettings,
}

#[async_trait::async_trait]
impl monalisa_app::backend::RoadTimes for OsrmRoadTimes {
    async fn table(&self, points: &[[f64; 2]]) -> Result<MatrixTravel, String> {
        fetch_table(&self.client, &self.settings, points).await.map_err(|e| e.to_string())
    }
}

/// Fetches the travel table between `points` (`[lon, lat]`, in the planner's location order).
pub async fn fetch_table(
    client: &reqwest::Client,
    settings: &OsrmSettings,
    points: &[[f64; 2]],
) -> Result<MatrixTravel, OsrmError> {
    // Distinct coordinates, and where each location went.
    let mut distinct: Vec<[f64; 2]> = Vec::new();
    let mut seen: HashMap<(u64, u64), usize> = HashMap::new();
    let index: Vec<usize> = points
        .iter()
        .map(|p| {
            *seen.entry((p[0].to_bits(), p[1].to_bits())).or_insert_with(|| {
                distinct.push(*p);
                distinct.len() - 1
            })
        })
        .collect();
    let m = distinct.len();
    let mut seconds = vec![UNREACHABLE_S; m * m];
    let mut metres = vec![u32::MAX; m * m];
    let block = settings.max_table.max(1);
    for rows in (0..m).step_by(block) {
        for cols in (0..m).step_by(block) {
            let (r_end, c_end) = ((rows + block).min(m), (cols + block).min(m));
            let answer = ask(client, settings, &distinct, rows..r_end, cols..c_end).await?;
            let (durations, distances) = (answer.0, answer.1);
            for (i, row) in durations.iter().enumerate() {
                for (j, d) in row.iter().enumerate() {
                    let at = (rows + i) * m + cols + j;
                    if let Some(d) = d {
                        seconds[at] = d.max(0.0).ceil().min(f64::from(UNREACHABLE_S)) as u32;
                    }
                    if let Some(Some(km)) = distances.get(i).and_then(|r| r.get(j)) {
                        metres[at] = km.max(0.0).round().min(f64::from(u32::MAX)) as u32;
                    }
                }
            }
        }
    }
    // Back to one entry per location.
    let n = points.len();
    let (mut full_s, mut full_m) = (Vec::with_capacity(n * n), Vec::with_capacity(n * n));
    for &a in &index {
        for &b in &index {
            full_s.push(seconds[a * m + b]);
            full_m.push(metres[a * m + b]);
        }
    }
    Ok(MatrixTravel::new(n, full_s, full_m, settings.max_speed_kmh)?)
}

type Rows = Vec<Vec<Option<f64>>>;

async fn ask(
    client: &reqwest::Client,
    settings: &OsrmSettings,
    points: &[[f64; 2]],
    sources: std::ops::Range<usize>,
    destinations: std::ops::Range<usize>,
) -> Result<(Rows, Rows), OsrmError> {
    // Only the coordinates this block needs, sources first.
    let mut coords: Vec<[f64; 2]> = points[sources.clone()].to_vec();
    let same = sources == destinations;
    if !same {
        coords.extend_from_slice(&points[destinations.clone()]);
    }
    let list: Vec<String> = coords.iter().map(|[lon, lat]| format!("{lon:.6},{lat:.6}")).collect();
    let src: Vec<String> = (0..sources.len()).map(|i| i.to_string()).collect();
    let first_dest = if same { 0 } else { sources.len() };
    let dst: Vec<String> = (first_dest..first_dest + destinations.len()).map(|i| i.to_string()).collect();
    let base = settings.url.trim_end_matches('/');
    let url = format!(
        "{base}/table/v1/driving/{}?sources={}&destinations={}&annotations=duration,distance",
        list.join(";"),
        src.join(";"),
        dst.join(";")
    );
    let response =
        client.get(&url).send().await.map_err(|source| OsrmError::Unreachable { url: base.to_string(), source })?;
    let status = response.status().as_u16();
    let text = response.text().await.map_err(|source| OsrmError::Unreachable { url: base.to_string(), source })?;
    let (rows, cols) = (sources.len(), destinations.len());
    let answer: TableAnswer = serde_json::from_str(&text).map_err(|e| {
        if status != 200 {
            OsrmError::Refused { status, message: text.chars().take(200).collect() }
        } else {
            OsrmError::Malformed { rows, cols, what: e.to_string() }
        }
    })?;
    if answer.code != "Ok" {
        return Err(OsrmError::Refused {
            status,
            message: format!("{}: {}", answer.code, answer.message.unwrap_or_default()),
        });
    }
    let durations = answer.durations.ok_or_else(|| OsrmError::Malformed { rows, cols, what: "no durations".into() })?;
    if durations.len() != rows || durations.iter().any(|r| r.len() != cols) {
        return Err(OsrmError::Malformed { rows, cols, what: "wrong size".into() });
    }
    Ok((durations, answer.distances.unwrap_or_default()))
}
