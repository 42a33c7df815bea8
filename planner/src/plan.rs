//! A plan under construction: one route per shift, who serves each visit, each volunteer's load,
//! and its [`Cost`], kept up to date as routes change. Every change goes through
//! [`Plan::set_route`], which can record what it replaced in a journal so a rejected attempt is
//! undone exactly ([`Plan::begin`], [`Plan::rollback`]).

use crate::problem::{NONE, Problem};
use crate::route;

/// The shared rules' order (DESIGN.md): pairs kept first, then served priority, then travel,
/// then load balance. Lower is better, compared field by field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cost {
    /// Visits with a usual volunteer that this plan does not give to that volunteer.
    pub pairs_broken: u64,
    /// Priority of the visits left unserved.
    pub priority_lost: u64,
    /// Seconds of travel over all routes.
    pub travel: i64,
    /// Sum of the squared weekly loads of the volunteers (lower is more even).
    pub load_squares: u64,
}

/// How many seconds of travel one point of priority is worth to the search's acceptance rule
/// (the final comparison stays lexicographic).
pub const PRIORITY_WEIGHT: f64 = 20_000.0;
const PAIR_WEIGHT: f64 = 1.0e9;

impl Cost {
    /// One number for the search's acceptance rule, roughly lexicographic.
    pub fn scalar(&self) -> f64 {
        self.pairs_broken as f64 * PAIR_WEIGHT
            + self.priority_lost as f64 * PRIORITY_WEIGHT
            + self.travel as f64
            + self.load_squares as f64 * 1e-3
    }
}

#[derive(Clone)]
pub struct Plan<'p> {
    pub p: &'p Problem,
    routes: Vec<Vec<u32>>,
    route_travel: Vec<i64>,
    shift_of: Vec<u32>,
    load: Vec<u32>,
    /// Whether each shift's route is shorter than its most visits.
    room: Vec<bool>,
    cost: Cost,
    journal: Option<Vec<(u32, Vec<u32>, i64)>>,
    journaled: Vec<bool>,
}

