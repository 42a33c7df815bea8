//! Validated, immutable problem data. An [`Instance`] (the shared file format) becomes a
//! [`Problem`]: ids replaced by indices, windows sorted, the hard rules that depend on one
//! volunteer and one visit (allowed and locked volunteers, range, acceptable communes, absences,
//! a single-visit round trip that fits the shift) folded into each visit's list of *candidate
//! shifts*. Those lists are found through a spatial grid, so no all-pairs matrix is ever built.
//!
//! Locations are numbered: visits first (`0..visits.len()`), then each shift's start and end
//! (`visits.len() + 2·shift` and `+ 1`). A road-network table must use the same order
//! ([`Problem::location_points`]).

use crate::format::{INSTANCE_FORMAT, Instance, Reason};
use crate::travel::{CachedTravel, Haversine, HaversineTravel, Point, Travel};
use std::collections::HashMap;

/// "No shift" in assignment arrays.
pub const NONE: u32 = u32::MAX;
/// How many nearest visits each visit knows (for ruin neighbourhoods).
const NEIGHBOURS: usize = 40;
/// How many competing shifts each shift knows.
const SHIFT_NEIGHBOURS: usize = 12;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ProblemError {
    #[error("unknown format {0:?}: expected \"{INSTANCE_FORMAT}\"")]
    Format(String),
    #[error("travel model {0:?} is not supported (expected \"haversine\")")]
    TravelModel(String),
    #[error("travel: {0}")]
    Travel(String),
    #[error("{kind} id {id:?} appears twice")]
    DuplicateId { kind: &'static str, id: String },
    #[error("volunteer {id:?}: {what}")]
    Volunteer { id: String, what: String },
    #[error("shift {id:?}: {what}")]
    Shift { id: String, what: String },
    #[error("visit {id:?}: {what}")]
    Visit { id: String, what: String },
}

#[derive(Clone, Debug)]
pub struct Volunteer {
    pub id: String,
    pub home: Point,
    /// Most visits in the week (`u32::MAX` when unlimited).
    pub capacity: u32,
    pub max_km: Option<f64>,
    pub communes: Option<Vec<String>>,
    pub absences: Vec<[i64; 2]>,
    /// Their travel times over the instance's (1 unless they travel otherwise).
    pub pace: f64,
}

#[derive(Clone, Debug)]
pub struct Shift {
    pub id: String,
    pub volunteer: u32,
    pub start: u32,
    pub end: u32,
    pub open: i64,
    pub close: i64,
    pub max_visits: u32,
    /// False when the volunteer is away during the shift.
    pub usable: bool,
    /// The volunteer's (see [`Volunteer::pace`]).
    pub pace: f64,
}

#[derive(Clone, Debug)]
pub struct Visit {
    pub id: String,
    pub duration: i64,
    /// Windows for the start of service, sorted by opening time.
    pub windows: Vec<[i64; 2]>,
    pub priority: u32,
    /// Sorted volunteer indices, when restricted (allowed volunteers and locks combined).
    pub allowed: Option<Vec<u32>>,
    pub usual: Option<u32>,
    pub commune: Option<String>,
}

/// A shift that can serve a visit on its own.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    pub shift: u32,
    /// Travel from the shift's start to the visit and back to its end.
    pub round_trip: i64,
}

pub struct Problem {
    pub name: String,
    pub volunteers: Vec<Volunteer>,
    pub shifts: Vec<Shift>,
    pub visits: Vec<Visit>,
    pub points: Vec<Point>,
    pub travel: Box<dyn Travel>,
    /// For each visit, the shifts that can serve it alone (all hard rules of one pair checked),
    /// nearest first (by round trip).
    pub candidates: Vec<Vec<Candidate>>,
    /// For each shift, the visits it is a candidate for.
    pub shift_visits: Vec<Vec<u32>>,
    /// For each visit, its nearest visits, nearest first.
    pub neighbours: Vec<Vec<u32>>,
    /// For each shift, the nearest other usable shifts at overlapping times, nearest first:
    /// those compete for the same visits.
    pub shift_neighbours: Vec<Vec<u32>>,
    /// For each visit, whether some eligible volunteer accepts its commune and distance.
    pub in_range: Vec<bool>,
}

impl crate::route::RouteData for Problem {
    fn shift_times(&self, shift: u32) -> crate::route::ShiftTimes {
        let s = &self.shifts[shift as usize];
        crate::route::ShiftTimes { start: s.start, end: s.end, open: s.open, close: s.close, max_visits: s.max_visits }
    }

