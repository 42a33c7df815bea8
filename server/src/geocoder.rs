//! Homes located from their address by a geocoder speaking the Base Adresse Nationale's
//! `/search` API (`addok`, as served by api-adresse.data.gouv.fr or self-hosted): after an
//! import, a worker takes the queued homes in batches (under a lease, so several server
//! processes share the queue and a batch whose process died is taken again), asks for each
//! address, and keeps a position only when it is precise enough and inside the person's commune.
//!
//! Only the address and the commune (its name in the query, its INSEE code as the `citycode`
//! filter) are sent, never a name; nothing about the person is logged (the query is personal
//! data: errors are logged without their URL). The geocoder is a recipient listed in
//! `docs/protection-des-donnees.md`.

use monalisa_app::backend::{GeocodeOutcome, GeocodeTask, Store, StoreError};
use monalisa_app::domain::{InseeCode, Location, Timestamp};
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;

/// Settings of the geocoding service and of the worker.
#[derive(Clone, Debug)]
pub struct GeocoderSettings {
    /// Base URL, e.g. `https://api-adresse.data.gouv.fr` (`/search/` is added).
    pub url: String,
    /// Homes claimed at a time (the progress moves one home at a time).
    pub batch: usize,
    /// How long one question may take.
    pub timeout: Duration,
    /// The lowest score kept (the service's 0–1 confidence).
    pub min_score: f64,
    /// Attempts before a home the service never answered for is given up.
    pub attempts_max: u32,
    /// The wait before the first retry (doubled at each attempt, at most an hour).
    pub retry_after: Duration,
    /// How often an idle worker looks for homes queued by another process.
    pub idle: Duration,
}

impl GeocoderSettings {
    pub fn new(url: String) -> GeocoderSettings {
        GeocoderSettings {
            url,
            batch: 20,
            timeout: Duration::from_secs(10),
            min_score: 0.5,
            attempts_max: 5,
            retry_after: Duration::from_secs(60),
            idle: Duration::from_secs(10),
        }
    }
}

/// The service's best answer for an address.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub at: Location,
    pub score: f64,
    /// `housenumber`, `street`, `locality` or `municipality`.
    pub kind: String,
    pub citycode: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum GeocodeError {
    #[error("the geocoder cannot be reached: {0}")]
    Unreachable(reqwest::Error),
    #[error("the geocoder answered {0}")]
    Refused(u16),
    #[error("the geocoder's answer is not GeoJSON: {0}")]
    Malformed(String),
}

#[derive(Deserialize)]
struct Answer {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    geometry: Point,
    properties: Properties,
}

#[derive(Deserialize)]
struct Point {
    /// `[lon, lat]`.
    coordinates: [f64; 2],
}

#[derive(Deserialize)]
struct Properties {
    score: f64,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    citycode: Option<String>,
}

/// Asks the service for one address in one commune: its best answer, if any.
pub async fn search(
    client: &reqwest::Client,
    settings: &GeocoderSettings,
    address: &str,
    commune: &InseeCode,
    commune_name: &str,
) -> Result<Option<Candidate>, GeocodeError> {
    let url = format!("{}/search/", settings.url.trim_end_matches('/'));
    let query = format!("{address} {commune_name}");
    let answer = client
        .get(url)
        .query(&[("q", query.as_str()), ("citycode", commune.as_str()), ("limit", "1")])
        .timeout(settings.timeout)
        .send()
        .await
        // The URL holds the address: never in an error that may be logged.
        .map_err(|e| GeocodeError::Unreachable(e.without_url()))?;
    let status = answer.status();
    if !status.is_success() {
        return Err(GeocodeError::Refused(status.as_u16()));
    }
    let body = answer.bytes().await.map_err(|e| GeocodeError::Unreachable(e.without_url()))?;
    let answer: Answer = serde_json::from_slice(&body).map_err(|e| GeocodeError::Malformed(e.to_string()))?;
    Ok(answer.features.into_iter().next().and_then(|f| {
        let [lon, lat] = f.geometry.coordinates;
        Some(Candidate {
            at: Location::new(lat, lon)?,
            score: f.properties.score,
            kind: f.properties.kind,
            citycode: f.properties.citycode,
        })
    }))
}

/// Whether an answer is good enough to plan with: more precise than the commune itself, scored
/// at least `min_score`, in the person's commune and inside its outline.
pub fn accept(
    c: &Candidate,
    commune: &InseeCode,
    min_score: f64,
    inside: impl Fn(&InseeCode, &Location) -> bool,
) -> bool {
    c.kind != "municipality"
        && c.score >= min_score
        && c.citycode.as_deref().is_none_or(|code| code == commune.as_str())
        && inside(commune, &c.at)
}

