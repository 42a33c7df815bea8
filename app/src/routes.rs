//! Every route the server answers, in one table: method, stable path, handler kind, who may
//! call it, and whether a response may be cached. The server builds its access control from
//! this table (a request that matches no entry is a 404), and a test checks that the table
//! and the routes the server actually serves are the same set, so a route cannot be added
//! without a rule.

use crate::auth::{Access, Caching, Role, RouteKind, RouteSpec};

const AMBASSADOR_OR_ADMIN: &[Role] = &[Role::Ambassador, Role::Admin];
const ADMIN: &[Role] = &[Role::Admin];
const CARD_READERS: &[Role] = &[Role::Volunteer, Role::Ambassador];
const VOLUNTEER: &[Role] = &[Role::Volunteer];
const AMBASSADOR: &[Role] = &[Role::Ambassador];
const COORDINATOR: &[Role] = &[Role::Coordinator];

const fn route(method: &'static str, path: &'static str, kind: RouteKind, access: Access) -> RouteSpec {
    let caching = match access {
        Access::Public => Caching::Public,
        _ => Caching::NoStore,
    };
    RouteSpec { method, path, kind, access, caching }
}

const fn page(path: &'static str, access: Access) -> RouteSpec {
    route("GET", path, RouteKind::Page, access)
}

/// A volunteer page that must open offline: its HTML holds no personal data.
const fn volunteer_shell(path: &'static str) -> RouteSpec {
    RouteSpec { method: "GET", path, kind: RouteKind::Page, access: Access::Roles(VOLUNTEER), caching: Caching::Shell }
}

const fn server_fn(path: &'static str, access: Access) -> RouteSpec {
    route("POST", path, RouteKind::ServerFn, access)
}

const fn public_file(path: &'static str) -> RouteSpec {
    route("GET", path, RouteKind::Static, Access::Public)
}