impl<'p> Plan<'p> {
    /// The empty plan: nothing served.
    pub fn new(p: &'p Problem) -> Plan<'p> {
        let cost = Cost {
            pairs_broken: p.visits.iter().filter(|v| v.usual.is_some()).count() as u64,
            priority_lost: p.visits.iter().map(|v| u64::from(v.priority)).sum(),
            travel: 0,
            load_squares: 0,
        };
        Plan {
            p,
            routes: vec![Vec::new(); p.shifts.len()],
            route_travel: vec![0; p.shifts.len()],
            shift_of: vec![NONE; p.visits.len()],
            load: vec![0; p.volunteers.len()],
            room: p.shifts.iter().map(|s| s.max_visits > 0).collect(),
            cost,
            journal: None,
            journaled: vec![false; p.shifts.len()],
        }
    }

    pub fn cost(&self) -> Cost {
        self.cost
    }

    pub fn route(&self, shift: u32) -> &[u32] {
        &self.routes[shift as usize]
    }

    pub fn routes(&self) -> &[Vec<u32>] {
        &self.routes
    }

    pub fn route_travel(&self, shift: u32) -> i64 {
        self.route_travel[shift as usize]
    }

    /// The shift serving the visit, or [`NONE`].
    pub fn shift_of(&self, visit: u32) -> u32 {
        self.shift_of[visit as usize]
    }

    pub fn is_served(&self, visit: u32) -> bool {
        self.shift_of[visit as usize] != NONE
    }

    pub fn load(&self, volunteer: u32) -> u32 {
        self.load[volunteer as usize]
    }

    /// Whether the shift's volunteer can take one more visit this week.
    pub fn has_capacity(&self, shift: u32) -> bool {
        let vol = self.p.shifts[shift as usize].volunteer as usize;
        self.load[vol] < self.p.volunteers[vol].capacity
    }

    fn assign(&mut self, visit: u32, shift: u32) {
        let v = &self.p.visits[visit as usize];
        let vol = self.p.shifts[shift as usize].volunteer;
        self.shift_of[visit as usize] = shift;
        self.cost.priority_lost -= u64::from(v.priority);
        if v.usual == Some(vol) {
            self.cost.pairs_broken -= 1;
        }
        let load = &mut self.load[vol as usize];
        self.cost.load_squares += 2 * u64::from(*load) + 1;
        *load += 1;
    }

    fn unassign(&mut self, visit: u32) {
        let shift = self.shift_of[visit as usize];
        let v = &self.p.visits[visit as usize];
        let vol = self.p.shifts[shift as usize].volunteer;
        self.shift_of[visit as usize] = NONE;
        self.cost.priority_lost += u64::from(v.priority);
        if v.usual == Some(vol) {
            self.cost.pairs_broken += 1;
        }
        let load = &mut self.load[vol as usize];
        *load -= 1;
        self.cost.load_squares -= 2 * u64::from(*load) + 1;
    }

    /// Replaces a shift's route; `travel` must be [`route::evaluate`]'s answer for it. A visit
    /// that was in another route moves here (the caller updates that route too).
    pub fn set_route(&mut self, shift: u32, visits: Vec<u32>, travel: i64) {
        let s = shift as usize;
        if let Some(journal) = &mut self.journal
            && !self.journaled[s]
        {
            self.journaled[s] = true;
            journal.push((shift, self.routes[s].clone(), self.route_travel[s]));
        }
        let old = std::mem::replace(&mut self.routes[s], visits);
        for &v in &old {
            if self.shift_of[v as usize] == shift {
                self.unassign(v);
            }
        }
        for i in 0..self.routes[s].len() {
            let v = self.routes[s][i];
            if self.shift_of[v as usize] != shift {
                if self.shift_of[v as usize] != NONE {
                    self.unassign(v);
                }
                self.assign(v, shift);
            }
        }
        self.cost.travel += travel - self.route_travel[s];
        self.route_travel[s] = travel;
        self.room[s] = self.routes[s].len() < self.p.shifts[s].max_visits as usize;
    }

    /// Takes visits out of one route. The shorter route is re-checked: travel times are rounded
    /// up to the second, so skipping a visit can, in rare cases, arrive one second later than
    /// going through it; such a route is emptied rather than kept infeasible.
    pub fn remove_from(&mut self, shift: u32, remove: impl Fn(u32) -> bool) {
        let mut visits = self.routes[shift as usize].clone();
        visits.retain(|&v| !remove(v));
        match route::evaluate(self.p, shift, &visits) {
            Some(travel) => self.set_route(shift, visits, travel),
            None => self.set_route(shift, Vec::new(), 0),
        }
    }

    /// Takes a visit out of its route, if it has one.
    pub fn remove(&mut self, visit: u32) {
        let shift = self.shift_of[visit as usize];
        if shift != NONE {
            self.remove_from(shift, |v| v == visit);
        }
    }

    /// Starts recording changes so that [`Plan::rollback`] can undo them.
    pub fn begin(&mut self) {
        self.journal = Some(Vec::new());
    }

    /// Keeps the changes since [`Plan::begin`].
    pub fn commit(&mut self) {
        if let Some(journal) = self.journal.take() {
            for (shift, _, _) in journal {
                self.journaled[shift as usize] = false;
            }
        }
    }

    /// Undoes the changes since [`Plan::begin`].
    pub fn rollback(&mut self) {
        if let Some(journal) = self.journal.take() {
            for (shift, visits, travel) in journal.into_iter().rev() {
                self.journaled[shift as usize] = false;
                self.set_route(shift, visits, travel);
            }
        }
    }

    /// The cheapest feasible place for an unserved visit: `(shift, position, travel of the new
    /// route)`, preferring its usual volunteer, then the least added travel, then the lighter load.
    /// `skip` lets the search leave out some positions at random.
    pub fn best_insertion(&self, visit: u32, skip: impl FnMut() -> bool) -> Option<Insertion> {
        self.best_insertion_among(visit, None, skip)
    }

    /// [`Plan::best_insertion`] restricted to some shifts. Only the nearest [`GRANULARITY`]
    /// shifts with room are tried (plus the usual volunteer's): a visit is rarely best served
    /// from far away, and the lists are long on a large territory.
    pub fn best_insertion_among(
        &self,
        visit: u32,
        only: Option<&[u32]>,
        skip: impl FnMut() -> bool,
    ) -> Option<Insertion> {
        match only {
            None => self.best_insertion_in(visit, self.p.candidates[visit as usize].iter().map(|c| c.shift), skip),
            Some(shifts) => {
                let candidate = |s: &u32| self.p.shift_visits[*s as usize].binary_search(&visit).is_ok();
                self.best_insertion_in(visit, shifts.iter().copied().filter(candidate), skip)
            }
        }
    }

    fn best_insertion_in(
        &self,
        visit: u32,
        shifts: impl Iterator<Item = u32>,
        mut skip: impl FnMut() -> bool,
    ) -> Option<Insertion> {
        let usual = self.p.visits[visit as usize].usual;
        let mut best: Option<(Insertion, (bool, i64, u32))> = None;
        let mut buf = Vec::with_capacity(8);
        let mut tried = 0;
        for shift in shifts {
            if !self.room[shift as usize] || !self.has_capacity(shift) {
                continue;
            }
            let s = &self.p.shifts[shift as usize];
            let breaks_pair = usual.is_some_and(|u| u != s.volunteer);
            if usual != Some(s.volunteer) {
                // Once the usual volunteer can take it, nobody else is considered.
                if tried >= GRANULARITY || (breaks_pair && best.as_ref().is_some_and(|(_, key)| !key.0)) {
                    continue;
                }
                tried += 1;
            }
            let current = &self.routes[shift as usize];
            for pos in 0..=current.len() {
                if skip() {
                    continue;
                }
                buf.clear();
                buf.extend_from_slice(&current[..pos]);
                buf.push(visit);
                buf.extend_from_slice(&current[pos..]);
                let Some(travel) = route::evaluate(self.p, shift, &buf) else { continue };
                let key = (breaks_pair, travel - self.route_travel[shift as usize], self.load[s.volunteer as usize]);
                if best.as_ref().is_none_or(|(_, k)| key < *k) {
                    best = Some((Insertion { shift, position: pos, travel }, key));
                }
            }
        }
        best.map(|(ins, _)| ins)
    }

    /// Puts an unserved visit where [`Plan::best_insertion`] said.
    pub fn insert(&mut self, visit: u32, at: Insertion) {
        let mut visits = self.routes[at.shift as usize].clone();
        visits.insert(at.position, visit);
        self.set_route(at.shift, visits, at.travel);
    }

    /// Recomputes the cost from scratch (for tests and checks of the incremental bookkeeping).
    pub fn recomputed_cost(&self) -> Cost {
        let mut fresh = Plan::new(self.p);
        for (s, visits) in self.routes.iter().enumerate() {
            let travel = route_travel_any(self.p, s as u32, visits);
            fresh.set_route(s as u32, visits.clone(), travel);
        }
        fresh.cost
    }
}

/// How many of a visit's nearest shifts with room an insertion tries.
pub const GRANULARITY: usize = 24;

/// Where a visit goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Insertion {
    pub shift: u32,
    pub position: usize,
    pub travel: i64,
}

/// A route's travel whether or not its times are feasible.
pub fn route_travel_any(p: &Problem, shift: u32, visits: &[u32]) -> i64 {
    if visits.is_empty() {
        return 0;
    }
    let s = &p.shifts[shift as usize];
    let mut at = s.start;
    let mut travel = 0;
    for &v in visits {
        travel += p.shift_leg(shift, at, v);
        at = v;
    }
    travel + p.shift_leg(shift, at, s.end)
}
