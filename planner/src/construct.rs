//! Construction: a plain greedy insertion. Visits with a usual volunteer go first (continuity
//! first), then by priority, the hardest to place (fewest candidate shifts) first among equals;
//! each goes where it adds the least travel. This is also the baseline the search must beat.

use crate::plan::Plan;

/// The order in which construction inserts visits.
pub fn greedy_order(plan: &Plan) -> Vec<u32> {
    let p = plan.p;
    let mut order: Vec<u32> = (0..p.visits.len() as u32).collect();
    order.sort_by_key(|&v| {
        let visit = &p.visits[v as usize];
        (visit.usual.is_none(), std::cmp::Reverse(visit.priority), p.candidates[v as usize].len(), v)
    });
    order
}

/// Inserts every unserved visit that fits, in [`greedy_order`].
pub fn greedy(plan: &mut Plan) {
    for v in greedy_order(plan) {
        if !plan.is_served(v)
            && let Some(at) = plan.best_insertion(v, || false)
        {
            plan.insert(v, at);
        }
    }
}
