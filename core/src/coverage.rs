//! Coverage indicators for coordinators (pure code, no I/O): whether the residents of each
//! commune are visited on time for their rhythm, who is overdue, where volunteers are missing —
//! and the statistical secrecy of small counts.
//!
//! The rules (../shared/DESIGN.md, one definition in `crate::domain::rules`): a resident's due
//! dates form a chain — the first is the start of the follow-up, each next one is the last
//! *done* visit + the rhythm's interval. Each due date is *decided* once: met on time by a done
//! visit within due ± tolerance (decided that day), or missed when the window closes without
//! one (decided at due + tolerance; a later visit restarts the chain). A visit done before the
//! window opens restarts the chain without deciding anything. A resident is *on time* over a
//! month when every due date decided in it was met on time (residents with none decided that
//! month are not counted either way); the share over a period adds up the months (a person
//! late once in a year counts late that month, not the whole year); *overdue* on a day when
//! that day is past their current due date + tolerance.
//!
//! Secrecy: coordinators see no names, and counts of residents of 1 or 2 are shown as "< 3"
//! (a zero discloses nobody and is shown). So that a hidden value cannot be recovered by
//! subtraction — from a commune's total over the months, from the territory's total of a month,
//! or from the page against the export, which both show the same suppressed tables — every
//! line (a set of cells with its shown total) hides either none or at least two of its values
//! ([`suppress`]).

use crate::domain::{Date, FollowUp, Location, Rhythm};

/// A calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(day: Date) -> Month {
        let (year, month, _) = day.ymd();
        Month { year, month }
    }

    /// `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (y, m) = text.trim().split_once('-')?;
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        Date::from_ymd(year, month, 1).ok()?;
        (y.len() == 4 && m.len() == 2).then_some(Month { year, month })
    }

    pub fn first_day(self) -> Date {
        Date::from_ymd(self.year, self.month, 1).unwrap_or(Date::from_timestamp(crate::domain::Timestamp(0)))
    }

    pub fn next(self) -> Month {
        if self.month == 12 { Month { year: self.year + 1, month: 1 } } else { Month { month: self.month + 1, ..self } }
    }

    pub fn last_day(self) -> Date {
        self.next().first_day().add_days(-1)
    }

    /// The months from `self` to `last`, both included.
    pub fn through(self, last: Month) -> Vec<Month> {
        let mut out = Vec::new();
        let mut m = self;
        while m <= last && out.len() < 240 {
            out.push(m);
            m = m.next();
        }
        out
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// What the indicators need of a resident: no name, no address.
#[derive(Clone, Debug, PartialEq)]
pub struct ResidentHistory {
    /// INSEE code of the commune.
    pub commune: String,
    pub home: Location,
    pub rhythm: Rhythm,
    pub start: Date,
    pub follow_up: FollowUp,
    /// Days of the visits done (outcome "done"), in order.
    pub done: Vec<Date>,
    /// The day they were referred to the programme, when known.
    pub referred_on: Option<Date>,
    /// Their binômes: first and last day (`None`: still going).
    pub pairings: Vec<(Date, Option<Date>)>,
}

impl ResidentHistory {
    /// Whether the resident is followed on `day` (started, not ended, not in the current pause;
    /// earlier pauses are not kept, so the person counts as followed then).
    pub fn followed_on(&self, day: Date) -> bool {
        self.start <= day
            && match self.follow_up {
                FollowUp::Active { .. } => true,
                FollowUp::Paused { since, until } => !(since <= day && until.is_none_or(|u| day <= u)),
                FollowUp::Ended { on } => day <= on,
            }
    }

    pub fn followed_during(&self, from: Date, to: Date) -> bool {
        // Followed some day of [from, to]: the start, or `from`, or the day a pause ends.
        let mut candidates = vec![from, self.start];
        if let FollowUp::Paused { until: Some(u), .. } = self.follow_up {
            candidates.push(u.add_days(1));
        }
        candidates.into_iter().any(|d| from <= d && d <= to && self.followed_on(d))
    }
}

/// A due date, decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decided {
    pub due: Date,
    /// The day it was decided: the on-time visit, or the day the window closed.
    pub on: Date,
    pub on_time: bool,
}

/// The resident's due dates decided up to `until` (included), in order.
pub fn decided(r: &ResidentHistory, until: Date) -> Vec<Decided> {
    let (interval, tol) = (r.rhythm.interval_days(), r.rhythm.tolerance_days());
    let mut out = Vec::new();
    let mut due = r.start;
    let mut visits = r.done.iter().copied().filter(|d| *d <= until).peekable();
    loop {
        let closes = due.add_days(tol);
        match visits.peek().copied() {
            Some(done) if done < due.add_days(-tol) => {
                // Early: restarts the chain.
                visits.next();
                due = done.add_days(interval);
            }
            Some(done) if done <= closes => {
                visits.next();
                if r.followed_on(done) {
                    out.push(Decided { due, on: done, on_time: true });
                }
                due = done.add_days(interval);
            }
            _ if closes <= until => {
                // The window closed without a visit: missed (if followed then); the next
                // occurrence is one interval later, until a visit restarts the chain.
                if r.followed_on(closes) {
                    out.push(Decided { due, on: closes, on_time: false });
                }
                due = due.add_days(interval);
            }
            _ => return out,
        }
    }
}

/// The current due date on `day` (after the visits done up to then).
pub fn due_on(r: &ResidentHistory, day: Date) -> Date {
    let last = r.done.iter().copied().filter(|d| *d <= day).last();
    crate::domain::rules::next_due(r.rhythm, r.start, last)
}

