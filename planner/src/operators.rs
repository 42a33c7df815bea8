//! Improvement operators behind one small interface: [`Operator::evaluate`] proposes the best
//! move it sees around one visit, [`Plan::try_move`] applies it and keeps it only if the cost
//! (lexicographic) goes down. Each operator has a tiny named instance in the tests showing it
//! lowers the cost and keeps the plan feasible.

use crate::plan::{Cost, Plan};
use crate::route;

/// New routes for some shifts (each with its travel, as [`route::evaluate`] gives it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Move {
    pub routes: Vec<(u32, Vec<u32>, i64)>,
}

pub trait Operator {
    fn name(&self) -> &'static str;
    /// The most promising move involving `visit`, if any.
    fn evaluate(&self, plan: &Plan, visit: u32) -> Option<Move>;
}

impl Plan<'_> {
    /// Applies a move if it lowers the cost; says whether it did.
    pub fn try_move(&mut self, m: &Move) -> bool {
        let before = self.cost();
        self.begin();
        for (shift, visits, travel) in &m.routes {
            self.set_route(*shift, visits.clone(), *travel);
        }
        if self.cost() < before {
            self.commit();
            true
        } else {
            self.rollback();
            false
        }
    }
}

fn with_inserted(route: &[u32], pos: usize, visit: u32) -> Vec<u32> {
    let mut r = Vec::with_capacity(route.len() + 1);
    r.extend_from_slice(&route[..pos]);
    r.push(visit);
    r.extend_from_slice(&route[pos..]);
    r
}

/// Moves a served visit to the place elsewhere (or in its own route) that lowers travel most.
pub struct Relocate;

impl Operator for Relocate {
    fn name(&self) -> &'static str {
        "relocate"
    }

    fn evaluate(&self, plan: &Plan, visit: u32) -> Option<Move> {
        let from = plan.shift_of(visit);
        if from == crate::problem::NONE {
            return None;
        }
        let p = plan.p;
        let rest: Vec<u32> = plan.route(from).iter().copied().filter(|&v| v != visit).collect();
        let rest_travel = route::evaluate(p, from, &rest)?;
        let saving = plan.route_travel(from) - rest_travel;
        let mut best: Option<(i64, Move)> = None;
        for c in &p.candidates[visit as usize] {
            let same = c.shift == from;
            let base: &[u32] = if same { &rest } else { plan.route(c.shift) };
            if !same && (base.len() >= p.shifts[c.shift as usize].max_visits as usize || !plan.has_capacity(c.shift)) {
                continue;
            }
            let base_travel = if same { rest_travel } else { plan.route_travel(c.shift) };
            for pos in 0..=base.len() {
                let candidate = with_inserted(base, pos, visit);
                let Some(travel) = route::evaluate(p, c.shift, &candidate) else { continue };
                let delta = travel - base_travel - saving;
                if best.as_ref().is_none_or(|(d, _)| delta < *d) {
                    let routes = if same {
                        vec![(from, candidate, travel)]
                    } else {
                        vec![(from, rest.clone(), rest_travel), (c.shift, candidate, travel)]
                    };
                    best = Some((delta, Move { routes }));
                }
            }
        }
        best.map(|(_, m)| m)
    }
}

/// Serves an unserved visit in place of a served one of lower priority (or in a free place).
pub struct ReplaceUnserved;

impl Operator for ReplaceUnserved {
    fn name(&self) -> &'static str {
        "replace-unserved"
    }

    fn evaluate(&self, plan: &Plan, visit: u32) -> Option<Move> {
        if plan.is_served(visit) {
            return None;
        }
        let p = plan.p;
        if let Some(at) = plan.best_insertion(visit, || false) {
            let mut r = plan.route(at.shift).to_vec();
            r.insert(at.position, visit);
            return Some(Move { routes: vec![(at.shift, r, at.travel)] });
        }
        let priority = p.visits[visit as usize].priority;
        let mut best: Option<((u32, i64), Move)> = None;
        for c in &p.candidates[visit as usize] {
            let current = plan.route(c.shift);
            for &w in current {
                let lost = p.visits[w as usize].priority;
                if lost >= priority {
                    continue;
                }
                let rest: Vec<u32> = current.iter().copied().filter(|&x| x != w).collect();
                for pos in 0..=rest.len() {
                    let candidate = with_inserted(&rest, pos, visit);
                    let Some(travel) = route::evaluate(p, c.shift, &candidate) else { continue };
                    let key = (lost, travel - plan.route_travel(c.shift));
                    if best.as_ref().is_none_or(|(k, _)| key < *k) {
                        best = Some((key, Move { routes: vec![(c.shift, candidate, travel)] }));
                    }
                }
            }
        }
        best.map(|(_, m)| m)
    }
}

/// Exchanges two served visits of different routes (the visit and one of its neighbours).
pub struct Swap;

impl Operator for Swap {
    fn name(&self) -> &'static str {
        "swap"
    }

    fn evaluate(&self, plan: &Plan, visit: u32) -> Option<Move> {
        let p = plan.p;
        let a = plan.shift_of(visit);
        if a == crate::problem::NONE {
            return None;
        }
        let mut best: Option<(i64, Move)> = None;
        for &other in &p.neighbours[visit as usize] {
            let b = plan.shift_of(other);
            if b == crate::problem::NONE || b == a {
                continue;
            }
            let fits = |v: u32, s: u32| p.candidates[v as usize].iter().any(|c| c.shift == s);
            if !fits(visit, b) || !fits(other, a) {
                continue;
            }
            let swapped = |route: &[u32], out: u32, inn: u32| {
                route.iter().map(|&x| if x == out { inn } else { x }).collect::<Vec<_>>()
            };
            let ra = swapped(plan.route(a), visit, other);
            let rb = swapped(plan.route(b), other, visit);
            let (Some(ta), Some(tb)) = (route::evaluate(p, a, &ra), route::evaluate(p, b, &rb)) else { continue };
            let delta = ta + tb - plan.route_travel(a) - plan.route_travel(b);
            if best.as_ref().is_none_or(|(d, _)| delta < *d) {
                best = Some((delta, Move { routes: vec![(a, ra, ta), (b, rb, tb)] }));
            }
        }
        best.map(|(_, m)| m)
    }
}

/// Repeats every operator around every visit until none lowers the cost, or the deadline.
pub fn descend(plan: &mut Plan, operators: &[&dyn Operator], deadline: Option<std::time::Instant>) -> Cost {
    loop {
        let mut improved = false;
        for v in 0..plan.p.visits.len() as u32 {
            if deadline.is_some_and(|d| v % 64 == 0 && std::time::Instant::now() >= d) {
                return plan.cost();
            }
            for op in operators {
                if let Some(m) = op.evaluate(plan, v) {
                    improved |= plan.try_move(&m);
                }
            }
        }
        if !improved {
            return plan.cost();
        }
    }
}

/// The operators the search uses, in order.
pub fn all() -> [&'static dyn Operator; 3] {
    [&ReplaceUnserved, &Relocate, &Swap]
}
