//! The values of a spreadsheet's cells as people type them in French: dates as DD/MM/YYYY,
//! rhythms and forms of consent in words, "oui"/"non", weekly slots as "lundi 9h-12h", commune
//! names with or without accents and hyphens.

use monalisa_core::domain::{Date, Minute, Weekday};

pub use monalisa_core::domain::text::{fold, name_key};

/// Why a date cell was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateProblem {
    /// Not a date at all.
    Unreadable,
    /// A year in two digits: 01/02/26 could be 1926 or 2026.
    ShortYear,
    /// 31/02/2026, 00/01/2026...
    Impossible,
}

/// A date as DD/MM/YYYY (or D/M/YYYY, with `-` or `.`), or as YYYY-MM-DD.
pub fn date(text: &str) -> Result<Date, DateProblem> {
    let text = text.trim();
    let parts: Vec<&str> = text.split(['/', '-', '.']).collect();
    let numbers: Vec<u32> =
        parts.iter().map(|p| p.trim().parse::<u32>()).collect::<Result<_, _>>().map_err(|_| DateProblem::Unreadable)?;
    let (day, month, year, year_digits) = match (&parts[..], &numbers[..]) {
        ([y, _, _], [year, month, day]) if y.len() == 4 => (*day, *month, *year, 4),
        ([_, _, y], [day, month, year]) => (*day, *month, *year, y.trim().len()),
        _ => return Err(DateProblem::Unreadable),
    };
    if year_digits != 4 {
        return Err(DateProblem::ShortYear);
    }
    Date::from_ymd(i32::try_from(year).map_err(|_| DateProblem::Impossible)?, month, day)
        .map_err(|_| DateProblem::Impossible)
}

/// A yes/no cell: `None` when it is neither.
pub fn yes_no(text: &str) -> Option<bool> {
    match fold(text.trim()).as_str() {
        "oui" | "o" | "x" | "1" | "vrai" | "yes" | "y" | "true" => Some(true),
        "non" | "n" | "0" | "faux" | "no" | "false" => Some(false),
        _ => None,
    }
}

/// How a volunteer travels, in words (or yes/no to "has a car"), as its stored code
/// (`monalisa_core::domain::TravelMode`): "non" is taken as on foot.
pub fn travel_mode(text: &str) -> Option<&'static str> {
    let key = name_key(text);
    match key.as_str() {
        "voiture" | "auto" | "automobile" | "vehicule" | "car" => return Some("car"),
        "deux roues" | "2 roues" | "velo" | "scooter" | "moto" | "mobylette" | "cyclomoteur" | "two wheels" => {
            return Some("two_wheels");
        }
        "a pied" | "pied" | "marche" | "on foot" => return Some("on_foot"),
        _ => {}
    }
    yes_no(text).map(|car| if car { "car" } else { "on_foot" })
}

/// Who referred a person, in words, as its stored code (`monalisa_core::domain::ReferralSource`).
pub fn referral_source(text: &str) -> Option<&'static str> {
    let key = name_key(text);
    let has = |w: &str| key.split(' ').any(|k| k == w);
    if has("ccas") || has("cias") || key.contains("mairie") {
        Some("ccas")
    } else if has("famille") || has("fils") || has("fille") || has("enfant") || has("family") {
        Some("family")
    } else if has("medecin") || has("docteur") || has("infirmier") || has("infirmiere") || has("doctor") {
        Some("doctor")
    } else if has("voisin") || has("voisine") || has("voisinage") || has("neighbour") {
        Some("neighbour")
    } else if has("elle") || has("lui") || has("personne") || has("self") {
        Some("self")
    } else if has("autre") || has("other") {
        Some("other")
    } else {
        None
    }
}

/// A follow-up mode in words, as its stored code (`monalisa_core::domain::FollowUpMode`).
pub fn follow_up_mode(text: &str) -> Option<&'static str> {
    let key = name_key(text);
    if key.contains("deux") || key.contains("both") || (key.contains("visite") && key.contains("appel")) {
        Some("both")
    } else if key.starts_with("visite") || key == "visits" {
        Some("visits")
    } else if key.starts_with("appel") || key.contains("telephone") || key == "calls" {
        Some("calls")
    } else {
        None
    }
}

