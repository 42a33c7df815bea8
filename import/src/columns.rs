//! The columns of each kind of file: their French headers (and the other names people give
//! them), whether a row must fill them, what they hold; matching a file's header row to them,
//! and the template downloadable from the import page (`monalisa import --template`).

use crate::table::FileError;
use crate::values::fold;
use serde::{Deserialize, Serialize};

/// What a file lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    Residents,
    Volunteers,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Residents, Kind::Volunteers];

    pub const fn code(self) -> &'static str {
        match self {
            Kind::Residents => "residents",
            Kind::Volunteers => "volunteers",
        }
    }

    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub const fn columns(self) -> &'static [Column] {
        match self {
            Kind::Residents => RESIDENT_COLUMNS,
            Kind::Volunteers => VOLUNTEER_COLUMNS,
        }
    }

    pub const fn template_name(self) -> &'static str {
        match self {
            Kind::Residents => "modele-residents.csv",
            Kind::Volunteers => "modele-benevoles.csv",
        }
    }
}

/// A column's meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Col {
    Reference,
    FirstName,
    LastName,
    Address,
    Commune,
    Phone,
    Position,
    Rhythm,
    Isolation,
    Preferred,
    Access,
    Likes,
    Volunteer,
    FollowUpStart,
    ReferredBy,
    ReferredOn,
    Mode,
    ConsentDate,
    ConsentMethod,
    ConsentBy,
    Travel,
    Radius,
    Capacity,
    Communes,
    Availability,
    Charter,
    Training,
    Active,
}

/// A column of a kind of file.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub col: Col,
    /// The header of the template (French).
    pub header: &'static str,
    /// Other headers read as this column (compared without case, accents or punctuation).
    pub aliases: &'static [&'static str],
    /// Every row must fill it.
    pub required: bool,
    pub help_fr: &'static str,
    pub help_en: &'static str,
}

const fn column(
    col: Col,
    header: &'static str,
    aliases: &'static [&'static str],
    required: bool,
    help_fr: &'static str,
    help_en: &'static str,
) -> Column {
    Column { col, header, aliases, required, help_fr, help_en }
}

const REFERENCE: Column = column(
    Col::Reference,
    "Référence",
    &["ref", "n° dossier", "numero de dossier", "identifiant", "id"],
    false,
    "Votre numéro de dossier, s'il y en a un : la même référence met à jour la même fiche.",
    "Your own file number, if any: the same reference updates the same record.",
);
const FIRST_NAME: Column = column(Col::FirstName, "Prénom", &["prenom"], true, "Prénom.", "First name.");
const LAST_NAME: Column =
    column(Col::LastName, "Nom", &["nom de famille", "nom d usage"], true, "Nom de famille.", "Last name.");
const COMMUNE: Column = column(
    Col::Commune,
    "Commune",
    &["ville", "code insee", "insee"],
    true,
    "Nom de la commune (Civray, Saint-Pierre-d'Exideuil...) ou son code INSEE ; elle doit appartenir au secteur.",
    "The commune's name or INSEE code; it must belong to the scope.",
);
const POSITION_ALIASES: &[&str] = &["coordonnees", "gps", "latitude longitude"];
const POSITION: Column = column(
    Col::Position,
    "Position",
    POSITION_ALIASES,
    false,
    "Latitude et longitude du domicile (46,43 ; 0,31) ; vide : le centre de la commune.",
    "Latitude and longitude of the home; empty: the commune's centre.",
);
/// A resident's home without a position is located from the address when it can be.
const RESIDENT_POSITION: Column = column(
    Col::Position,
    "Position",
    POSITION_ALIASES,
    false,
    "Latitude et longitude du domicile (46,43 ; 0,31) ; vide : situé d'après l'adresse si un géocodeur est configuré, sinon le centre de la commune (à placer ensuite sur la carte de la fiche).",
    "Latitude and longitude of the home; empty: located from the address when a geocoder is configured, else the commune's centre (to be placed on the record's map).",
);

