//! Handing a leaving volunteer's residents over: for each resident, the volunteers who could
//! take them on by the planner's rules (active, the resident within their reach, a slot in
//! common long enough for a visit, weekly capacity to spare for the resident's rhythm), nearest
//! first (their home to the resident's), then the most capacity to spare. Pure code with a case
//! table; the page (`/benevoles/relais`) and the store apply what the ambassador chooses.

use crate::coverage::VolunteerReach;
use crate::domain::{Minute, Resident, Volunteer, VolunteerId, Weekday, WeeklySlot};

/// How long a visit lasts (the planning convention, `monalisa_app::planning`).
pub const VISIT_MINUTES: u16 = 60;

/// When a resident without preferred slots can be seen: weekdays 9:00-17:00.
pub fn default_slots() -> Vec<WeeklySlot> {
    let (nine, five) = (Minute::hm(9, 0), Minute::hm(17, 0));
    Weekday::ALL[..5].iter().filter_map(|&weekday| WeeklySlot::new(weekday, nine?, five?)).collect()
}

/// A volunteer who could take a resident over.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub volunteer: VolunteerId,
    /// From the volunteer's home to the resident's, great-circle.
    pub distance_km: f64,
    /// Weekly visits left once this resident is theirs.
    pub spare: f64,
}

/// The weekly visits a volunteer already gives: the sum of their residents' rhythms.
pub fn load(volunteer: VolunteerId, residents: &[Resident]) -> f64 {
    residents
        .iter()
        .filter(|r| r.volunteer == Some(volunteer) && !matches!(r.follow_up, crate::domain::FollowUp::Ended { .. }))
        .map(|r| r.rhythm.weekly_load())
        .sum()
}

/// Whether a volunteer's availability and a resident's preferred slots share a visit's length.
pub fn common_slot(availability: &[WeeklySlot], preferred: &[WeeklySlot]) -> bool {
    let defaults;
    let preferred = if preferred.is_empty() {
        defaults = default_slots();
        &defaults
    } else {
        preferred
    };
    availability.iter().any(|a| preferred.iter().any(|p| a.overlap_minutes(p) >= VISIT_MINUTES))
}

