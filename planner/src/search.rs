//! The search: ruin and recreate around a random visit (remove it and its neighbours from
//! their routes, empty some of those routes, then reinsert them and nearby unserved visits,
//! highest priority first), accepted by a threshold that cools over the budget, and the best
//! plan kept by the exact lexicographic cost. Randomness comes from a seeded generator and the
//! budget is injected, so a run with an iteration budget is reproducible.

use crate::plan::Plan;
use crate::problem::NONE;
use std::time::{Duration, Instant};

/// How long the search may run.
pub trait Budget {
    /// Whether to stop before iteration `iteration`.
    fn exhausted(&mut self, iteration: u64) -> bool;
    /// How much of the budget is used, from 0 to 1 (drives the acceptance threshold).
    fn used(&self, iteration: u64) -> f64;
}

/// A fixed number of iterations: reproducible (tests).
pub struct Iterations(pub u64);

impl Budget for Iterations {
    fn exhausted(&mut self, iteration: u64) -> bool {
        iteration >= self.0
    }
    fn used(&self, iteration: u64) -> f64 {
        iteration as f64 / self.0.max(1) as f64
    }
}

/// A wall-clock limit (the command line).
pub struct WallClock {
    start: Instant,
    limit: Duration,
    last_used: f64,
}

impl WallClock {
    pub fn new(start: Instant, limit: Duration) -> WallClock {
        WallClock { start, limit, last_used: 0.0 }
    }
}

impl Budget for WallClock {
    fn exhausted(&mut self, iteration: u64) -> bool {
        // Reading the clock costs little next to an iteration, but not nothing.
        if iteration.is_multiple_of(16) {
            self.last_used = self.start.elapsed().as_secs_f64() / self.limit.as_secs_f64().max(1e-9);
        }
        self.last_used >= 1.0
    }
    fn used(&self, _: u64) -> f64 {
        self.last_used.min(1.0)
    }
}

/// xoshiro256** seeded through splitmix64: small, fast, and the same on every platform.
#[derive(Clone, Debug)]
pub struct Rng([u64; 4]);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng([next(), next(), next(), next()])
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchStats {
    pub iterations: u64,
    pub accepted: u64,
    pub improved: u64,
}

/// Tuning of the search (defaults are what the benchmark was measured with).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Most visits removed by one ruin.
    pub max_ruin: usize,
    /// Acceptance threshold at the start and at the end, in scalar cost units (seconds).
    pub start_threshold: f64,
    pub end_threshold: f64,
    /// Chance of skipping a position while reinserting (diversity).
    pub blink: f64,
    /// Share of ruins that empty competing shifts rather than a visit's neighbourhood.
    pub shift_ruin: f64,
    /// Most routes emptied by a shift ruin.
    pub max_shift_ruin: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_ruin: 20,
            start_threshold: 2_000.0,
            end_threshold: 10.0,
            blink: 0.01,
            shift_ruin: 0.5,
            max_shift_ruin: 6,
        }
    }
}

/// Improves `plan` within the budget; leaves the best plan found in it.
pub fn search(plan: &mut Plan, budget: &mut dyn Budget, seed: u64, settings: &Settings) -> SearchStats {
    let p = plan.p;
    let n = p.visits.len();
    let mut stats = SearchStats::default();
    if n == 0 {
        return stats;
    }
    let mut rng = Rng::new(seed);
    let mut best = plan.clone();
    let mut best_cost = plan.cost();
    let mut removed = Vec::new();
    let mut ruined_shifts = Vec::new();
    let mut order = Vec::new();
    let mut mark = vec![false; n];
    while !budget.exhausted(stats.iterations) {
        let used = budget.used(stats.iterations);
        let threshold = settings.start_threshold * (settings.end_threshold / settings.start_threshold).powf(used);
        let before = plan.cost();
        plan.begin();
        ruin(plan, &mut rng, settings, &mut removed, &mut ruined_shifts);
        recreate(plan, &mut rng, settings, &removed, &ruined_shifts, &mut order, &mut mark);
        let after = plan.cost();
        // Threshold acceptance on the scalar cost (the random factor spreads it out).
        if after.scalar() <= before.scalar() - threshold * rng.unit().max(1e-12).ln() {
            plan.commit();
            stats.accepted += 1;
            if after < best_cost {
                best_cost = after;
                best.clone_from(plan);
                stats.improved += 1;
            }
        } else {
            plan.rollback();
        }
        stats.iterations += 1;
    }
    *plan = best;
    stats
}