/// Days late on `day` when overdue then (past due + tolerance, while followed).
pub fn overdue_on(r: &ResidentHistory, day: Date) -> Option<i32> {
    let due = due_on(r, day);
    (r.followed_on(day) && crate::domain::rules::is_overdue(r.rhythm, due, day)).then(|| day.days_since(due))
}

/// Whether the resident was on time over [from, to]: `None` when nothing was decided then.
pub fn on_time_over(r: &ResidentHistory, from: Date, to: Date) -> Option<bool> {
    let events: Vec<Decided> = decided(r, to).into_iter().filter(|e| from <= e.on && e.on <= to).collect();
    (!events.is_empty()).then(|| events.iter().all(|e| e.on_time))
}

/// A volunteer as the reach rule sees them (the planner's: accepted commune, or home within
/// the radius).
#[derive(Clone, Debug, PartialEq)]
pub struct VolunteerReach {
    pub commune: String,
    pub home: Location,
    pub radius_km: f64,
    pub communes: Vec<String>,
    pub weekly_capacity: u32,
}

impl VolunteerReach {
    pub fn reaches(&self, commune: &str, home: Location) -> bool {
        // A degree of latitude is at least 110 km: most volunteers are ruled out without trigonometry.
        let far = (self.home.lat - home.lat).abs() * 110.0 > self.radius_km;
        self.communes.iter().any(|c| c == commune) || (!far && self.home.distance_km(&home) <= self.radius_km)
    }
}

// ---- secrecy ----------------------------------------------------------------------------

/// Whether a count must be hidden on its own: 1 or 2 people.
pub fn small(n: u64) -> bool {
    (1..3).contains(&n)
}