    fn visit_times(&self, visit: u32) -> (&[[i64; 2]], i64) {
        let v = &self.visits[visit as usize];
        (&v.windows, v.duration)
    }

    fn leg(&self, shift: u32, from: u32, to: u32) -> i64 {
        self.shift_leg(shift, from, to)
    }
}

impl std::fmt::Debug for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Problem({:?}: {} visits, {} shifts)", self.name, self.visits.len(), self.shifts.len())
    }
}

fn point(xy: [f64; 2], what: impl Fn(String) -> ProblemError) -> Result<Point, ProblemError> {
    let [lon, lat] = xy;
    if !(lon.is_finite() && lat.is_finite() && (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)) {
        return Err(what(format!("coordinates {xy:?} are not [lon, lat] in degrees")));
    }
    Ok(Point::new(lon, lat))
}

fn index_ids<'a>(
    kind: &'static str,
    ids: impl Iterator<Item = &'a str>,
) -> Result<HashMap<&'a str, u32>, ProblemError> {
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        if map.insert(id, i as u32).is_some() {
            return Err(ProblemError::DuplicateId { kind, id: id.to_string() });
        }
    }
    Ok(map)
}

impl Problem {
    /// The points of every location, in the problem's order (see the module documentation).
    pub fn location_points(instance: &Instance) -> Vec<[f64; 2]> {
        let mut points: Vec<[f64; 2]> = instance.visits.iter().map(|v| v.location).collect();
        for s in &instance.shifts {
            points.push(s.start);
            points.push(s.end);
        }
        points
    }

    /// Validates an instance and prepares it, with the travel model the instance names.
    pub fn new(instance: &Instance) -> Result<Problem, ProblemError> {
        let spec = &instance.travel;
        if spec.model != "haversine" {
            return Err(ProblemError::TravelModel(spec.model.clone()));
        }
        if !(spec.detour_factor >= 1.0 && spec.speed_kmh > 0.0 && spec.earth_radius_km > 0.0) {
            return Err(ProblemError::Travel(
                "detour_factor ≥ 1, speed_kmh > 0 and earth_radius_km > 0 are needed".into(),
            ));
        }
        let model = Haversine {
            detour_factor: spec.detour_factor,
            speed_kmh: spec.speed_kmh,
            earth_radius_km: spec.earth_radius_km,
        };
        Problem::with_travel(instance, |points| {
            Ok(Box::new(CachedTravel::new(HaversineTravel { model, points: points.to_vec() })))
        })
    }

    /// Validates an instance and prepares it with another travel provider (a road table).
    pub fn with_travel(
        instance: &Instance,
        travel: impl FnOnce(&[Point]) -> Result<Box<dyn Travel>, ProblemError>,
    ) -> Result<Problem, ProblemError> {
        if instance.format != INSTANCE_FORMAT {
            return Err(ProblemError::Format(instance.format.clone()));
        }
        let volunteers = build_volunteers(instance)?;
        let vol_index = index_ids("volunteer", volunteers.iter().map(|v| v.id.as_str()))?;
        index_ids("shift", instance.shifts.iter().map(|s| s.id.as_str()))?;
        index_ids("visit", instance.visits.iter().map(|v| v.id.as_str()))?;

        let mut points = Vec::with_capacity(instance.visits.len() + 2 * instance.shifts.len());
        let mut visits = Vec::with_capacity(instance.visits.len());
        for spec in &instance.visits {
            let bad = |what: String| ProblemError::Visit { id: spec.id.clone(), what };
            points.push(point(spec.location, bad)?);
            visits.push(build_visit(spec, &vol_index)?);
        }
        let nv = visits.len() as u32;
        let mut shifts = Vec::with_capacity(instance.shifts.len());
        for (i, spec) in instance.shifts.iter().enumerate() {
            let bad = |what: String| ProblemError::Shift { id: spec.id.clone(), what };
            points.push(point(spec.start, bad)?);
            points.push(point(spec.end, bad)?);
            let volunteer = *vol_index.get(spec.volunteer.as_str()).ok_or_else(|| bad("unknown volunteer".into()))?;
            let [open, close] = spec.time_window;
            if open > close {
                return Err(bad(format!("time window {:?} ends before it starts", spec.time_window)));
            }
            let v = &volunteers[volunteer as usize];
            let usable = !v.absences.iter().any(|&[from, to]| from < close && open < to);
            shifts.push(Shift {
                id: spec.id.clone(),
                volunteer,
                start: nv + 2 * i as u32,
                end: nv + 2 * i as u32 + 1,
                open,
                close,
                max_visits: spec.max_visits,
                usable,
                pace: v.pace,
            });
        }
        let travel = travel(&points)?;
        let mut problem = Problem {
            name: instance.name.clone(),
            volunteers,
            shifts,
            visits,
            points,
            travel,
            candidates: Vec::new(),
            shift_visits: Vec::new(),
            neighbours: Vec::new(),
            shift_neighbours: Vec::new(),
            in_range: Vec::new(),
        };
        problem.find_candidates();
        problem.find_neighbours();
        problem.find_shift_neighbours();
        problem.find_in_range();
        Ok(problem)
    }