fn now() -> Timestamp {
    Timestamp(monalisa_app::backend::now_ms())
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The next try after `attempts` unanswered ones: doubled each time, at most an hour.
fn retry_at(settings: &GeocoderSettings, attempts: u32, now: Timestamp) -> Timestamp {
    let wait = settings.retry_after.saturating_mul(1 << attempts.saturating_sub(1).min(10));
    Timestamp(now.0 + ms(wait.min(Duration::from_secs(3600))))
}

/// One batch: claims homes, asks for each, settles each. Once the service fails, the rest of
/// the batch waits for the retry instead of asking again at once. Gives how many were claimed.
pub async fn work_batch(
    store: &dyn Store,
    client: &reqwest::Client,
    settings: &GeocoderSettings,
    inside: &(dyn Fn(&InseeCode, &Location) -> bool + Sync),
) -> Result<usize, StoreError> {
    let start = now();
    let lease =
        settings.timeout.saturating_mul(u32::try_from(settings.batch).unwrap_or(u32::MAX)) + Duration::from_secs(60);
    let tasks: Vec<GeocodeTask> = store.claim_geocoding(start, Timestamp(start.0 + ms(lease)), settings.batch).await?;
    let mut down: Option<GeocodeError> = None;
    for task in &tasks {
        let outcome = if task.address.trim().is_empty() {
            GeocodeOutcome::NotFound
        } else if down.is_some() {
            GeocodeOutcome::Unavailable { retry_at: retry_at(settings, task.attempts, now()) }
        } else {
            match search(client, settings, &task.address, &task.commune, &task.commune_name).await {
                Ok(Some(c)) if accept(&c, &task.commune, settings.min_score, inside) => GeocodeOutcome::Found(c.at),
                Ok(_) => GeocodeOutcome::NotFound,
                Err(e) => {
                    down = Some(e);
                    GeocodeOutcome::Unavailable { retry_at: retry_at(settings, task.attempts, now()) }
                }
            }
        };
        store.settle_geocoding(task.resident, outcome, settings.attempts_max, now()).await?;
    }
    if let Some(e) = down {
        tracing::warn!(error = %e, homes = tasks.len(), "geocoding: service unavailable, trying again later");
    } else if !tasks.is_empty() {
        tracing::info!(homes = tasks.len(), "geocoding: batch done");
    }
    Ok(tasks.len())
}

/// Homes queued (by this process or another) are located until none is left, then the worker
/// sleeps until woken by an import or `settings.idle` has passed.
pub async fn work(
    store: Arc<dyn Store>,
    settings: GeocoderSettings,
    shapes: Arc<Vec<crate::territory::CommuneShape>>,
    wake: Arc<tokio::sync::Notify>,
) {
    let client = reqwest::Client::new();
    let inside = crate::http::forms::import::inside(&shapes);
    loop {
        match work_batch(&*store, &client, &settings, &inside).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "geocoding: the store failed, trying again later"),
        }
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(settings.idle) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(c: &str) -> InseeCode {
        InseeCode::parse(c).unwrap()
    }

    fn candidate(score: f64, kind: &str, citycode: Option<&str>) -> Candidate {
        Candidate {
            at: Location::new(46.15, 0.29).unwrap(),
            score,
            kind: kind.into(),
            citycode: citycode.map(Into::into),
        }
    }

    #[rstest::rstest]
    #[case::a_house(0.92, "housenumber", Some("86078"), true, true)]
    #[case::a_street(0.61, "street", Some("86078"), true, true)]
    #[case::a_hamlet(0.5, "locality", None, true, true)]
    #[case::too_unsure(0.49, "housenumber", Some("86078"), true, false)]
    #[case::only_the_commune(0.95, "municipality", Some("86078"), true, false)]
    #[case::another_commune(0.9, "housenumber", Some("86070"), true, false)]
    #[case::outside_the_outline(0.9, "housenumber", Some("86078"), false, false)]
    fn answers_kept_or_not(
        #[case] score: f64,
        #[case] kind: &str,
        #[case] citycode: Option<&str>,
        #[case] inside: bool,
        #[case] kept: bool,
    ) {
        assert_eq!(accept(&candidate(score, kind, citycode), &code("86078"), 0.5, |_, _| inside), kept);
    }

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        let s = GeocoderSettings::new("http://x".into());
        let t0 = Timestamp(0);
        assert_eq!(retry_at(&s, 1, t0), Timestamp(60_000));
        assert_eq!(retry_at(&s, 2, t0), Timestamp(120_000));
        assert_eq!(retry_at(&s, 4, t0), Timestamp(480_000));
        assert_eq!(retry_at(&s, 30, t0), Timestamp(3_600_000));
    }
}