/// A rhythm in words, as its stored code.
pub fn rhythm(text: &str) -> Option<&'static str> {
    let key = name_key(text);
    let has = |w: &str| key.split(' ').any(|k| k == w);
    if key.is_empty() {
        None
    } else if has("hebdomadaire")
        || has("weekly")
        || key == "1 par semaine"
        || key.contains("chaque semaine")
        || key.contains("fois par semaine")
    {
        Some("weekly")
    } else if has("15")
        || has("quinze")
        || has("quinzaine")
        || has("bimensuel")
        || has("bimensuelle")
        || key.contains("deux semaines")
        || key.contains("2 semaines")
        || key == "two weekly"
    {
        Some("two_weekly")
    } else if has("mensuel") || has("mensuelle") || has("monthly") || key.contains("mois") {
        Some("monthly")
    } else {
        None
    }
}

/// A form of consent in words, as its stored code.
pub fn consent_method(text: &str) -> Option<&'static str> {
    let key = name_key(text);
    let first = key.split(' ').next().unwrap_or_default();
    match first {
        "ecrit" | "ecrite" | "signe" | "signee" | "formulaire" | "written" => Some("written"),
        "oral" | "orale" | "verbal" | "verbale" | "telephone" => Some("oral"),
        "representant" | "representante" | "tuteur" | "tutrice" | "curateur" | "curatrice" | "famille" | "personne"
        | "representative" => Some("representative"),
        _ => None,
    }
}

fn weekday(word: &str) -> Option<Weekday> {
    let w = fold(word);
    let w = w.trim_end_matches('.').trim_end_matches('s');
    let names = [
        (Weekday::Monday, "lundi", "lun"),
        (Weekday::Tuesday, "mardi", "mar"),
        (Weekday::Wednesday, "mercredi", "mer"),
        (Weekday::Thursday, "jeudi", "jeu"),
        (Weekday::Friday, "vendredi", "ven"),
        (Weekday::Saturday, "samedi", "sam"),
        (Weekday::Sunday, "dimanche", "dim"),
    ];
    names.into_iter().find(|(_, long, short)| w == *long || w == *short).map(|(d, ..)| d)
}

/// A time of day as "9h", "9h30", "09:30", "14 h 00".
pub fn time(text: &str) -> Option<Minute> {
    let t: String = fold(text).chars().filter(|c| !c.is_whitespace()).collect();
    let (h, m) = match t.split_once(['h', ':']) {
        Some((h, "")) => (h, "0"),
        Some((h, m)) => (h, m),
        None => (t.as_str(), "0"),
    };
    if h.is_empty() || h.len() > 2 || m.len() > 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    Minute::hm(h.parse().ok()?, m.parse().ok()?)
}

