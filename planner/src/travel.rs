//! Travel between two points, through a provider trait: great-circle distance × detour /
//! speed by default (the benchmark's exact formula), a road-network table service can replace
//! it. Computed on demand: no dense all-pairs matrix (a nation-sized instance would need
//! billions of entries).

use std::sync::atomic::{AtomicU64, Ordering};

/// A point, prepared for fast great-circle distances (radians, cosine of the latitude, and the
/// unit vector).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub lon: f64,
    pub lat: f64,
    lat_rad: f64,
    lon_rad: f64,
    cos_lat: f64,
    xyz: [f64; 3],
}

impl Point {
    pub fn new(lon: f64, lat: f64) -> Point {
        let (lat_rad, lon_rad) = (lat.to_radians(), lon.to_radians());
        let cos_lat = lat_rad.cos();
        let xyz = [cos_lat * lon_rad.cos(), cos_lat * lon_rad.sin(), lat_rad.sin()];
        Point { lon, lat, lat_rad, lon_rad, cos_lat, xyz }
    }
}

/// Travel times and distances between the problem's locations, by index (see
/// [`crate::problem::Problem`] for the order of locations). Implementations: [`HaversineTravel`]
/// (computed on demand) and [`MatrixTravel`] (a table fetched from a road-network service for one
/// scope, small enough to be dense).
pub trait Travel: Send + Sync {
    /// Travel time in whole seconds.
    fn seconds(&self, a: u32, b: u32) -> i64;
    /// Road kilometres (for reports).
    fn road_km(&self, a: u32, b: u32) -> f64;
    /// An upper bound on the straight-line km that can be covered in `seconds` of travel (for
    /// spatial pruning: no point farther than this is reachable in that time).
    fn max_km_in(&self, seconds: i64) -> f64;
}

/// The benchmark's model: `ceil(haversine_km × detour / speed × 3600)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Haversine {
    pub detour_factor: f64,
    pub speed_kmh: f64,
    pub earth_radius_km: f64,
}

impl Default for Haversine {
    fn default() -> Self {
        Haversine { detour_factor: 1.3, speed_kmh: 40.0, earth_radius_km: 6371.0088 }
    }
}

impl Haversine {
    /// Great-circle km (the FORMAT.md formula, in the same order of operations).
    pub fn km(&self, a: &Point, b: &Point) -> f64 {
        let dlat = (b.lat_rad - a.lat_rad) / 2.0;
        let dlon = (b.lon_rad - a.lon_rad) / 2.0;
        let h = dlat.sin().powi(2) + a.cos_lat * b.cos_lat * dlon.sin().powi(2);
        2.0 * self.earth_radius_km * h.sqrt().asin()
    }
}

impl Haversine {
    /// Travel seconds, exactly as [`Haversine::km`] would give them, but faster: the haversine
    /// term equals a quarter of the squared chord between unit vectors, which needs no sine.
    /// The two differ by a few ulps, which changes the rounded-up seconds only when the exact
    /// value is within a hair of a whole second; then the FORMAT.md formula decides.
    pub fn seconds(&self, a: &Point, b: &Point) -> i64 {
        let scale = 2.0 * self.earth_radius_km * self.detour_factor / self.speed_kmh * 3600.0;
        let d = [a.xyz[0] - b.xyz[0], a.xyz[1] - b.xyz[1], a.xyz[2] - b.xyz[2]];
        let h = ((d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) * 0.25).min(1.0);
        let fast = h.sqrt().asin() * scale;
        let rounded = fast.ceil();
        if rounded - fast > 1e-6 && fast - (rounded - 1.0) > 1e-6 { rounded as i64 } else { self.exact_seconds(a, b) }
    }

    /// The FORMAT.md formula, operation by operation.
    pub fn exact_seconds(&self, a: &Point, b: &Point) -> i64 {
        (self.km(a, b) * self.detour_factor / self.speed_kmh * 3600.0).ceil() as i64
    }
}

/// The benchmark's model over the problem's locations.
#[derive(Clone, Debug)]
pub struct HaversineTravel {
    pub model: Haversine,
    pub points: Vec<Point>,
}

impl Travel for HaversineTravel {
    fn seconds(&self, a: u32, b: u32) -> i64 {
        self.model.seconds(&self.points[a as usize], &self.points[b as usize])
    }

    fn road_km(&self, a: u32, b: u32) -> f64 {
        self.model.km(&self.points[a as usize], &self.points[b as usize]) * self.model.detour_factor
    }

    fn max_km_in(&self, seconds: i64) -> f64 {
        (seconds.max(0) as f64 / 3600.0) * self.model.speed_kmh / self.model.detour_factor + 0.001
    }
}

/// Remembers recent answers of another provider: the search asks for the same legs again and
/// again, and a great-circle distance costs more than a memory read. Direct-mapped, fixed size
/// (2 MB: small enough to stay in the processor's cache, which measured faster than a larger
/// table), so memory does not grow with the instance; a collision only costs a recompute.
pub struct CachedTravel<T> {
    inner: T,
    slots: Vec<AtomicU64>,
}

const CACHE_BITS: u32 = 18;
/// Locations and seconds must fit the packed slot: 20 + 20 bits of indices, 24 bits of seconds.
const INDEX_BITS: u32 = 20;
const SECONDS_BITS: u32 = 24;

impl<T: Travel> CachedTravel<T> {
    pub fn new(inner: T) -> Self {
        CachedTravel { inner, slots: (0..1u64 << CACHE_BITS).map(|_| AtomicU64::new(0)).collect() }
    }