const RESIDENT_COLUMNS: &[Column] = &[
    REFERENCE,
    FIRST_NAME,
    LAST_NAME,
    column(Col::Address, "Adresse", &["adresse postale", "rue"], true, "Numéro et rue, lieu-dit.", "Street address."),
    COMMUNE,
    column(
        Col::Phone,
        "Téléphone",
        &["tel", "telephone fixe", "portable"],
        false,
        "Numéro français (05 49 12 34 56 ou +33 5 49 12 34 56).",
        "A French number.",
    ),
    RESIDENT_POSITION,
    column(
        Col::Rhythm,
        "Rythme",
        &["frequence", "rythme des visites"],
        false,
        "hebdomadaire, tous les 15 jours ou mensuel ; vide : hebdomadaire.",
        "weekly, every two weeks or monthly; empty: weekly.",
    ),
    column(
        Col::Isolation,
        "Isolement",
        &["niveau d isolement"],
        true,
        "1 (faible), 2 (moyen) ou 3 (fort).",
        "1 (low), 2 (medium) or 3 (high).",
    ),
    column(
        Col::Preferred,
        "Créneaux préférés",
        &["creneaux", "disponibilites", "horaires"],
        false,
        "Jours et heures où la personne préfère être visitée : « lundi 9h-11h30 ; jeudi 14h-17h » (deux par jour au plus).",
        "Days and hours the person prefers: “lundi 9h-11h30 ; jeudi 14h-17h” (two a day at most).",
    ),
    column(
        Col::Access,
        "Accès",
        &["informations d acces", "acces au domicile"],
        false,
        "Ce qu'il faut savoir pour entrer (code, chien...).",
        "What to know to get in.",
    ),
    column(
        Col::Likes,
        "Centres d'intérêt",
        &["gouts", "interets"],
        false,
        "Sujets de conversation.",
        "Topics the person enjoys.",
    ),
    column(
        Col::Volunteer,
        "Bénévole",
        &["benevole habituel", "binome"],
        false,
        "Prénom et nom (ou référence) du bénévole qui visite déjà la personne ; importez d'abord les bénévoles.",
        "The volunteer who already visits (first and last name, or reference); import the volunteers first.",
    ),
    column(
        Col::FollowUpStart,
        "Début du suivi",
        &["date de debut", "debut"],
        false,
        "JJ/MM/AAAA ; vide : le jour de l'import.",
        "DD/MM/YYYY; empty: the day of the import.",
    ),
    column(
        Col::ReferredBy,
        "Orienté par",
        &["orientation", "oriente par", "adresse par", "origine"],
        false,
        "CCAS, famille, médecin, la personne elle-même, voisin ou autre ; vide : non renseigné.",
        "CCAS, family, doctor, the person, neighbour or other; empty: not said.",
    ),
    column(
        Col::ReferredOn,
        "Date d'orientation",
        &["oriente le", "date orientation"],
        false,
        "JJ/MM/AAAA, jour où la personne a été orientée vers Monalisa (avec « Orienté par »).",
        "DD/MM/YYYY, the day the person was referred (with “Orienté par”).",
    ),
    column(
        Col::Mode,
        "Mode de suivi",
        &["suivi par", "type de suivi"],
        false,
        "visites, appels ou les deux ; vide : visites. Les appels seuls ne sont pas planifiés en tournée.",
        "visits, calls or both; empty: visits. Calls alone are not planned as rounds.",
    ),
    column(
        Col::ConsentDate,
        "Date du consentement",
        &["consentement le", "consentement date", "date consentement"],
        true,
        "JJ/MM/AAAA, jour où la personne a accepté d'être suivie (pas dans le futur).",
        "DD/MM/YYYY, the day the person agreed (not in the future).",
    ),
    column(
        Col::ConsentMethod,
        "Forme du consentement",
        &["consentement", "mode de consentement", "consentement forme"],
        true,
        "écrit, oral ou représentant (donné par un représentant légal ou une personne de confiance).",
        "written, oral or representative.",
    ),
    column(
        Col::ConsentBy,
        "Consentement recueilli par",
        &["recueilli par", "consentement par"],
        true,
        "Prénom et nom de l'ambassadeur ou de l'ambassadrice qui l'a recueilli (enregistré dans l'application).",
        "First and last name of the ambassador who collected it (registered in the application).",
    ),
];

