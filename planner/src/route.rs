//! One shift's route: `start → v1 → … → vk → end`. Service starts as early as possible (waiting
//! is allowed and free, and an earlier start never makes a later visit harder), each start inside
//! one of the visit's windows, and the volunteer back at `end` before the shift closes.

/// What route timing reads of a problem: each shift's hours, ends and size, each visit's
/// windows and duration, and the travel time between two locations. [`crate::problem::Problem`]
/// implements it; this module knows nothing else of the problem.
pub trait RouteData {
    fn shift_times(&self, shift: u32) -> ShiftTimes;
    /// The visit's start windows (sorted by opening) and its duration.
    fn visit_times(&self, visit: u32) -> (&[[i64; 2]], i64);
    /// Travel seconds between two locations on one of the shift's legs (the shift's volunteer
    /// may travel slower than others; see the numbering in [`crate::problem`]).
    fn leg(&self, shift: u32, from: u32, to: u32) -> i64;
}

/// A shift as route timing sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShiftTimes {
    /// Start and end locations.
    pub start: u32,
    pub end: u32,
    pub open: i64,
    pub close: i64,
    pub max_visits: u32,
}

/// The earliest start at or after `t` that lies in one of `windows` (sorted by opening).
pub fn earliest_start(windows: &[[i64; 2]], t: i64) -> Option<i64> {
    windows.iter().find(|w| t <= w[1]).map(|w| t.max(w[0]))
}

/// The route's travel in seconds if it is feasible (times and size; not eligibility, which the
/// candidate lists hold), else `None`.
pub fn evaluate(p: &impl RouteData, shift: u32, visits: &[u32]) -> Option<i64> {
    let s = p.shift_times(shift);
    if visits.len() > s.max_visits as usize {
        return None;
    }
    if visits.is_empty() {
        return Some(0);
    }
    let (mut at, mut time, mut travel) = (s.start, s.open, 0);
    for &v in visits {
        let leg = p.leg(shift, at, v);
        let (windows, duration) = p.visit_times(v);
        let start = earliest_start(windows, time + leg)?;
        travel += leg;
        time = start + duration;
        at = v;
    }
    let leg = p.leg(shift, at, s.end);
    (time + leg <= s.close).then_some(travel + leg)
}

/// The service start of each visit (earliest), or the index of the first visit that cannot be
/// served in time (`visits.len()` when only the return home is late).
pub fn schedule(p: &impl RouteData, shift: u32, visits: &[u32]) -> Result<Vec<i64>, usize> {
    let s = p.shift_times(shift);
    let (mut at, mut time) = (s.start, s.open);
    let mut starts = Vec::with_capacity(visits.len());
    for (i, &v) in visits.iter().enumerate() {
        let (windows, duration) = p.visit_times(v);
        let start = earliest_start(windows, time + p.leg(shift, at, v)).ok_or(i)?;
        starts.push(start);
        time = start + duration;
        at = v;
    }
    if !visits.is_empty() && time + p.leg(shift, at, s.end) > s.close {
        return Err(visits.len());
    }
    Ok(starts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_start_picks_the_first_window_still_open() {
        let w = [[100, 200], [300, 400]];
        assert_eq!(earliest_start(&w, 50), Some(100));
        assert_eq!(earliest_start(&w, 150), Some(150));
        assert_eq!(earliest_start(&w, 200), Some(200));
        assert_eq!(earliest_start(&w, 201), Some(300));
        assert_eq!(earliest_start(&w, 401), None);
        assert_eq!(earliest_start(&[], 0), None);
    }
}