/// Weekly slots as "lundi 9h-12h ; jeudi 14h-17h30", or "lundi, mardi 9h-12h" (both days),
/// or "lundi et mardi de 9h à 12h": each run of days takes the time range after it. Gives
/// (weekday, from, to) triples in the order written; `None` when a part is not understood.
pub fn slots(text: &str) -> Option<Vec<(Weekday, Minute, Minute)>> {
    let folded = fold(text).replace(['–', '—'], "-");
    let tokens: Vec<&str> = folded
        .split(|c: char| c.is_whitespace() || matches!(c, ';' | ',' | '/' | '+'))
        .filter(|t| !t.is_empty())
        .collect();
    let mut out = Vec::new();
    let mut days: Vec<Weekday> = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        let token = tokens[k];
        if let Some(d) = weekday(token) {
            days.push(d);
            k += 1;
            continue;
        }
        if matches!(token, "et" | "de" | "le" | "les" | "matin" | "apres-midi" | "soir") {
            k += 1;
            continue;
        }
        // A range: "9h-12h", or "9h" "-" "12h", or "9h" "a" "12h".
        let (from, to, used) = if let Some((a, b)) = token.split_once('-').filter(|(_, b)| !b.is_empty()) {
            (a.to_owned(), b.to_owned(), 1)
        } else {
            let sep = tokens.get(k + 1).copied()?;
            let end = tokens.get(k + 2).copied()?;
            if !matches!(sep, "-" | "a") {
                return None;
            }
            (token.trim_end_matches('-').to_owned(), end.to_owned(), 3)
        };
        let (from, to) = (time(&from)?, time(&to)?);
        if days.is_empty() {
            return None;
        }
        out.extend(days.drain(..).map(|d| (d, from, to)));
        k += used;
    }
    (days.is_empty() && !out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::from_ymd(y, m, day).unwrap()
    }

    #[rstest]
    #[case::french("20/11/2026", Ok(d(2026, 11, 20)))]
    #[case::single_digits("5/3/2026", Ok(d(2026, 3, 5)))]
    #[case::dashes("05-03-2026", Ok(d(2026, 3, 5)))]
    #[case::dots("05.03.2026", Ok(d(2026, 3, 5)))]
    #[case::iso("2026-03-05", Ok(d(2026, 3, 5)))]
    #[case::spaces(" 20/11/2026 ", Ok(d(2026, 11, 20)))]
    #[case::leap_day("29/02/2028", Ok(d(2028, 2, 29)))]
    #[case::not_leap("29/02/2026", Err(DateProblem::Impossible))]
    #[case::thirty_first("31/04/2026", Err(DateProblem::Impossible))]
    #[case::month_13("01/13/2026", Err(DateProblem::Impossible))]
    #[case::day_zero("00/01/2026", Err(DateProblem::Impossible))]
    #[case::two_digit_year("01/02/26", Err(DateProblem::ShortYear))]
    #[case::words("le 3 mars", Err(DateProblem::Unreadable))]
    #[case::two_parts("03/2026", Err(DateProblem::Unreadable))]
    #[case::empty("", Err(DateProblem::Unreadable))]
    fn dates(#[case] text: &str, #[case] expected: Result<Date, DateProblem>) {
        assert_eq!(date(text), expected);
    }

    #[rstest]
    #[case("hebdomadaire", Some("weekly"))]
    #[case("Hebdomadaire", Some("weekly"))]
    #[case("1 fois par semaine", Some("weekly"))]
    #[case("chaque semaine", Some("weekly"))]
    #[case("tous les 15 jours", Some("two_weekly"))]
    #[case("Tous les quinze jours", Some("two_weekly"))]
    #[case("bimensuel", Some("two_weekly"))]
    #[case("toutes les deux semaines", Some("two_weekly"))]
    #[case("mensuel", Some("monthly"))]
    #[case("une fois par mois", Some("monthly"))]
    #[case("quotidien", None)]
    #[case("", None)]
    fn rhythms(#[case] text: &str, #[case] expected: Option<&str>) {
        assert_eq!(rhythm(text), expected);
    }

    #[rstest]
    #[case("écrit", Some("written"))]
    #[case("Ecrite", Some("written"))]
    #[case("signé", Some("written"))]
    #[case("oral", Some("oral"))]
    #[case("Orale (téléphone)", Some("oral"))]
    #[case("représentant", Some("representative"))]
    #[case("Tuteur", Some("representative"))]
    #[case("personne de confiance", Some("representative"))]
    #[case("courriel", None)]
    fn consent_methods(#[case] text: &str, #[case] expected: Option<&str>) {
        assert_eq!(consent_method(text), expected);
    }

    #[rstest]
    #[case("9h", Some((9, 0)))]
    #[case("9h30", Some((9, 30)))]
    #[case("09:30", Some((9, 30)))]
    #[case("14 h 05", Some((14, 5)))]
    #[case("14H", Some((14, 0)))]
    #[case("25h", None)]
    #[case("9h75", None)]
    #[case("midi", None)]
    #[case("", None)]
    fn times(#[case] text: &str, #[case] expected: Option<(u16, u16)>) {
        assert_eq!(time(text), expected.map(|(h, m)| Minute::hm(h, m).unwrap()));
    }

    fn m(h: u16, min: u16) -> Minute {
        Minute::hm(h, min).unwrap()
    }

    #[rstest]
    #[case::one("lundi 9h-12h", Some(vec![(Weekday::Monday, m(9, 0), m(12, 0))]))]
    #[case::two("lundi 9h-12h ; jeudi 14h-17h30", Some(vec![(Weekday::Monday, m(9, 0), m(12, 0)), (Weekday::Thursday, m(14, 0), m(17, 30))]))]
    #[case::commas("Mardi 14:00-17:00, vendredi 09:00-11:30", Some(vec![(Weekday::Tuesday, m(14, 0), m(17, 0)), (Weekday::Friday, m(9, 0), m(11, 30))]))]
    #[case::two_days_one_range("lundi et mardi de 9h à 12h", Some(vec![(Weekday::Monday, m(9, 0), m(12, 0)), (Weekday::Tuesday, m(9, 0), m(12, 0))]))]
    #[case::spaced_dash("mer 10h - 11h", Some(vec![(Weekday::Wednesday, m(10, 0), m(11, 0))]))]
    #[case::plural("lundis 9h-10h", Some(vec![(Weekday::Monday, m(9, 0), m(10, 0))]))]
    #[case::no_day("9h-12h", None)]
    #[case::no_range("lundi", None)]
    #[case::bad_time("lundi 9h-27h", None)]
    #[case::words("le matin", None)]
    fn slot_texts(#[case] text: &str, #[case] expected: Option<Vec<(Weekday, Minute, Minute)>>) {
        assert_eq!(slots(text), expected);
    }

    #[test]
    fn names_compare_as_people_write_them() {
        assert_eq!(name_key("St-Pierre-d’Exideuil"), name_key("saint pierre d'exideuil"));
        assert_eq!(name_key("CHÂTEAU-GARNIER"), "chateau garnier");
        assert_eq!(name_key("Cœur"), "coeur");
        assert_eq!(yes_no("Oui"), Some(true));
        assert_eq!(yes_no("non"), Some(false));
        assert_eq!(yes_no("peut-être"), None);
    }

    #[rstest]
    #[case::car("Voiture", Some("car"))]
    #[case::has_a_car("oui", Some("car"))]
    #[case::no_car("Non", Some("on_foot"))]
    #[case::bicycle("vélo", Some("two_wheels"))]
    #[case::two_wheels("Deux-roues", Some("two_wheels"))]
    #[case::on_foot("À pied", Some("on_foot"))]
    #[case::unknown("train", None)]
    fn travel_modes(#[case] text: &str, #[case] expected: Option<&str>) {
        assert_eq!(travel_mode(text), expected);
    }

    #[rstest]
    #[case::ccas("CCAS de Civray", Some("ccas"))]
    #[case::family("sa fille", Some("family"))]
    #[case::doctor("Médecin traitant", Some("doctor"))]
    #[case::neighbour("une voisine", Some("neighbour"))]
    #[case::the_person("la personne elle-même", Some("self"))]
    #[case::other("Autre", Some("other"))]
    #[case::unknown("le facteur", None)]
    fn referral_sources(#[case] text: &str, #[case] expected: Option<&str>) {
        assert_eq!(referral_source(text), expected);
    }

    #[rstest]
    #[case::visits("Visites", Some("visits"))]
    #[case::calls("appels", Some("calls"))]
    #[case::phone("téléphone", Some("calls"))]
    #[case::both("les deux", Some("both"))]
    #[case::both_words("visites et appels", Some("both"))]
    #[case::unknown("courrier", None)]
    fn follow_up_modes(#[case] text: &str, #[case] expected: Option<&str>) {
        assert_eq!(follow_up_mode(text), expected);
    }
}