    pub fn t(&self, a: u32, b: u32) -> i64 {
        self.travel.seconds(a, b)
    }

    /// Travel seconds of a leg of this shift: the instance's, at the volunteer's pace (rounded
    /// up; exactly the instance's at pace 1, which every benchmark volunteer has).
    pub fn shift_leg(&self, shift: u32, a: u32, b: u32) -> i64 {
        let t = self.t(a, b);
        let pace = self.shifts[shift as usize].pace;
        if pace == 1.0 { t } else { (t as f64 * pace).ceil() as i64 }
    }

    /// Whether the volunteer may do the visit (allowed, not locked to someone else) and accepts
    /// where it is: within their range, or in one of the communes they accept besides it. A
    /// volunteer with neither limit accepts anywhere (their shifts' length still bounds it).
    pub fn accepts(&self, volunteer: u32, visit: u32) -> bool {
        let (vol, v) = (&self.volunteers[volunteer as usize], &self.visits[visit as usize]);
        if let Some(allowed) = &v.allowed
            && allowed.binary_search(&volunteer).is_err()
        {
            return false;
        }
        if vol.max_km.is_none() && vol.communes.is_none() {
            return true;
        }
        let in_range =
            vol.max_km.is_some_and(|km| Haversine::default().km(&vol.home, &self.points[visit as usize]) <= km);
        let in_communes =
            vol.communes.as_ref().is_some_and(|list| v.commune.as_ref().is_some_and(|c| list.contains(c)));
        in_range || in_communes
    }

    /// The reason a visit would be unserved (see [`Reason`]).
    pub fn unserved_reason(&self, visit: u32) -> Reason {
        if !self.in_range[visit as usize] {
            Reason::NoVolunteerInRange
        } else if self.candidates[visit as usize].is_empty() {
            Reason::NoCommonSlot
        } else {
            Reason::NoCapacity
        }
    }

    /// Whether the shift can do this visit alone: eligibility and a round trip within a window.
    pub fn single_fits(&self, shift: u32, visit: u32) -> bool {
        let s = &self.shifts[shift as usize];
        s.usable
            && s.max_visits > 0
            && self.accepts(s.volunteer, visit)
            && crate::route::evaluate(self, shift, &[visit]).is_some()
    }

    fn find_candidates(&mut self) {
        let grid = Grid::new(&self.points[..self.visits.len()]);
        // A visit needs its duration plus the trip there and back within the shift.
        let shortest = self.visits.iter().map(|v| v.duration).min().unwrap_or(0);
        let mut candidates = vec![Vec::new(); self.visits.len()];
        let mut shift_visits = vec![Vec::new(); self.shifts.len()];
        for (si, s) in self.shifts.iter().enumerate() {
            if !s.usable || s.max_visits == 0 {
                continue;
            }
            // A leg takes at least the instance's time × pace: slower volunteers reach less far.
            let reach_s = (s.close - s.open - shortest) / 2 + 1;
            let mut radius = self.travel.max_km_in((reach_s as f64 / s.pace).ceil() as i64);
            let vol = &self.volunteers[s.volunteer as usize];
            if let (Some(max_km), None) = (vol.max_km, &vol.communes) {
                radius = radius.min(max_km + 1.0);
            }
            let centre = self.points[s.start as usize];
            grid.for_each_within(&centre, radius, |v| {
                if self.single_fits(si as u32, v) {
                    let round_trip = self.shift_leg(si as u32, s.start, v) + self.shift_leg(si as u32, v, s.end);
                    candidates[v as usize].push(Candidate { shift: si as u32, round_trip });
                    shift_visits[si].push(v);
                }
            });
        }
        for list in &mut candidates {
            list.sort_by_key(|c| (c.round_trip, c.shift));
        }
        for list in &mut shift_visits {
            list.sort_unstable();
        }
        self.candidates = candidates;
        self.shift_visits = shift_visits;
    }