/// Which values to hide: the small ones, then, until no line hides exactly one value, the
/// smallest other value of each such line. A line is the indices of values tied by a sum
/// (cells and their total); hiding one value of a line would let it be recovered by
/// subtraction. `equal`: pairs of values that are the same figure shown twice (hidden
/// together). Deterministic (ties go to the lowest index).
pub fn suppress(values: &[u64], lines: &[Vec<usize>], equal: &[(usize, usize)]) -> Vec<bool> {
    let mut hidden: Vec<bool> = values.iter().map(|&v| small(v)).collect();
    loop {
        let mut changed = false;
        for &(a, b) in equal {
            if hidden[a] != hidden[b] {
                hidden[a] = true;
                hidden[b] = true;
                changed = true;
            }
        }
        for line in lines {
            if line.iter().filter(|&&i| hidden[i]).count() == 1 {
                let pick = line.iter().copied().filter(|&i| !hidden[i]).min_by_key(|&i| (values[i], i));
                if let Some(i) = pick {
                    hidden[i] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            return hidden;
        }
    }
}

/// A count as shown: the number, or "< 3" when hidden.
pub fn shown(n: u64, hidden: bool) -> Option<u64> {
    (!hidden).then_some(n)
}

/// A table of counts (rows × columns) with its row totals, column totals and grand total, all
/// shown; [`suppress`] over its lines. `additive_rows`: the row total is the sum of the row
/// (counts of events); otherwise (distinct people over months) only the columns add up.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    pub rows: usize,
    pub cols: usize,
    pub cells: Vec<u64>,
    pub row_totals: Vec<u64>,
    pub col_totals: Vec<u64>,
    pub grand: u64,
}

/// Which values of a [`Grid`] are hidden.
#[derive(Clone, Debug, PartialEq)]
pub struct GridSecrecy {
    pub cells: Vec<bool>,
    pub row_totals: Vec<bool>,
    pub col_totals: Vec<bool>,
    pub grand: bool,
}

impl Grid {
    fn zero(rows: usize, cols: usize) -> Grid {
        Grid { rows, cols, cells: vec![0; rows * cols], row_totals: vec![0; rows], col_totals: vec![0; cols], grand: 0 }
    }

    /// A grid of counts of events (or people-months): every total is a sum.
    pub fn additive(rows: usize, cols: usize, cells: Vec<u64>) -> Grid {
        let row_totals: Vec<u64> = (0..rows).map(|r| cells[r * cols..(r + 1) * cols].iter().sum()).collect();
        let col_totals: Vec<u64> = (0..cols).map(|c| (0..rows).map(|r| cells[r * cols + c]).sum()).collect();
        let grand = row_totals.iter().sum();
        Grid { rows, cols, cells, row_totals, col_totals, grand }
    }

    pub fn cell(&self, r: usize, c: usize) -> u64 {
        self.cells[r * self.cols + c]
    }

    /// `totals_are_col`: the row totals are the same figures as this column (a period of one
    /// month; a state at the period's end).
    pub fn secrecy(&self, additive_rows: bool, totals_are_col: Option<usize>) -> GridSecrecy {
        let (rows, cols) = (self.rows, self.cols);
        let cell = |r: usize, c: usize| r * cols + c;
        let row_total = |r: usize| rows * cols + r;
        let col_total = |c: usize| rows * cols + rows + c;
        let grand = rows * cols + rows + cols;
        let mut values = self.cells.clone();
        values.extend(&self.row_totals);
        values.extend(&self.col_totals);
        values.push(self.grand);
        let mut lines: Vec<Vec<usize>> = Vec::new();
        for c in 0..cols {
            lines.push((0..rows).map(|r| cell(r, c)).chain([col_total(c)]).collect());
        }
        // Row totals add up to the grand total (each row is one commune's period value).
        lines.push((0..rows).map(row_total).chain([grand]).collect());
        if additive_rows {
            for r in 0..rows {
                lines.push((0..cols).map(|c| cell(r, c)).chain([row_total(r)]).collect());
            }
            lines.push((0..cols).map(col_total).chain([grand]).collect());
        }
        let mut equal: Vec<(usize, usize)> = Vec::new();
        if let Some(c) = totals_are_col.filter(|&c| c < cols) {
            equal.extend((0..rows).map(|r| (row_total(r), cell(r, c))));
            equal.push((grand, col_total(c)));
        }
        let hidden = suppress(&values, &lines, &equal);
        GridSecrecy {
            cells: hidden[..rows * cols].to_vec(),
            row_totals: hidden[rows * cols..rows * cols + rows].to_vec(),
            col_totals: hidden[rows * cols + rows..grand].to_vec(),
            grand: hidden[grand],
        }
    }
}

// ---- the indicators of a period -----------------------------------------------------------

/// A concern's dates, and its commune.
#[derive(Clone, Debug, PartialEq)]
pub struct ConcernDates {
    pub commune: String,
    pub raised: Date,
    pub acknowledged: Option<Date>,
    pub resolved: Option<Date>,
    /// Hours from raised to acknowledged.
    pub hours_to_acknowledge: Option<f64>,
}

/// Everything the coverage view is computed from: no names, no addresses.
#[derive(Clone, Debug)]
pub struct CoverageInput {
    pub today: Date,
    /// The period, month by month.
    pub months: Vec<Month>,
    /// (INSEE code, name), in display order.
    pub communes: Vec<(String, String)>,
    pub residents: Vec<ResidentHistory>,
    /// The active volunteers.
    pub volunteers: Vec<VolunteerReach>,
    /// For each followed resident with a usual volunteer: (the resident's commune, the index of
    /// the volunteer in `volunteers`).
    pub pairs: Vec<(String, usize)>,
    pub concerns: Vec<ConcernDates>,
    /// The residents the last published plans left out, by commune and reason.
    pub unserved: Vec<(String, crate::wire::planning::UnservedReason)>,
}

/// One indicator: its counts per commune and month with their totals, and what is hidden.
#[derive(Clone, Debug, PartialEq)]
pub struct Indicator {
    pub grid: Grid,
    pub secrecy: GridSecrecy,
}

impl Indicator {
    fn new(grid: Grid, additive_rows: bool, totals_are_col: Option<usize>) -> Indicator {
        let totals_are_col = totals_are_col.or((grid.cols == 1).then_some(0));
        Indicator { secrecy: grid.secrecy(additive_rows, totals_are_col), grid }
    }

    /// A commune's value over the period (`None`: hidden).
    pub fn commune(&self, r: usize) -> Option<u64> {
        shown(self.grid.row_totals[r], self.secrecy.row_totals[r])
    }

    pub fn month(&self, r: usize, c: usize) -> Option<u64> {
        shown(self.grid.cell(r, c), self.secrecy.cells[r * self.grid.cols + c])
    }

    pub fn territory(&self) -> Option<u64> {
        shown(self.grid.grand, self.secrecy.grand)
    }

    pub fn territory_month(&self, c: usize) -> Option<u64> {
        shown(self.grid.col_totals[c], self.secrecy.col_totals[c])
    }
}

/// The coverage of a period, commune by commune, with small counts already hidden.
#[derive(Clone, Debug, PartialEq)]
pub struct CoverageReport {
    pub months: Vec<Month>,
    pub communes: Vec<(String, String)>,
    /// Residents followed (distinct people).
    pub followed: Indicator,
    /// Visits done.
    pub visits: Indicator,
    /// Month by month, residents whose due dates decided that month were all met on time, and
    /// residents with a due date decided that month; over the period, the sums of the months
    /// (resident-months).
    pub on_time: Indicator,
    pub with_due: Indicator,
    /// Residents overdue at the end of each month (or today).
    pub overdue: Indicator,
    pub raised: Indicator,
    pub acknowledged: Indicator,
    pub resolved: Indicator,
    /// Now: residents with no volunteer within reach, and left out by the last published plans.
    pub out_of_reach: Indicator,
    pub unserved_range: Indicator,
    pub unserved_slot: Indicator,
    pub unserved_capacity: Indicator,
    /// Per commune: the longest lateness of an overdue resident at the period's end (days),
    /// shown when the overdue count is.
    pub overdue_max_days: Vec<Option<i32>>,
    /// Per commune, now: active volunteers living there, and serving it (usual volunteer of a
    /// resident there); their weekly capacity, and the residents' weekly demand (visits per week).
    pub volunteers_living: Vec<u32>,
    pub volunteers_serving: Vec<u32>,
    pub capacity: Vec<u32>,
    pub demand: Vec<Option<f64>>,
    /// Per commune: median hours before a concern raised in the period was taken in hand.
    pub hours_to_acknowledge: Vec<Option<f64>>,
    /// Per commune: median days from the referral to the first visit done, for the residents
    /// whose first visit was in the period (shown from 3 residents).
    pub days_to_first_visit: Vec<Option<f64>>,
    /// Per commune: median length in months of the binômes that ran during the period (to
    /// their end, or to today), shown from 3 binômes.
    pub binome_months: Vec<Option<f64>>,
    /// The same two over the territory.
    pub territory_days_to_first_visit: Option<f64>,
    pub territory_binome_months: Option<f64>,
}

impl CoverageReport {
    /// The on-time share of a commune over the period (`None`: hidden or nobody due).
    pub fn on_time_share(&self, r: usize) -> Option<f64> {
        match (self.on_time.commune(r), self.with_due.commune(r)) {
            (Some(ok), Some(of)) if of > 0 => Some(ok as f64 / of as f64),
            _ => None,
        }
    }

    pub fn on_time_share_month(&self, r: usize, c: usize) -> Option<f64> {
        match (self.on_time.month(r, c), self.with_due.month(r, c)) {
            (Some(ok), Some(of)) if of > 0 => Some(ok as f64 / of as f64),
            _ => None,
        }
    }

    pub fn territory_share(&self) -> Option<f64> {
        match (self.on_time.territory(), self.with_due.territory()) {
            (Some(ok), Some(of)) if of > 0 => Some(ok as f64 / of as f64),
            _ => None,
        }
    }

    pub fn territory_share_month(&self, c: usize) -> Option<f64> {
        match (self.on_time.territory_month(c), self.with_due.territory_month(c)) {
            (Some(ok), Some(of)) if of > 0 => Some(ok as f64 / of as f64),
            _ => None,
        }
    }

    /// A "white zone": residents followed there, and some with no volunteer within reach.
    pub fn white_zone(&self, r: usize) -> bool {
        self.out_of_reach.grid.row_totals[r] > 0
    }
}

/// The fewest values a median of people is shown from: below, it would tell one person's story.
const MEDIAN_MIN: usize = 3;

/// The median of a commune's values about people, or nothing when they are too few.
fn median_of_people(values: Vec<f64>) -> Option<f64> {
    if values.len() < MEDIAN_MIN { None } else { median(values) }
}

/// The average length of a month, in days.
const DAYS_PER_MONTH: f64 = 30.44;

fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// Computes the coverage of a period.
pub fn coverage(input: &CoverageInput) -> CoverageReport {
    let months = &input.months;
    let (rows, cols) = (input.communes.len(), months.len());
    let row_of: std::collections::HashMap<&str, usize> =
        input.communes.iter().enumerate().map(|(i, (code, _))| (code.as_str(), i)).collect();
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        panic!("a period has at least one month");
    };
    let (from, to) = (first.first_day(), last.last_day().min(input.today));
    let month_end = |c: usize| months[c].last_day().min(input.today);
    let month_of = |day: Date| months.iter().position(|m| *m == Month::of(day));

    // Per resident: its row, and what it did each month.
    struct Seen {
        row: usize,
        followed: Vec<bool>,
        followed_period: bool,
        due: Vec<Option<bool>>,
        overdue: Vec<Option<i32>>,
        done: Vec<u64>,
    }
    let seen: Vec<Seen> = input
        .residents
        .iter()
        .filter_map(|r| {
            let row = *row_of.get(r.commune.as_str())?;
            let events = decided(r, to);
            let mut due: Vec<Option<bool>> = vec![None; cols];
            for e in events.iter().filter(|e| from <= e.on && e.on <= to) {
                if let Some(c) = month_of(e.on) {
                    due[c] = Some(due[c].unwrap_or(true) && e.on_time);
                }
            }
            let mut done = vec![0; cols];
            for day in r.done.iter().filter(|d| from <= **d && **d <= to) {
                if let Some(c) = month_of(*day) {
                    done[c] += 1;
                }
            }
            Some(Seen {
                row,
                followed: months
                    .iter()
                    .map(|m| r.followed_during(m.first_day(), m.last_day().min(input.today)))
                    .collect(),
                followed_period: r.followed_during(from, to),
                due,
                overdue: (0..cols).map(|c| overdue_on(r, month_end(c))).collect(),
                done,
            })
        })
        .collect();
    // One pass over the residents per indicator: `f(s, Some(c))` for month c, `f(s, None)` for
    // the period.
    let count = |f: &dyn Fn(&Seen, Option<usize>) -> bool| {
        let mut g = Grid::zero(rows, cols);
        for s in &seen {
            for c in 0..cols {
                if f(s, Some(c)) {
                    g.cells[s.row * cols + c] += 1;
                    g.col_totals[c] += 1;
                }
            }
            if f(s, None) {
                g.row_totals[s.row] += 1;
                g.grand += 1;
            }
        }
        g
    };
    let followed = count(&|s, c| c.map_or(s.followed_period, |c| s.followed[c]));
    // On time month by month; over the period, the months add up (resident-months), so a
    // long period does not count a person late for a single slip.
    let per_month = |f: &dyn Fn(&Seen, usize) -> bool| {
        let mut cells = vec![0; rows * cols];
        for s in &seen {
            for c in (0..cols).filter(|&c| f(s, c)) {
                cells[s.row * cols + c] += 1;
            }
        }
        Grid::additive(rows, cols, cells)
    };
    let with_due = per_month(&|s, c| s.due[c].is_some());
    let on_time = per_month(&|s, c| s.due[c] == Some(true));
    // Overdue "over the period" is the state at its end (the last month's).
    let overdue = count(&|s, c| s.overdue[c.unwrap_or(cols - 1)].is_some());
    let mut done = vec![0; rows * cols];
    for s in &seen {
        for (c, n) in s.done.iter().enumerate() {
            done[s.row * cols + c] += n;
        }
    }
    let visits = Grid::additive(rows, cols, done);
    let events = |pick: &dyn Fn(&ConcernDates) -> Option<Date>| {
        let mut cells = vec![0; rows * cols];
        for k in &input.concerns {
            let Some(&row) = row_of.get(k.commune.as_str()) else { continue };
            if let Some(c) = pick(k).filter(|d| from <= *d && *d <= to).and_then(month_of) {
                cells[row * cols + c] += 1;
            }
        }
        Grid::additive(rows, cols, cells)
    };
    let raised = events(&|k| Some(k.raised));
    let acknowledged = events(&|k| k.acknowledged);
    let resolved = events(&|k| k.resolved);

    // Now: reach, unserved, volunteers.
    let now_followed: Vec<&ResidentHistory> = input.residents.iter().filter(|r| r.followed_on(input.today)).collect();
    let now_grid = |rows_of: &mut dyn Iterator<Item = usize>| {
        let mut per = vec![0; rows];
        for r in rows_of {
            per[r] += 1;
        }
        Grid::additive(rows, 1, per)
    };
    let out_of_reach = now_grid(
        &mut now_followed
            .iter()
            .filter(|x| !input.volunteers.iter().any(|v| v.reaches(&x.commune, x.home)))
            .filter_map(|x| row_of.get(x.commune.as_str()).copied()),
    );
    let unserved = |reason: crate::wire::planning::UnservedReason| {
        now_grid(
            &mut input
                .unserved
                .iter()
                .filter(|(_, why)| *why == reason)
                .filter_map(|(c, _)| row_of.get(c.as_str()).copied()),
        )
    };
    use crate::wire::planning::UnservedReason as U;
    let overdue_ind = Indicator::new(overdue, false, Some(cols - 1));
    let overdue_max_days = (0..rows)
        .map(|r| {
            overdue_ind.commune(r)?;
            seen.iter().filter(|s| s.row == r).filter_map(|s| s.overdue[cols - 1]).max()
        })
        .collect();
    let followed_ind = Indicator::new(followed, false, None);
    let demand = (0..rows)
        .map(|r| {
            followed_ind.commune(r)?;
            let load: f64 = now_followed
                .iter()
                .filter(|x| row_of.get(x.commune.as_str()) == Some(&r))
                .map(|x| x.rhythm.weekly_load())
                .sum();
            Some(load)
        })
        .collect();
    let acknowledged_ind = Indicator::new(acknowledged, true, None);
    let hours_to_acknowledge = (0..rows)
        .map(|r| {
            acknowledged_ind.commune(r)?;
            median(
                input
                    .concerns
                    .iter()
                    .filter(|k| row_of.get(k.commune.as_str()) == Some(&r) && from <= k.raised && k.raised <= to)
                    .filter_map(|k| k.hours_to_acknowledge)
                    .collect(),
            )
        })
        .collect();
    let of_row = |r: usize| {
        let row_of = &row_of;
        input.residents.iter().filter(move |x| row_of.get(x.commune.as_str()) == Some(&r))
    };
    let first_visits = |people: &mut dyn Iterator<Item = &ResidentHistory>| {
        median_of_people(
            people
                .filter_map(|x| Some((x.referred_on?, *x.done.first()?)))
                .filter(|(referred, first)| from <= *first && *first <= to && referred <= first)
                .map(|(referred, first)| f64::from(first.days_since(referred)))
                .collect(),
        )
    };
    let binomes = |people: &mut dyn Iterator<Item = &ResidentHistory>| {
        median_of_people(
            people
                .flat_map(|x| x.pairings.iter())
                .filter(|(start, end)| *start <= to && end.is_none_or(|e| from <= e))
                .map(|(start, end)| {
                    let last = end.unwrap_or(input.today).min(input.today);
                    f64::from(last.days_since(*start).max(0)) / DAYS_PER_MONTH
                })
                .collect(),
        )
    };
    let days_to_first_visit = (0..rows).map(|r| first_visits(&mut of_row(r))).collect();
    let binome_months = (0..rows).map(|r| binomes(&mut of_row(r))).collect();
    let in_territory = || input.residents.iter().filter(|x| row_of.contains_key(x.commune.as_str()));
    let living =
        |r: usize| input.volunteers.iter().filter(|v| row_of.get(v.commune.as_str()) == Some(&r)).count() as u32;
    let serving = |r: usize| {
        let mut ids: Vec<usize> =
            input.pairs.iter().filter(|(c, _)| row_of.get(c.as_str()) == Some(&r)).map(|(_, v)| *v).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len() as u32
    };
    let capacity = |r: usize| {
        input.volunteers.iter().filter(|v| row_of.get(v.commune.as_str()) == Some(&r)).map(|v| v.weekly_capacity).sum()
    };
    CoverageReport {
        months: months.clone(),
        communes: input.communes.clone(),
        followed: followed_ind,
        visits: Indicator::new(visits, true, None),
        on_time: Indicator::new(on_time, true, None),
        with_due: Indicator::new(with_due, true, None),
        overdue: overdue_ind,
        raised: Indicator::new(raised, true, None),
        acknowledged: acknowledged_ind,
        resolved: Indicator::new(resolved, true, None),
        out_of_reach: Indicator::new(out_of_reach, false, Some(0)),
        unserved_range: Indicator::new(unserved(U::NoVolunteerInRange), false, Some(0)),
        unserved_slot: Indicator::new(unserved(U::NoCommonSlot), false, Some(0)),
        unserved_capacity: Indicator::new(unserved(U::NoCapacity), false, Some(0)),
        overdue_max_days,
        volunteers_living: (0..rows).map(living).collect(),
        volunteers_serving: (0..rows).map(serving).collect(),
        capacity: (0..rows).map(capacity).collect(),
        demand,
        hours_to_acknowledge,
        days_to_first_visit,
        binome_months,
        territory_days_to_first_visit: first_visits(&mut in_territory()),
        territory_binome_months: binomes(&mut in_territory()),
    }
}

