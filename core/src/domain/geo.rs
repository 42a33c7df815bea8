//! Points on the map. Distances are great-circle (haversine) on a spherical Earth, which is
//! what the planner's default travel model and the benchmark format use.

use serde::{Deserialize, Serialize};

/// Mean Earth radius (IUGG), in km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A WGS84 position in degrees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
}

impl Location {
    pub fn new(lat: f64, lon: f64) -> Option<Location> {
        (lat.is_finite() && lon.is_finite() && (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
            .then_some(Location { lat, lon })
    }

    /// Great-circle distance in km.
    pub fn distance_km(&self, other: &Location) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civray_to_gencay() {
        // Civray (46.148, 0.295) to Gençay (46.374, 0.404): about 26.5 km as the crow flies.
        let civray = Location::new(46.148, 0.295).unwrap();
        let gencay = Location::new(46.374, 0.404).unwrap();
        let d = civray.distance_km(&gencay);
        assert!((26.0..27.0).contains(&d), "{d}");
        assert_eq!(civray.distance_km(&civray), 0.0);
    }

    #[test]
    fn rejects_out_of_range() {
        assert!(Location::new(91.0, 0.0).is_none());
        assert!(Location::new(f64::NAN, 0.0).is_none());
    }
}