    fn find_neighbours(&mut self) {
        let visit_points = &self.points[..self.visits.len()];
        let grid = Grid::new(visit_points);
        let model = Haversine::default();
        self.neighbours = visit_points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut near = grid.nearest(p, NEIGHBOURS + 1);
                near.retain(|&j| j as usize != i);
                near.sort_by(|&a, &b| {
                    model.km(p, &visit_points[a as usize]).total_cmp(&model.km(p, &visit_points[b as usize]))
                });
                near.truncate(NEIGHBOURS);
                near
            })
            .collect();
    }

    fn find_shift_neighbours(&mut self) {
        let starts: Vec<Point> = self.shifts.iter().map(|s| self.points[s.start as usize]).collect();
        let grid = Grid::new(&starts);
        let model = Haversine::default();
        self.shift_neighbours = self
            .shifts
            .iter()
            .enumerate()
            .map(|(i, s)| {
                if !s.usable {
                    return Vec::new();
                }
                let mut near = grid.nearest(&starts[i], 8 * SHIFT_NEIGHBOURS);
                near.retain(|&j| {
                    let o = &self.shifts[j as usize];
                    j as usize != i && o.usable && o.open < s.close && s.open < o.close
                });
                near.sort_by(|&a, &b| {
                    model.km(&starts[i], &starts[a as usize]).total_cmp(&model.km(&starts[i], &starts[b as usize]))
                });
                near.truncate(SHIFT_NEIGHBOURS);
                near
            })
            .collect();
    }

    fn find_in_range(&mut self) {
        self.in_range = (0..self.visits.len() as u32)
            .map(|v| {
                !self.candidates[v as usize].is_empty()
                    || (0..self.volunteers.len() as u32).any(|vol| self.accepts(vol, v))
            })
            .collect();
    }
}

fn build_volunteers(instance: &Instance) -> Result<Vec<Volunteer>, ProblemError> {
    let mut volunteers = Vec::with_capacity(instance.volunteers.len());
    for spec in &instance.volunteers {
        let bad = |what: String| ProblemError::Volunteer { id: spec.id.clone(), what };
        if let Some(km) = spec.max_km
            && !(km.is_finite() && km >= 0.0)
        {
            return Err(bad(format!("max_km {km} must be a distance ≥ 0")));
        }
        if let Some([from, to]) = spec.absences.iter().find(|[from, to]| from > to) {
            return Err(bad(format!("absence [{from}, {to}] ends before it starts")));
        }
        let pace = match spec.travel {
            None => 1.0,
            Some(mode) if mode.detour_factor >= 1.0 && mode.speed_kmh > 0.0 && mode.speed_kmh.is_finite() => {
                let base = &instance.travel;
                (mode.detour_factor / mode.speed_kmh) / (base.detour_factor / base.speed_kmh)
            }
            Some(mode) => return Err(bad(format!("travel {mode:?}: detour_factor ≥ 1 and speed_kmh > 0 are needed"))),
        };
        volunteers.push(Volunteer {
            id: spec.id.clone(),
            home: point(spec.home, bad)?,
            capacity: spec.weekly_capacity.unwrap_or(u32::MAX),
            max_km: spec.max_km,
            communes: spec.communes.clone(),
            absences: spec.absences.clone(),
            pace,
        });
    }
    // The benchmark lists volunteers for information: a shift may name one that is not listed.
    let listed: std::collections::HashSet<&str> = instance.volunteers.iter().map(|v| v.id.as_str()).collect();
    let mut added = std::collections::HashSet::new();
    for s in &instance.shifts {
        if !listed.contains(s.volunteer.as_str()) && added.insert(s.volunteer.as_str()) {
            let bad = |what: String| ProblemError::Shift { id: s.id.clone(), what };
            volunteers.push(Volunteer {
                id: s.volunteer.clone(),
                home: point(s.start, bad)?,
                capacity: u32::MAX,
                max_km: None,
                communes: None,
                absences: Vec::new(),
                pace: 1.0,
            });
        }
    }
    Ok(volunteers)
}