pub const ROUTES: &[RouteSpec] = &[
    // Plain handlers and the offline shell's files.
    route("GET", "/healthz", RouteKind::Handler, Access::Public),
    route("GET", "/sw.js", RouteKind::Handler, Access::Public),
    route("GET", "/lang/{code}", RouteKind::Handler, Access::Public),
    public_file("/style.css"),
    public_file("/boot.js"),
    public_file("/vault.js"),
    public_file("/manifest.webmanifest"),
    public_file("/pkg/{*path}"),
    public_file("/icons/{*path}"),
    // Pages.
    page("/", Access::Public),
    page("/connexion", Access::Public),
    page("/accessibilite", Access::Public),
    page("/inscription", Access::Public),
    page("/accueil", Access::AnyUser),
    page("/comptes", Access::Roles(AMBASSADOR_OR_ADMIN)),
    page("/comptes/{id}", Access::Roles(AMBASSADOR_OR_ADMIN)),
    page("/journal", Access::Roles(ADMIN)),
    // Setting up the territory: scopes, their communes and ambassadors, and their form posts
    // (answered with a redirect to the page, which says what was done or refused).
    page("/territoire", Access::Roles(ADMIN)),
    route("POST", "/territoire/secteur", RouteKind::Handler, Access::Roles(ADMIN)),
    route("POST", "/territoire/commune", RouteKind::Handler, Access::Roles(ADMIN)),
    route("POST", "/territoire/ambassadeur", RouteKind::Handler, Access::Roles(ADMIN)),
    route("POST", "/territoire/rattachement", RouteKind::Handler, Access::Roles(ADMIN)),
    page("/import", Access::Roles(AMBASSADOR_OR_ADMIN)),
    route("POST", "/import/essai", RouteKind::Handler, Access::Roles(AMBASSADOR_OR_ADMIN)),
    route("POST", "/import/appliquer", RouteKind::Handler, Access::Roles(AMBASSADOR_OR_ADMIN)),
    route("GET", "/import/modele-residents.csv", RouteKind::Handler, Access::Roles(AMBASSADOR_OR_ADMIN)),
    route("GET", "/import/modele-benevoles.csv", RouteKind::Handler, Access::Roles(AMBASSADOR_OR_ADMIN)),
    // The alert address of an ambassador's or coordinator's account (a plain form post).
    route("POST", "/comptes/courriel", RouteKind::Handler, Access::Roles(ADMIN)),
    page("/a-verifier", Access::Roles(AMBASSADOR)),
    // Its "reviewed" buttons (plain form posts, answered with a redirect).
    route("POST", "/a-verifier/vu", RouteKind::Handler, Access::Roles(AMBASSADOR)),
    // ...and "record it" for what a removed phone sent (applied as the phone would have).
    route("POST", "/a-verifier/enregistrer", RouteKind::Handler, Access::Roles(AMBASSADOR)),
    page("/planification", Access::Roles(AMBASSADOR)),
    page("/signalements", Access::Roles(AMBASSADOR)),
    // Its "take in hand" and "mark resolved" buttons (plain form posts, answered with a redirect).
    route("POST", "/signalements/suivi", RouteKind::Handler, Access::Roles(AMBASSADOR)),
    page("/planification/feuille", Access::Roles(AMBASSADOR)),
    page("/planification/saisie", Access::Roles(AMBASSADOR)),
    // The publish button of the planning page: a plain form post, answered with a redirect.
    route("POST", "/planification/publier", RouteKind::Handler, Access::Roles(AMBASSADOR)),
    // Its "assign to a volunteer" and "remove" buttons (locks), the same way.
    route("POST", "/planification/verrou", RouteKind::Handler, Access::Roles(AMBASSADOR)),
    // A report entered for a volunteer without a smartphone, the same way.
    route("POST", "/planification/saisir", RouteKind::Handler, Access::Roles(AMBASSADOR)),
    // The scope's residents and volunteers, their forms, and the forms' plain posts (answered
    // with a redirect, or the form again with what was typed and the error).
    page("/personnes", Access::Roles(AMBASSADOR)),
    // Its search, posted (it may hold a name): the page again, filtered.
    route("POST", "/personnes/recherche", RouteKind::Handler, Access::Roles(AMBASSADOR)),
    page("/personnes/fiche", Access::Roles(AMBASSADOR)),
    page("/benevoles/fiche", Access::Roles(AMBASSADOR)),
    // Right of access: everything held on one resident, as a page and as JSON.
    page("/personnes/dossier", Access::Roles(AMBASSADOR)),
    route("GET", "/personnes/dossier.json", RouteKind::Handler, Access::Roles(AMBASSADOR)),
    route("POST", "/personnes/enregistrer", RouteKind::Handler, Access::Roles(AMBASSADOR)),
    // A resident withdrew their consent: their personal data is erased (a plain form post).
    route("POST", "/personnes/retrait", RouteKind::Handler, Access::Roles(AMBASSADOR)),
    // The home placed on the commune's map of the resident's page (a plain form post).
    route("POST", "/personnes/domicile", RouteKind::Handler, Access::Roles(AMBASSADOR)),
    route("POST", "/benevoles/enregistrer", RouteKind::Handler, Access::Roles(AMBASSADOR)),
    route("POST", "/benevoles/secteur", RouteKind::Handler, Access::Roles(AMBASSADOR)),
    // A volunteer's absence added or removed by the ambassador (a plain form post).
    route("POST", "/benevoles/absence", RouteKind::Handler, Access::Roles(AMBASSADOR)),
    page("/benevoles/relais", Access::Roles(AMBASSADOR)),
    route("POST", "/benevoles/relayer", RouteKind::Handler, Access::Roles(AMBASSADOR)),
    // Coverage of the territory (coordinators), and its CSV export (a plain download).
    page("/coordination", Access::Roles(COORDINATOR)),
    route("GET", "/coordination/indicateurs.csv", RouteKind::Handler, Access::Roles(COORDINATOR)),
    volunteer_shell("/tournee"),
    volunteer_shell("/personne"),
    volunteer_shell("/compte-rendu"),
    volunteer_shell("/absences"),
    // Server functions.
    route("GET", "/api/v1/territory", RouteKind::ServerFn, Access::Public),
    server_fn("/api/v1/status", Access::Public),
    server_fn("/api/v1/login", Access::Public),
    server_fn("/api/v1/logout", Access::Public),
    server_fn("/api/v1/session", Access::AnyUser),
    server_fn("/api/v1/enrolment/info", Access::Public),
    server_fn("/api/v1/enrolment/complete", Access::Public),
    server_fn("/api/v1/accounts/list", Access::Roles(AMBASSADOR_OR_ADMIN)),
    server_fn("/api/v1/accounts/candidates", Access::Roles(AMBASSADOR_OR_ADMIN)),
    server_fn("/api/v1/accounts/create", Access::Roles(AMBASSADOR_OR_ADMIN)),
    server_fn("/api/v1/accounts/get", Access::Roles(AMBASSADOR_OR_ADMIN)),
    server_fn("/api/v1/accounts/set-disabled", Access::Roles(AMBASSADOR_OR_ADMIN)),
    server_fn("/api/v1/accounts/enrolment-link", Access::Roles(AMBASSADOR_OR_ADMIN)),
    server_fn("/api/v1/devices/revoke", Access::Roles(AMBASSADOR_OR_ADMIN)),
    server_fn("/api/v1/accounts/alert-email", Access::Roles(ADMIN)),
    server_fn("/api/v1/audit/list", Access::Roles(ADMIN)),
    server_fn("/api/v1/setup/view", Access::Roles(ADMIN)),
    server_fn("/api/v1/import/view", Access::Roles(AMBASSADOR_OR_ADMIN)),
    server_fn("/api/v1/residents/card", Access::Roles(CARD_READERS)),
    server_fn("/api/v1/review/list", Access::Roles(AMBASSADOR)),
    server_fn("/api/v1/planning/preview", Access::Roles(AMBASSADOR)),
    server_fn("/api/v1/concerns/list", Access::Roles(AMBASSADOR)),
    server_fn("/api/v1/planning/round-sheet", Access::Roles(AMBASSADOR)),
    server_fn("/api/v1/planning/visit-entry", Access::Roles(AMBASSADOR)),
    server_fn("/api/v1/people/list", Access::Roles(AMBASSADOR)),
    server_fn("/api/v1/people/resident", Access::Roles(AMBASSADOR)),
    server_fn("/api/v1/people/volunteer", Access::Roles(AMBASSADOR)),
    server_fn("/api/v1/people/handover", Access::Roles(AMBASSADOR)),
    server_fn("/api/v1/people/dossier", Access::Roles(AMBASSADOR)),
    server_fn("/api/v1/coverage/view", Access::Roles(COORDINATOR)),
    // Sync (stable, versioned paths: phones with an old cached build call them).
    server_fn("/api/sync/v1/push", Access::RolesOrRevoked(VOLUNTEER)),
    server_fn("/api/sync/v1/pull", Access::Roles(VOLUNTEER)),
];