/// Removes a neighbourhood, one of two kinds at random: a random visit and the visits nearest
/// to it (whole routes or single visits), or a random shift's route and the routes of the
/// nearest shifts at the same time (they compete for the same visits).
fn ruin(plan: &mut Plan, rng: &mut Rng, settings: &Settings, removed: &mut Vec<u32>, shifts: &mut Vec<u32>) {
    let p = plan.p;
    removed.clear();
    shifts.clear();
    let seed = rng.below(p.visits.len()) as u32;
    if rng.unit() < settings.shift_ruin {
        let home = match plan.shift_of(seed) {
            NONE => match p.candidates[seed as usize].first() {
                Some(c) => c.shift,
                None => return,
            },
            s => s,
        };
        let count = 1 + rng.below(settings.max_shift_ruin.max(1));
        for &s in std::iter::once(&home).chain(&p.shift_neighbours[home as usize]).take(count) {
            removed.extend_from_slice(plan.route(s));
            plan.set_route(s, Vec::new(), 0);
            shifts.push(s);
        }
        return;
    }
    let target = 2 + rng.below(settings.max_ruin.max(2) - 1);
    let whole_routes = rng.unit() < 0.5;
    for &v in std::iter::once(&seed).chain(&p.neighbours[seed as usize]) {
        if removed.len() >= target {
            break;
        }
        let s = plan.shift_of(v);
        if s == NONE {
            continue;
        }
        if whole_routes {
            removed.extend_from_slice(plan.route(s));
            plan.set_route(s, Vec::new(), 0);
        } else {
            removed.push(v);
            plan.remove_from(s, |x| x == v);
        }
        if !shifts.contains(&s) {
            shifts.push(s);
        }
    }
}

/// Reinserts the removed visits and the unserved ones that could use the freed shifts.
fn recreate(
    plan: &mut Plan,
    rng: &mut Rng,
    settings: &Settings,
    removed: &[u32],
    shifts: &[u32],
    order: &mut Vec<u32>,
    mark: &mut [bool],
) {
    let p = plan.p;
    order.clear();
    for &v in removed {
        if !plan.is_served(v) && !mark[v as usize] {
            mark[v as usize] = true;
            order.push(v);
        }
    }
    let removed_count = order.len();
    for &s in shifts {
        for &v in &p.shift_visits[s as usize] {
            if !plan.is_served(v) && !mark[v as usize] {
                mark[v as usize] = true;
                order.push(v);
            }
        }
    }
    for &v in order.iter() {
        mark[v as usize] = false;
    }
    // The removed visits may go anywhere; the others were unserved before, when every shift but
    // the ruined ones looked as it does now, so only the ruined shifts are new to them.
    for &v in &order[..removed_count] {
        mark[v as usize] = true;
    }
    // Usual pairs first, then priority (noisy, so that equal priorities change order), or at
    // random once in a while.
    if rng.unit() < 0.1 {
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
    } else {
        let mut keyed: Vec<(bool, f64, u32)> = order
            .iter()
            .map(|&v| {
                let visit = &p.visits[v as usize];
                (visit.usual.is_none(), -(f64::from(visit.priority) * (1.0 + 0.3 * rng.unit())), v)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        order.clear();
        order.extend(keyed.into_iter().map(|k| k.2));
    }
    let blink = settings.blink;
    for &v in order.iter() {
        let only = if mark[v as usize] { None } else { Some(shifts) };
        if let Some(at) = plan.best_insertion_among(v, only, || rng.unit() < blink) {
            plan.insert(v, at);
        }
    }
    for &v in order.iter() {
        mark[v as usize] = false;
    }
}