fn build_visit(spec: &crate::format::VisitSpec, vol_index: &HashMap<&str, u32>) -> Result<Visit, ProblemError> {
    let bad = |what: String| ProblemError::Visit { id: spec.id.clone(), what };
    if !(1..=100).contains(&spec.priority) {
        return Err(bad(format!("priority {} is outside 1..100", spec.priority)));
    }
    if spec.duration_s < 0 {
        return Err(bad(format!("duration_s {} is negative", spec.duration_s)));
    }
    if let Some([a, b]) = spec.time_windows.iter().find(|[a, b]| a > b) {
        return Err(bad(format!("time window [{a}, {b}] ends before it starts")));
    }
    let lookup = |id: &String, field: &str| {
        vol_index.get(id.as_str()).copied().ok_or_else(|| bad(format!("{field} names unknown volunteer {id:?}")))
    };
    let mut allowed = match &spec.allowed_volunteers {
        Some(ids) => Some(ids.iter().map(|id| lookup(id, "allowed_volunteers")).collect::<Result<Vec<_>, _>>()?),
        None => None,
    };
    if let Some(locked) = &spec.locked_volunteer {
        let locked = lookup(locked, "locked_volunteer")?;
        allowed = Some(match allowed {
            Some(list) if !list.contains(&locked) => Vec::new(),
            _ => vec![locked],
        });
    }
    if let Some(list) = &mut allowed {
        list.sort_unstable();
        list.dedup();
    }
    let usual = spec.usual_volunteer.as_ref().map(|id| lookup(id, "usual_volunteer")).transpose()?;
    let mut windows = spec.time_windows.clone();
    windows.sort();
    Ok(Visit {
        id: spec.id.clone(),
        duration: spec.duration_s,
        windows,
        priority: spec.priority,
        allowed,
        usual,
        commune: spec.commune.clone(),
    })
}

/// Points bucketed in cells of about 5 km, for "which points are within r km" queries.
struct Grid {
    cells: HashMap<(i32, i32), Vec<u32>>,
    points: Vec<Point>,
    cos_ref: f64,
}

const CELL_DEG: f64 = 0.05;
const KM_PER_DEG: f64 = 111.19;

impl Grid {
    fn new(points: &[Point]) -> Grid {
        let mean_lat =
            if points.is_empty() { 0.0 } else { points.iter().map(|p| p.lat).sum::<f64>() / points.len() as f64 };
        let cos_ref = mean_lat.to_radians().cos().max(0.05);
        let mut grid = Grid { cells: HashMap::new(), points: points.to_vec(), cos_ref };
        for (i, p) in points.iter().enumerate() {
            let key = grid.cell(p);
            grid.cells.entry(key).or_default().push(i as u32);
        }
        grid
    }

    fn cell(&self, p: &Point) -> (i32, i32) {
        ((p.lon * self.cos_ref / CELL_DEG).floor() as i32, (p.lat / CELL_DEG).floor() as i32)
    }

    /// Calls `f` for every point within `km` of `centre` (and possibly a few just beyond).
    fn for_each_within(&self, centre: &Point, km: f64, mut f: impl FnMut(u32)) {
        let model = Haversine::default();
        // Degrees of latitude per km, and of (cos-scaled) longitude per km, with a margin for the
        // cosine varying over the area.
        let span = km / KM_PER_DEG / CELL_DEG * 1.5 + 1.0;
        let (cx, cy) = self.cell(centre);
        let r = span.ceil() as i32;
        for x in cx - r..=cx + r {
            for y in cy - r..=cy + r {
                if let Some(list) = self.cells.get(&(x, y)) {
                    for &i in list {
                        if model.km(centre, &self.points[i as usize]) <= km {
                            f(i);
                        }
                    }
                }
            }
        }
    }

    /// At least `k` points near `p` (all of them if there are fewer), in no particular order.
    fn nearest(&self, p: &Point, k: usize) -> Vec<u32> {
        let (cx, cy) = self.cell(p);
        let mut found = Vec::new();
        let max_ring = 400;
        let mut ring_done = None;
        for r in 0..=max_ring {
            for x in cx - r..=cx + r {
                for y in cy - r..=cy + r {
                    if (x - cx).abs() != r && (y - cy).abs() != r {
                        continue;
                    }
                    if let Some(list) = self.cells.get(&(x, y)) {
                        found.extend_from_slice(list);
                    }
                }
            }
            // One more ring once enough are found, since a corner of the last ring may be farther
            // than a point of the next.
            match ring_done {
                Some(done) if r >= done => break,
                None if found.len() >= k => ring_done = Some(r + 1),
                _ => {}
            }
            if found.len() >= self.points.len() {
                break;
            }
        }
        found
    }
}