const VOLUNTEER_COLUMNS: &[Column] = &[
    REFERENCE,
    FIRST_NAME,
    LAST_NAME,
    column(
        Col::Phone,
        "Téléphone",
        &["tel", "portable"],
        true,
        "Numéro français (06 12 34 56 78 ou +33 6 12 34 56 78).",
        "A French number.",
    ),
    COMMUNE,
    POSITION,
    column(
        Col::Travel,
        "Déplacement",
        &["voiture", "vehicule", "vehicule personnel", "mode de deplacement", "moyen de transport"],
        false,
        "voiture, deux-roues ou à pied (oui : voiture, non : à pied) ; vide : voiture.",
        "car, two wheels or on foot (yes: car, no: on foot); empty: car.",
    ),
    column(
        Col::Radius,
        "Rayon (km)",
        &["rayon", "distance max", "distance maximale"],
        false,
        "Distance jusqu'où aller, 0 à 100 km ; vide : 10.",
        "How far to go, 0 to 100 km; empty: 10.",
    ),
    column(
        Col::Capacity,
        "Visites par semaine",
        &["capacite", "nombre de visites"],
        false,
        "0 à 50 ; vide : 4.",
        "0 to 50; empty: 4.",
    ),
    column(
        Col::Communes,
        "Communes acceptées",
        &["communes", "autres communes"],
        false,
        "Autres communes du secteur où aller même au-delà du rayon, séparées par des virgules.",
        "Other communes of the scope to go to beyond the radius, separated by commas.",
    ),
    column(
        Col::Availability,
        "Disponibilités",
        &["creneaux", "disponibilite", "horaires"],
        false,
        "« mardi 14h-17h ; vendredi 9h-12h » (deux par jour au plus) : sans disponibilité, rien n'est planifié.",
        "“mardi 14h-17h ; vendredi 9h-12h” (two a day at most): nothing is planned without any.",
    ),
    column(
        Col::Charter,
        "Charte signée le",
        &["charte", "charte signee", "date de la charte"],
        false,
        "Date de signature de la charte du bénévole (JJ/MM/AAAA), ou oui si elle est signée sans date connue ; vide : pas encore. Sans charte ni formation, le bénévole n'est pas planifié.",
        "Day the volunteer charter was signed (DD/MM/YYYY), or yes if signed on an unknown day; empty: not yet. Without charter and training the volunteer is not planned.",
    ),
    column(
        Col::Training,
        "Formation faite le",
        &["formation", "formation de base", "date de formation"],
        false,
        "Date de la formation de base (JJ/MM/AAAA), ou oui si elle est faite sans date connue ; vide : pas encore.",
        "Day of the base training (DD/MM/YYYY), or yes if done on an unknown day; empty: not yet.",
    ),
    column(
        Col::Active,
        "Actif",
        &["active", "en activite"],
        false,
        "oui ou non ; vide : oui.",
        "yes or no; empty: yes.",
    ),
];

/// Where each column of a kind is in a file (`None`: the file has no such column).
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub kind: Kind,
    index: Vec<(Col, usize)>,
    /// The file's headers that name no column (their cells are not read).
    pub ignored: Vec<String>,
}

impl Layout {
    /// Matches a header row to a kind's columns: refused when a required column is missing or
    /// two headers mean the same column.
    pub fn new(kind: Kind, headers: &[String]) -> Result<Layout, FileError> {
        let mut index = Vec::new();
        let mut ignored = Vec::new();
        for (k, header) in headers.iter().enumerate() {
            let key = header_key(header);
            if key.is_empty() {
                continue;
            }
            let found = kind
                .columns()
                .iter()
                .find(|c| header_key(c.header) == key || c.aliases.iter().any(|a| header_key(a) == key));
            match found {
                Some(c) if index.iter().any(|(col, _)| *col == c.col) => {
                    return Err(FileError::DuplicateColumn(header.trim().to_owned()));
                }
                Some(c) => index.push((c.col, k)),
                None => ignored.push(header.trim().to_owned()),
            }
        }
        let missing: Vec<String> = kind
            .columns()
            .iter()
            .filter(|c| c.required && !index.iter().any(|(col, _)| *col == c.col))
            .map(|c| c.header.to_owned())
            .collect();
        if !missing.is_empty() {
            return Err(FileError::MissingColumns(missing));
        }
        Ok(Layout { kind, index, ignored })
    }