/// Visits done per week (Monday to Sunday) over the territory, oldest first, hidden when small.
pub fn weekly_visits(residents: &[ResidentHistory], first_monday: Date, weeks: usize) -> Vec<(Date, Option<u64>)> {
    let mut counts = vec![0u64; weeks];
    for day in residents.iter().flat_map(|r| r.done.iter()) {
        let offset = day.days_since(first_monday);
        if offset >= 0 && (offset / 7) < weeks as i32 {
            counts[(offset / 7) as usize] += 1;
        }
    }
    counts.into_iter().enumerate().map(|(i, n)| (first_monday.add_days(7 * i as i32), shown(n, small(n)))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn resident(rhythm: Rhythm, start: &str, done: &[&str]) -> ResidentHistory {
        ResidentHistory {
            commune: "86070".into(),
            home: Location { lat: 46.15, lon: 0.3 },
            rhythm,
            start: d(start),
            follow_up: FollowUp::Active { since: d(start) },
            done: done.iter().map(|s| d(s)).collect(),
            referred_on: None,
            pairings: Vec::new(),
        }
    }

    /// Referral to first visit, and how long binômes last: medians per commune over the
    /// period, from three people up.
    #[test]
    fn time_to_a_first_visit_and_length_of_binomes() {
        let referred = |on: &str, first: &str, pairings: Vec<(Date, Option<Date>)>| ResidentHistory {
            referred_on: Some(d(on)),
            pairings,
            ..resident(Rhythm::Weekly, first, &[first])
        };
        let residents = vec![
            referred("2026-01-01", "2026-01-11", vec![(d("2026-01-11"), None)]),
            referred("2026-01-01", "2026-01-21", vec![(d("2025-01-21"), Some(d("2026-01-21")))]),
            referred("2026-01-10", "2026-02-09", vec![(d("2026-02-09"), Some(d("2026-02-10")))]),
            // Its first visit before the period: not counted; its binôme ended before: neither.
            referred("2025-10-01", "2025-11-01", vec![(d("2025-11-01"), Some(d("2025-12-15")))]),
        ];
        let input = CoverageInput {
            today: d("2026-03-02"),
            months: vec![Month::parse("2026-01").unwrap(), Month::parse("2026-02").unwrap()],
            communes: vec![("86070".into(), "A".into())],
            residents,
            volunteers: Vec::new(),
            pairs: Vec::new(),
            concerns: Vec::new(),
            unserved: Vec::new(),
        };
        let c = coverage(&input);
        assert_eq!(c.days_to_first_visit, [Some(20.0)], "10, 20 and 30 days");
        assert_eq!(c.territory_days_to_first_visit, Some(20.0));
        // 50 days (to today), 365 days, 1 day: the median is the 50 days.
        let months = c.binome_months[0].unwrap();
        assert!((months - 50.0 / 30.44).abs() < 1e-9, "{months}");
        let fewer = CoverageInput { residents: input.residents[..2].to_vec(), ..input };
        assert_eq!(coverage(&fewer).days_to_first_visit, [None], "two people: not shown");
    }

    /// (rhythm, start, visits done, until) → the decided due dates (due, on, on time).
    #[test]
    fn due_dates_are_decided_by_the_shared_rule() {
        let cases: &[(Rhythm, &str, &[&str], &str, &[(&str, &str, bool)])] = &[
            // Weekly, tolerance 2: due 1st, visited on the 3rd (edge, on time); next due 10th,
            // missed on the 12th;
            // visited the 13th (before the next occurrence's window, 15-19: restarts the chain),
            // then nothing: each later occurrence is missed in turn.
            (
                Rhythm::Weekly,
                "2026-01-01",
                &["2026-01-03", "2026-01-13"],
                "2026-01-31",
                &[
                    ("2026-01-01", "2026-01-03", true),
                    ("2026-01-10", "2026-01-12", false),
                    ("2026-01-20", "2026-01-22", false),
                    ("2026-01-27", "2026-01-29", false),
                ],
            ),
            // Tolerance edge before: due the 10th, visited the 8th (weekly: -2, on time).
            (Rhythm::Weekly, "2026-01-10", &["2026-01-08"], "2026-01-12", &[]),
            (Rhythm::Weekly, "2026-01-10", &["2026-01-08"], "2026-01-08", &[]),
            // Early (3 days before): restarts the chain, decides nothing; next due the 14th.
            (Rhythm::Weekly, "2026-01-10", &["2026-01-07"], "2026-01-16", &[("2026-01-14", "2026-01-16", false)]),
            // Two-weekly, tolerance 3.
            (
                Rhythm::TwoWeekly,
                "2026-03-01",
                &["2026-03-04", "2026-03-21"],
                "2026-03-31",
                &[("2026-03-01", "2026-03-04", true), ("2026-03-18", "2026-03-21", true)],
            ),
            // Monthly, tolerance 7, across a month end: due 28 Jan, done 4 Feb (+7: on time).
            (Rhythm::Monthly, "2026-01-28", &["2026-02-04"], "2026-02-28", &[("2026-01-28", "2026-02-04", true)]),
            // Nothing done and the window not closed yet: nothing decided.
            (Rhythm::Monthly, "2026-02-20", &[], "2026-02-26", &[]),
            (Rhythm::Monthly, "2026-02-20", &[], "2026-02-27", &[("2026-02-20", "2026-02-27", false)]),
        ];
        for (rhythm, start, done, until, expected) in cases {
            let r = resident(*rhythm, start, done);
            let got: Vec<(String, String, bool)> =
                decided(&r, d(until)).iter().map(|e| (e.due.to_string(), e.on.to_string(), e.on_time)).collect();
            let want: Vec<(String, String, bool)> =
                expected.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), *c)).collect();
            assert_eq!(got, want, "{rhythm:?} from {start} with {done:?} until {until}");
        }
    }

    #[test]
    fn on_time_and_overdue_over_periods() {
        let r = resident(Rhythm::Weekly, "2026-01-01", &["2026-01-03", "2026-01-13"]);
        assert_eq!(on_time_over(&r, d("2026-01-01"), d("2026-01-09")), Some(true));
        assert_eq!(on_time_over(&r, d("2026-01-01"), d("2026-01-31")), Some(false));
        assert_eq!(on_time_over(&r, d("2026-01-04"), d("2026-01-09")), None, "nothing decided");
        // Due the 20th (13 + 7), tolerance 2: overdue from the 23rd, 3 days late then.
        assert_eq!(overdue_on(&r, d("2026-01-22")), None);
        assert_eq!(overdue_on(&r, d("2026-01-23")), Some(3));
        // Ended mid-period: not overdue after, its missed dues after the end not counted.
        let ended = ResidentHistory { follow_up: FollowUp::Ended { on: d("2026-01-15") }, ..r.clone() };
        assert_eq!(overdue_on(&ended, d("2026-01-23")), None);
        assert!(decided(&ended, d("2026-01-31")).iter().all(|e| e.on <= d("2026-01-15")));
        assert!(ended.followed_during(d("2026-01-01"), d("2026-01-31")));
        assert!(!ended.followed_during(d("2026-02-01"), d("2026-02-28")));
        // Started mid-period: followed, nothing decided before the start.
        let late_start = resident(Rhythm::Monthly, "2026-01-20", &[]);
        assert!(late_start.followed_during(d("2026-01-01"), d("2026-01-31")));
        assert!(!late_start.followed_during(d("2025-12-01"), d("2025-12-31")));
        assert_eq!(on_time_over(&late_start, d("2026-01-01"), d("2026-01-26")), None, "window still open");
        assert_eq!(
            on_time_over(&late_start, d("2026-01-01"), d("2026-01-31")),
            Some(false),
            "not seen in its first week"
        );
        // Paused until the 10th: not followed during the pause, followed after.
        let paused = ResidentHistory {
            follow_up: FollowUp::Paused { since: d("2026-01-01"), until: Some(d("2026-01-10")) },
            ..resident(Rhythm::Weekly, "2025-12-01", &[])
        };
        assert!(!paused.followed_on(d("2026-01-05")) && paused.followed_on(d("2026-01-11")));
        assert!(paused.followed_during(d("2026-01-01"), d("2026-01-31")));
        assert!(!paused.followed_during(d("2026-01-02"), d("2026-01-09")));
    }

    #[test]
    fn months() {
        let m = Month::parse("2026-12").unwrap();
        assert_eq!((m.first_day().to_string(), m.last_day().to_string()), ("2026-12-01".into(), "2026-12-31".into()));
        assert_eq!(m.next().to_string(), "2027-01");
        assert_eq!(Month::parse("2026-02").unwrap().last_day().to_string(), "2026-02-28");
        assert_eq!(Month::parse("2026-01").unwrap().through(m).len(), 12);
        for bad in ["2026-13", "2026-1", "26-01", "x", ""] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }

    /// Every line of a table either hides nothing or hides at least two values: no hidden
    /// value is the difference of a shown total and shown cells.
    fn recoverable(values: &[u64], hidden: &[bool], lines: &[Vec<usize>]) -> Option<usize> {
        lines
            .iter()
            .find_map(|line| {
                let unknown: Vec<usize> = line.iter().copied().filter(|&i| hidden[i]).collect();
                (unknown.len() == 1).then_some(unknown[0])
            })
            .filter(|&i| values[i] > 0 || hidden[i])
    }

    #[test]
    fn a_lone_small_value_is_protected_by_a_second() {
        // Three communes and their total: 1 + 7 + 12 = 20.
        let values = [1, 7, 12, 20];
        let lines = vec![vec![0, 1, 2, 3]];
        let hidden = suppress(&values, &lines, &[]);
        assert_eq!(hidden, [true, true, false, false], "the next smallest goes too");
        assert_eq!(recoverable(&values, &hidden, &lines), None);
        // No small value: nothing hidden.
        assert_eq!(suppress(&[5, 7, 12], &[vec![0, 1, 2]], &[]), [false, false, false]);
        // A zero discloses nobody and is shown; it may still hide a neighbour.
        assert_eq!(suppress(&[0, 2, 9, 11], &[vec![0, 1, 2, 3]], &[]), [true, true, false, false]);
        // The same figure shown twice is hidden in both places.
        assert_eq!(suppress(&[2, 9, 11, 9], &[vec![0, 1, 2]], &[(1, 3)]), [true, true, false, true]);
    }

    /// Random tables of communes × months with their totals: after suppression, no line
    /// hides exactly one value, whatever the counts.
    #[test]
    fn suppression_leaves_nothing_to_subtract() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..500 {
            let (rows, cols) = (1 + next(6) as usize, 1 + next(5) as usize);
            let cells: Vec<u64> = (0..rows * cols).map(|_| if next(3) == 0 { next(3) } else { next(20) }).collect();
            let row_totals: Vec<u64> = (0..rows).map(|r| (0..cols).map(|c| cells[r * cols + c]).sum()).collect();
            let col_totals: Vec<u64> = (0..cols).map(|c| (0..rows).map(|r| cells[r * cols + c]).sum()).collect();
            let grand = row_totals.iter().sum();
            let grid = Grid { rows, cols, cells, row_totals, col_totals, grand };
            let s = grid.secrecy(true, None);
            for r in 0..rows {
                let row: Vec<bool> = (0..cols).map(|c| s.cells[r * cols + c]).chain([s.row_totals[r]]).collect();
                assert_ne!(row.iter().filter(|h| **h).count(), 1, "{grid:?}");
            }
            for c in 0..cols {
                let col: Vec<bool> = (0..rows).map(|r| s.cells[r * cols + c]).chain([s.col_totals[c]]).collect();
                assert_ne!(col.iter().filter(|h| **h).count(), 1, "{grid:?}");
            }
            let totals: Vec<bool> = s.row_totals.iter().copied().chain([s.grand]).collect();
            assert_ne!(totals.iter().filter(|h| **h).count(), 1);
            for (i, &v) in grid.cells.iter().enumerate() {
                if small(v) {
                    assert!(s.cells[i]);
                }
            }
        }
    }

    /// A small territory: commune A with four weekly residents (three visited on time in
    /// January, one never), commune B with one; a volunteer in A with a 3 km radius.
    #[test]
    fn a_period_commune_by_commune() {
        let a_home = Location { lat: 46.15, lon: 0.30 };
        let mut residents: Vec<ResidentHistory> = (0..3)
            .map(|_| {
                let days: Vec<String> = (0..5).map(|w| format!("2026-01-{:02}", 1 + 7 * w)).collect();
                let days: Vec<&str> = days.iter().map(String::as_str).collect();
                resident(Rhythm::Weekly, "2026-01-01", &days)
            })
            .collect();
        residents.push(resident(Rhythm::Weekly, "2026-01-01", &[]));
        let far = Location { lat: 46.40, lon: 0.30 };
        residents.push(ResidentHistory {
            commune: "86002".into(),
            home: far,
            ..resident(Rhythm::Monthly, "2026-01-05", &[])
        });
        let input = CoverageInput {
            today: d("2026-02-10"),
            months: vec![Month::parse("2026-01").unwrap(), Month::parse("2026-02").unwrap()],
            communes: vec![("86070".into(), "A".into()), ("86002".into(), "B".into())],
            residents,
            volunteers: vec![VolunteerReach {
                commune: "86070".into(),
                home: a_home,
                radius_km: 3.0,
                communes: Vec::new(),
                weekly_capacity: 4,
            }],
            pairs: vec![("86070".into(), 0), ("86070".into(), 0)],
            concerns: vec![ConcernDates {
                commune: "86070".into(),
                raised: d("2026-01-08"),
                acknowledged: Some(d("2026-01-09")),
                resolved: None,
                hours_to_acknowledge: Some(20.0),
            }],
            unserved: Vec::new(),
        };
        let c = coverage(&input);
        // A: 4 followed, 15 visits in January, 3 of 4 on time; B: 1 followed (hidden), so A's
        // count goes too and only the territory's 5 shows.
        assert_eq!(c.followed.grid.row_totals, [4, 1]);
        assert_eq!((c.followed.commune(0), c.followed.commune(1), c.followed.territory()), (None, None, Some(5)));
        assert_eq!(c.visits.grid.cell(0, 0), 15);
        assert_eq!(c.visits.month(0, 0), Some(15));
        assert_eq!((c.on_time.grid.cell(0, 0), c.with_due.grid.cell(0, 0)), (3, 4));
        // B's one resident due in January (missed) is hidden, so A's 4 is too: no share shown.
        assert_eq!(c.with_due.grid.cell(1, 0), 1);
        assert_eq!((c.with_due.month(0, 0), c.on_time_share_month(0, 0)), (None, None));
        assert_eq!(c.territory_share_month(0), Some(0.6));
        // In February (to the 10th) the three stopped: their due of 5 Feb was missed on the 7th.
        assert_eq!((c.on_time.grid.cell(0, 1), c.with_due.grid.cell(0, 1)), (0, 4));
        // Overdue on 10 Feb: all four of A (due 5 Feb and 1 Jan), B (due 5 Jan, monthly +7).
        assert_eq!(c.overdue.grid.row_totals, [4, 1]);
        assert_eq!(c.overdue_max_days[0], None, "hidden with A's overdue count");
        // B is 29 km from the only volunteer: a white zone; A is not.
        assert!(c.white_zone(1) && !c.white_zone(0));
        assert_eq!((c.volunteers_living[0], c.volunteers_serving[0], c.capacity[0]), (1, 1, 4));
        // One concern: hidden (1), and so is what would give it away.
        assert_eq!(c.raised.commune(0), None);
        assert_eq!(c.hours_to_acknowledge[0], None);
        // Weekly trend: 3 visits each Thursday week, one week on its own.
        let weeks = weekly_visits(&input.residents, d("2025-12-29"), 3);
        assert_eq!(weeks[0], (d("2025-12-29"), Some(3)));
    }

    #[test]
    fn reach_is_the_planner_s_rule() {
        let v = VolunteerReach {
            commune: "86070".into(),
            home: Location { lat: 46.15, lon: 0.30 },
            radius_km: 5.0,
            communes: vec!["86117".into()],
            weekly_capacity: 3,
        };
        assert!(v.reaches("86117", Location { lat: 47.0, lon: 1.0 }), "an accepted commune, however far");
        assert!(v.reaches("86001", Location { lat: 46.17, lon: 0.30 }), "2.2 km away");
        assert!(!v.reaches("86001", Location { lat: 46.25, lon: 0.30 }), "11 km away");
    }
}