/// Who could take `resident` over from `leaving`, among `volunteers` (the scope's), given
/// every resident of the scope (for the capacity already used): nearest first, then the
/// most capacity to spare.
pub fn candidates(
    resident: &Resident,
    leaving: VolunteerId,
    volunteers: &[Volunteer],
    residents: &[Resident],
) -> Vec<Candidate> {
    let need = resident.rhythm.weekly_load();
    let mut out: Vec<Candidate> = volunteers
        .iter()
        .filter(|v| v.plannable() && v.id != leaving)
        .filter(|v| {
            let reach = VolunteerReach {
                commune: v.commune.as_str().to_owned(),
                home: v.home,
                radius_km: v.reach.radius_km,
                communes: v.reach.communes.iter().map(|c| c.as_str().to_owned()).collect(),
                weekly_capacity: u32::from(v.weekly_capacity),
            };
            reach.reaches(resident.commune.as_str(), resident.home)
        })
        .filter(|v| common_slot(&v.availability, &resident.preferred))
        .filter_map(|v| {
            let spare = f64::from(v.weekly_capacity) - load(v.id, residents) - need;
            (spare >= -1e-9).then(|| Candidate {
                volunteer: v.id,
                distance_km: v.home.distance_km(&resident.home),
                spare,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.distance_km
            .total_cmp(&b.distance_km)
            .then(b.spare.total_cmp(&a.spare))
            .then(a.volunteer.0.cmp(&b.volunteer.0))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::*;
    use rstest::rstest;

    fn at(lat: f64, lon: f64) -> Location {
        Location::new(lat, lon).unwrap()
    }

    fn slot(day: Weekday, from: u16, to: u16) -> WeeklySlot {
        WeeklySlot::new(day, Minute::hm(from, 0).unwrap(), Minute::hm(to, 0).unwrap()).unwrap()
    }

    fn volunteer(id: i64, home: Location, radius_km: f64, capacity: u8, availability: Vec<WeeklySlot>) -> Volunteer {
        Volunteer {
            id: VolunteerId(id),
            first_name: format!("V{id}"),
            last_name: "Test".into(),
            phone: "06 00 00 00 00".into(),
            commune: InseeCode::parse("86078").unwrap(),
            home,
            scope: ScopeId(1),
            travel: TravelMode::Car,
            reach: Reach { communes: vec![], radius_km },
            weekly_capacity: capacity,
            availability,
            absences: vec![],
            charter: Some(Milestone::DateUnknown),
            training: Some(Milestone::DateUnknown),
            active: true,
        }
    }

    fn resident(
        id: i64,
        home: Location,
        volunteer: Option<i64>,
        rhythm: Rhythm,
        preferred: Vec<WeeklySlot>,
    ) -> Resident {
        let day = Date::from_ymd(2026, 1, 5).unwrap();
        Resident {
            id: ResidentId(id),
            first_name: "R".into(),
            last_name: format!("{id}"),
            address: "1 rue".into(),
            commune: InseeCode::parse("86078").unwrap(),
            home,
            phone: None,
            access_notes: String::new(),
            likes: String::new(),
            rhythm,
            isolation: IsolationLevel::new(2).unwrap(),
            preferred,
            consent: Consent { given_on: day, method: ConsentMethod::Oral, recorded_by: AmbassadorId(1) },
            follow_up_start: day,
            follow_up: FollowUp::Active { since: day },
            volunteer: volunteer.map(VolunteerId),
            programme: Programme::default(),
        }
    }

    const HOME: (f64, f64) = (46.15, 0.30);

    /// One candidate per case, tried against the leaving volunteer's weekly resident (home at
    /// HOME, Monday 9-12): whether they are offered.
    #[rstest]
    #[case::near_and_free(0.01, 10.0, 3, vec![slot(Weekday::Monday, 9, 12)], true)]
    #[case::out_of_reach(0.2, 10.0, 3, vec![slot(Weekday::Monday, 9, 12)], false)]
    #[case::no_common_slot(0.01, 10.0, 3, vec![slot(Weekday::Tuesday, 9, 12)], false)]
    #[case::overlap_of_exactly_a_visit(0.01, 10.0, 3, vec![slot(Weekday::Monday, 11, 14)], true)]
    #[case::thirty_minutes_only(0.01, 10.0, 3, vec![WeeklySlot::new(Weekday::Monday, Minute::hm(11, 30).unwrap(), Minute::hm(13, 0).unwrap()).unwrap()], false)]
    #[case::no_capacity(0.01, 10.0, 0, vec![slot(Weekday::Monday, 9, 12)], false)]
    fn who_is_offered(
        #[case] dlat: f64,
        #[case] radius: f64,
        #[case] capacity: u8,
        #[case] availability: Vec<WeeklySlot>,
        #[case] offered: bool,
    ) {
        let r = resident(1, at(HOME.0, HOME.1), Some(1), Rhythm::Weekly, vec![slot(Weekday::Monday, 9, 12)]);
        let leaving = volunteer(1, at(HOME.0, HOME.1), 10.0, 5, vec![slot(Weekday::Monday, 9, 12)]);
        let other = volunteer(2, at(HOME.0 + dlat, HOME.1), radius, capacity, availability);
        let found = candidates(&r, VolunteerId(1), &[leaving, other], std::slice::from_ref(&r));
        assert_eq!(found.iter().map(|c| c.volunteer.0).collect::<Vec<_>>(), if offered { vec![2] } else { vec![] });
    }

    #[test]
    fn nearest_first_then_most_spare_capacity_and_never_the_inactive_or_untrained() {
        let monday = vec![slot(Weekday::Monday, 9, 12)];
        let r = resident(1, at(HOME.0, HOME.1), Some(1), Rhythm::Monthly, vec![]);
        let busy = resident(2, at(HOME.0, HOME.1), Some(3), Rhythm::Weekly, vec![]);
        let mut inactive = volunteer(5, at(HOME.0, HOME.1), 20.0, 9, monday.clone());
        inactive.active = false;
        let mut untrained = volunteer(6, at(HOME.0, HOME.1), 20.0, 9, monday.clone());
        untrained.training = None;
        let volunteers = [
            volunteer(1, at(HOME.0, HOME.1), 20.0, 5, monday.clone()),
            volunteer(2, at(HOME.0 + 0.05, HOME.1), 20.0, 2, monday.clone()),
            volunteer(3, at(HOME.0 + 0.02, HOME.1), 20.0, 2, monday.clone()),
            volunteer(4, at(HOME.0 + 0.02, HOME.1), 20.0, 4, monday.clone()),
            inactive,
            untrained,
        ];
        let found = candidates(&r, VolunteerId(1), &volunteers, &[r.clone(), busy]);
        // 3 and 4 are as near: 4 has more to spare (3 already visits someone weekly).
        assert_eq!(found.iter().map(|c| c.volunteer.0).collect::<Vec<_>>(), [4, 3, 2]);
        assert!((found[1].spare - (2.0 - 1.0 - 0.25)).abs() < 1e-9, "{found:?}");
        assert!(found[0].distance_km > 2.0 && found[0].distance_km < 2.5);
    }

    #[test]
    fn no_preferred_slot_means_weekdays_nine_to_five() {
        let late = WeeklySlot::new(Weekday::Friday, Minute::hm(16, 30).unwrap(), Minute::hm(18, 0).unwrap()).unwrap();
        assert!(!common_slot(&[late], &[]), "an hour is needed, 16:30-17:00 only");
        assert!(common_slot(&[slot(Weekday::Friday, 15, 18)], &[]));
        assert!(!common_slot(&[slot(Weekday::Saturday, 9, 12)], &[]));
    }
}