    fn slot(a: u32, b: u32) -> usize {
        let key = (u64::from(a) << 32 | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (key >> (64 - CACHE_BITS)) as usize
    }
}

impl<T: Travel> Travel for CachedTravel<T> {
    fn seconds(&self, a: u32, b: u32) -> i64 {
        if a >= 1 << INDEX_BITS || b >= 1 << INDEX_BITS {
            return self.inner.seconds(a, b);
        }
        // Slot layout: a (20 bits) | b (20 bits) | seconds + 1 (24 bits); 0 means empty.
        let tag = u64::from(a) << 44 | u64::from(b) << 24;
        let slot = &self.slots[Self::slot(a, b)];
        let value = slot.load(Ordering::Relaxed);
        if value != 0 && value & !((1 << SECONDS_BITS) - 1) == tag {
            return (value & ((1 << SECONDS_BITS) - 1)) as i64 - 1;
        }
        let seconds = self.inner.seconds(a, b);
        if (0..(1 << SECONDS_BITS) - 1).contains(&seconds) {
            slot.store(tag | (seconds as u64 + 1), Ordering::Relaxed);
        }
        seconds
    }

    fn road_km(&self, a: u32, b: u32) -> f64 {
        self.inner.road_km(a, b)
    }

    fn max_km_in(&self, seconds: i64) -> f64 {
        self.inner.max_km_in(seconds)
    }
}

/// A dense table of travel seconds and road metres between the problem's locations, as a
/// road-network service (OSRM's `table` API) returns it for one scope.
#[derive(Clone, Debug)]
pub struct MatrixTravel {
    n: usize,
    seconds: Vec<u32>,
    metres: Vec<u32>,
    /// The fastest plausible road speed, which bounds how far a trip of a given time can go.
    max_speed_kmh: f64,
}

/// A table that does not fit the problem's locations.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("the travel table has {got} entries, {n} locations need {}", n * n)]
pub struct MatrixShapeError {
    pub n: usize,
    pub got: usize,
}

impl MatrixTravel {
    pub fn new(n: usize, seconds: Vec<u32>, metres: Vec<u32>, max_speed_kmh: f64) -> Result<Self, MatrixShapeError> {
        for got in [seconds.len(), metres.len()] {
            if got != n * n {
                return Err(MatrixShapeError { n, got });
            }
        }
        Ok(MatrixTravel { n, seconds, metres, max_speed_kmh })
    }
}

impl Travel for MatrixTravel {
    fn seconds(&self, a: u32, b: u32) -> i64 {
        i64::from(self.seconds[a as usize * self.n + b as usize])
    }

    fn road_km(&self, a: u32, b: u32) -> f64 {
        f64::from(self.metres[a as usize * self.n + b as usize]) / 1000.0
    }

    fn max_km_in(&self, seconds: i64) -> f64 {
        (seconds.max(0) as f64 / 3600.0) * self.max_speed_kmh + 0.001
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_benchmark_formula() {
        let h = Haversine::default();
        let civray = Point::new(0.2961, 46.1483);
        let other = Point::new(0.31, 46.12);
        let km = h.km(&civray, &other);
        assert!((km - 3.3219).abs() < 0.01, "{km}");
        assert_eq!(h.seconds(&civray, &other), (km * 1.3 / 40.0 * 3600.0).ceil() as i64);
        assert_eq!(h.seconds(&civray, &civray), 0);
        let t = HaversineTravel { model: h, points: vec![civray, other] };
        assert_eq!(t.seconds(0, 1), t.seconds(1, 0));
        assert!(t.max_km_in(3600) >= 40.0 / 1.3 - 1e-6);
    }

    #[test]
    fn the_fast_formula_rounds_like_the_exact_one() {
        let h = Haversine::default();
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..200_000 {
            let a = Point::new(-5.0 + 13.0 * next(), 42.0 + 9.0 * next());
            let b = Point::new(a.lon + 0.8 * (next() - 0.5), a.lat + 0.8 * (next() - 0.5));
            assert_eq!(h.seconds(&a, &b), h.exact_seconds(&a, &b), "{a:?} {b:?}");
        }
        let p = Point::new(0.3, 46.2);
        assert_eq!(h.seconds(&p, &p), 0);
    }

    #[test]
    fn the_cache_answers_like_its_provider() {
        let points: Vec<Point> =
            (0..300).map(|i| Point::new(0.2 + 0.001 * i as f64, 46.0 + 0.0007 * i as f64)).collect();
        let plain = HaversineTravel { model: Haversine::default(), points: points.clone() };
        let cached = CachedTravel::new(HaversineTravel { model: Haversine::default(), points });
        for round in 0..2 {
            for a in 0..300 {
                for b in (0..300).step_by(7) {
                    assert_eq!(cached.seconds(a, b), plain.seconds(a, b), "round {round}: {a} → {b}");
                }
            }
        }
    }

    #[test]
    fn a_matrix_must_fit_its_locations() {
        assert_eq!(MatrixTravel::new(2, vec![0; 3], vec![0; 4], 90.0).unwrap_err(), MatrixShapeError { n: 2, got: 3 });
        let m = MatrixTravel::new(2, vec![0, 60, 70, 0], vec![0, 900, 1000, 0], 90.0).unwrap();
        assert_eq!((m.seconds(0, 1), m.seconds(1, 0)), (60, 70));
        assert_eq!(m.road_km(1, 0), 1.0);
    }
}