    pub fn index(&self, col: Col) -> Option<usize> {
        self.index.iter().find(|(c, _)| *c == col).map(|(_, k)| *k)
    }

    pub fn has(&self, col: Col) -> bool {
        self.index(col).is_some()
    }
}

/// The template header, with the column's French header.
pub fn header(kind: Kind, col: Col) -> &'static str {
    kind.columns().iter().find(|c| c.col == col).map_or("", |c| c.header)
}

/// A header compared without case, accents, punctuation, a trailing `*` or a unit in brackets.
fn header_key(header: &str) -> String {
    let folded = fold(header);
    let cut = folded.split('(').next().unwrap_or_default();
    cut.split(|c: char| !c.is_ascii_alphanumeric() && c != '°').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The template of a kind: its header row, as French spreadsheet programs open it directly
/// (UTF-8 with BOM, `;`, CRLF).
pub fn template(kind: Kind) -> String {
    let headers: Vec<&str> = kind.columns().iter().map(|c| c.header).collect();
    format!("\u{FEFF}{}\r\n", headers.join(";"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn headers(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| (*s).to_owned()).collect()
    }

    #[rstest]
    #[case::template_headers(&["Prénom", "Nom", "Téléphone", "Commune"], Col::Phone, Some(2))]
    #[case::no_case_no_accents(&["PRENOM", "nom", "telephone", "COMMUNE"], Col::Phone, Some(2))]
    #[case::alias_and_star(&["Prénom *", "Nom*", "Tél.", "Ville"], Col::Phone, Some(2))]
    #[case::unit_in_brackets(&["Prénom", "Nom", "Tel", "Commune", "Rayon (km)"], Col::Radius, Some(4))]
    #[case::other_unit(&["Prénom", "Nom", "Tel", "Commune", "rayon (kilomètres)"], Col::Radius, Some(4))]
    #[case::absent_optional(&["Prénom", "Nom", "Tel", "Commune"], Col::Radius, None)]
    fn volunteer_headers(#[case] h: &[&str], #[case] col: Col, #[case] at: Option<usize>) {
        assert_eq!(Layout::new(Kind::Volunteers, &headers(h)).unwrap().index(col), at);
    }

    #[test]
    fn unknown_headers_are_listed_and_required_ones_named() {
        let l = Layout::new(Kind::Volunteers, &headers(&["Prénom", "Nom", "Tel", "Commune", "Remarques", ""])).unwrap();
        assert_eq!(l.ignored, ["Remarques"]);
        let e = Layout::new(Kind::Residents, &headers(&["Prénom", "Nom", "Commune"])).unwrap_err();
        let FileError::MissingColumns(missing) = e else { panic!("{e:?}") };
        assert_eq!(
            missing,
            ["Adresse", "Isolement", "Date du consentement", "Forme du consentement", "Consentement recueilli par"]
        );
        let e = Layout::new(Kind::Volunteers, &headers(&["Prénom", "Nom", "Tel", "Téléphone", "Commune"])).unwrap_err();
        assert_eq!(e, FileError::DuplicateColumn("Téléphone".into()));
    }

    /// Each kind's template reads back as that kind, with every column found.
    #[rstest]
    fn templates_read_back(#[values(Kind::Residents, Kind::Volunteers)] kind: Kind) {
        let table = crate::table::read(template(kind).as_bytes()).unwrap();
        let layout = Layout::new(kind, &table.headers).unwrap();
        assert!(layout.ignored.is_empty());
        for c in kind.columns() {
            assert!(layout.has(c.col), "{}", c.header);
        }
        // No alias of one column is the header of another.
        for c in kind.columns() {
            for other in kind.columns().iter().filter(|o| o.col != c.col) {
                assert!(
                    other.aliases.iter().all(|a| header_key(a) != header_key(c.header)),
                    "{} / {a:?}",
                    c.header,
                    a = other.aliases
                );
            }
        }
    }
}
