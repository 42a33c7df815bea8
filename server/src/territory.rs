//! The territory's reference data: the 35 communes of the Communauté de communes du
//! Civraisien en Poitou, embedded in the binary from `server/data/civraisien/communes.geojson`
//! (INSEE populations, IGN Admin Express outlines; sources and licence in SOURCES.md there).
//!
//! Parsed once at start; areas are geodesic (WGS84 ellipsoid) and each commune gets an
//! interior point as its centre (the centroid of a concave commune can fall outside it).

use geo::{BoundingRect, Contains, GeodesicArea, InteriorPoint, MultiPolygon, Point, Polygon};
use monalisa_app::backend::CommuneRecord;
use monalisa_app::domain::{Commune, InseeCode, Location};
use serde::Deserialize;

const COMMUNES_GEOJSON: &str = include_str!("../data/civraisien/communes.geojson");

#[derive(Debug, thiserror::Error)]
pub enum TerritoryError {
    #[error("territory file is not valid GeoJSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("commune {0}: {1}")]
    Commune(String, String),
}

#[derive(Deserialize)]
struct FeatureCollection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: Properties,
    geometry: serde_json::Value,
}

#[derive(Deserialize)]
struct Properties {
    insee: String,
    name: String,
    population: u32,
    population_year: u16,
}

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Vec<[f64; 2]>>),
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
}

fn polygon(rings: &[Vec<[f64; 2]>]) -> Polygon<f64> {
    let ring = |r: &Vec<[f64; 2]>| geo::LineString::from(r.iter().map(|&[x, y]| (x, y)).collect::<Vec<_>>());
    let mut rings = rings.iter();
    let exterior = rings.next().map(ring).unwrap_or_else(|| geo::LineString::new(vec![]));
    Polygon::new(exterior, rings.map(ring).collect())
}

/// A commune with its outline as a geometry, for placing people inside it.
#[derive(Clone, Debug)]
pub struct CommuneShape {
    pub commune: Commune,
    pub shape: MultiPolygon<f64>,
}

impl CommuneShape {
    pub fn contains(&self, loc: &Location) -> bool {
        self.shape.contains(&Point::new(loc.lon, loc.lat))
    }

    /// (min_lon, min_lat, max_lon, max_lat).
    pub fn bounds(&self) -> (f64, f64, f64, f64) {
        self.shape.bounding_rect().map(|r| (r.min().x, r.min().y, r.max().x, r.max().y)).unwrap_or((0.0, 0.0, 0.0, 0.0))
    }
}

/// The embedded territory's outlines (none if it cannot be read: nothing is then inside).
pub fn shapes() -> Vec<CommuneShape> {
    load().map(|t| t.into_iter().map(|(_, shape)| shape).collect()).unwrap_or_default()
}

/// The embedded territory: each commune with its outline, ordered by INSEE code.
pub fn load() -> Result<Vec<(CommuneRecord, CommuneShape)>, TerritoryError> {
    parse(COMMUNES_GEOJSON)
}

pub fn parse(geojson: &str) -> Result<Vec<(CommuneRecord, CommuneShape)>, TerritoryError> {
    let fc: FeatureCollection = serde_json::from_str(geojson)?;
    let mut out = Vec::with_capacity(fc.features.len());
    for f in fc.features {
        let p = f.properties;
        let bad = |m: &str| TerritoryError::Commune(p.insee.clone(), m.to_owned());
        let insee = InseeCode::parse(&p.insee).ok_or_else(|| bad("not an INSEE code"))?;
        let geometry: Geometry = serde_json::from_value(f.geometry.clone()).map_err(|e| bad(&e.to_string()))?;
        let shape = match &geometry {
            Geometry::Polygon(rings) => MultiPolygon::new(vec![polygon(rings)]),
            Geometry::MultiPolygon(polys) => MultiPolygon::new(polys.iter().map(|p| polygon(p)).collect()),
        };
        let area_km2 = shape.geodesic_area_unsigned() / 1e6;
        if !(area_km2 > 0.0) {
            return Err(bad("outline has no area"));
        }
        let centre = shape.interior_point().ok_or_else(|| bad("outline has no interior point"))?;
        let commune = Commune {
            insee,
            name: p.name,
            population: p.population,
            population_year: p.population_year,
            area_km2,
            centre: Location { lat: centre.y(), lon: centre.x() },
        };
        let record = CommuneRecord { commune: commune.clone(), outline: f.geometry.to_string() };
        out.push((record, CommuneShape { commune, shape }));
    }
    out.sort_by(|a, b| a.0.commune.insee.cmp(&b.0.commune.insee));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_35_communes_with_their_totals() {
        let t = load().unwrap();
        assert_eq!(t.len(), 35);
        let population: u32 = t.iter().map(|(r, _)| r.commune.population).sum();
        assert_eq!(population, 26_641);
        let area: f64 = t.iter().map(|(r, _)| r.commune.area_km2).sum();
        // SOURCES.md: about 887 km² (equirectangular); geodesic should agree within 1 %.
        assert!((878.0..896.0).contains(&area), "{area}");
        for (record, shape) in &t {
            assert!(shape.contains(&record.commune.centre), "{} centre outside", record.commune.name);
        }
        let civray = t.iter().find(|(r, _)| r.commune.insee.as_str() == "86078").unwrap();
        assert_eq!(civray.0.commune.name, "Civray");
    }

    #[test]
    fn rejects_bad_files() {
        assert!(parse("{").is_err());
        let bad_code = r#"{"features":[{"properties":{"insee":"x","name":"A","population":1,"population_year":2023},
            "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}"#;
        assert!(matches!(parse(bad_code), Err(TerritoryError::Commune(..))));
    }
}