/// The pages a volunteer's phone keeps for offline use (warmed into the service worker's cache
/// after login).
pub const VOLUNTEER_SHELLS: &[&str] = &["/tournee", "/personne", "/compte-rendu", "/absences"];

/// The entry that answers `method` `path`, if any.
pub fn find(method: &str, path: &str) -> Option<&'static RouteSpec> {
    ROUTES.iter().find(|r| r.matches(method, path))
}

/// Whether some entry has this path with another method (for 405 answers).
pub fn path_known(path: &str) -> bool {
    ROUTES.iter().any(|r| crate::auth::path_matches(r.path, path))
}

/// Where a page may send the browser after an action (the login's `retour`, the language
/// switch's `to`): a path of this site, or `None`. Browsers drop tabs and line breaks from
/// URLs and read `\` as `/`, so `/<tab>/evil.example/` or `/\evil.example` would leave the
/// site: any control character, white space or backslash is refused, also once
/// percent-decoded (as a second decoding could read it), and so is a second leading slash.
pub fn safe_return_path(path: &str) -> Option<&str> {
    fn acceptable(p: &str) -> bool {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    }
    let mut text = path.to_owned();
    for _ in 0..3 {
        if !acceptable(&text) {
            return None;
        }
        match percent_decoded(&text) {
            Some(next) if next != text => text = next,
            Some(_) => return Some(path),
            None => return None,
        }
    }
    None
}

/// `%XX` sequences decoded (as UTF-8, lossily); `None` for a malformed one.
fn percent_decoded(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_paths() {
        for (input, expected) in [
            ("/comptes", Some("/comptes")),
            ("/personnes/fiche?id=3&x=%C3%A9", Some("/personnes/fiche?id=3&x=%C3%A9")),
            ("/planification?semaine=2026-12-07", Some("/planification?semaine=2026-12-07")),
            ("/", Some("/")),
            ("//evil.example/", None),
            ("/\\evil.example/", None),
            ("/\tevil", None),
            ("/\t/evil.example/", None),
            ("/\n/evil.example/", None),
            ("/\r/evil.example/", None),
            ("/%09/evil.example/", None),
            ("/%0a/evil.example/", None),
            ("/%0D/evil.example/", None),
            ("/%2F/evil.example/", None),
            ("/%5Cevil.example/", None),
            ("/%252F%252Fevil.example/", None),
            ("/%25250a/evil.example/", None),
            ("/% /x", None),
            ("/%zz", None),
            ("/ /evil.example", None),
            ("/\u{a0}/evil.example", None),
            ("/\u{2028}x", None),
            ("https://evil.example/", None),
            ("javascript:alert(1)", None),
            ("evil.example", None),
            ("", None),
        ] {
            assert_eq!(safe_return_path(input), expected, "{input:?}");
        }
    }

    #[test]
    fn no_two_entries_overlap() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(!(a.method == b.method && a.path == b.path), "{} {} twice", a.method, a.path);
            }
        }
    }

    #[test]
    fn personal_routes_are_never_cached() {
        for r in ROUTES {
            if r.access != Access::Public {
                // Only page shells (no personal data in their HTML) may be kept offline.
                assert!(
                    r.caching == Caching::NoStore || (r.caching == Caching::Shell && r.kind == RouteKind::Page),
                    "{}",
                    r.path
                );
            }
        }
    }

    /// The offline pages of a volunteer, which the app asks the service worker to keep.
    #[test]
    fn shells_are_the_volunteer_pages() {
        let shells: Vec<&str> = ROUTES.iter().filter(|r| r.caching == Caching::Shell).map(|r| r.path).collect();
        assert_eq!(shells, VOLUNTEER_SHELLS);
    }

    #[test]
    fn lookups() {
        assert_eq!(find("GET", "/comptes/3").map(|r| r.path), Some("/comptes/{id}"));
        assert_eq!(find("HEAD", "/").map(|r| r.path), Some("/"));
        assert!(find("POST", "/").is_none());
        assert!(path_known("/"));
        assert!(find("GET", "/nope").is_none());
    }
}
