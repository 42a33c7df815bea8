//! Who is calling: roles, the session a phone keeps, and the access rules of every route.
//!
//! - **Role**: each account has exactly one (volunteer, ambassador, coordinator, admin).
//! - **Device**: a browser that logged in; it can be revoked, which ends its sessions and makes
//!   the app wipe what it stored locally at its next contact with the server.
//! - **Session**: a long-lived cookie (the app opens offline for weeks), tied to one device.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Volunteer,
    Ambassador,
    Coordinator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Volunteer, Role::Ambassador, Role::Coordinator, Role::Admin];

    pub const fn code(self) -> &'static str {
        match self {
            Role::Volunteer => "volunteer",
            Role::Ambassador => "ambassador",
            Role::Coordinator => "coordinator",
            Role::Admin => "admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Server-assigned id of an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

/// Server-assigned id of a registered device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeviceId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What the app knows about its logged-in user (kept on the phone to open offline).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: UserId,
    pub display_name: String,
    pub role: Role,
    pub device: DeviceId,
    // How the phone protects what it keeps, by the association's rules: set by the server at
    // login and at each session check; `public/vault.js` reads them from the phone's copy.
    /// The server's public key reports are sealed to (base64 of an uncompressed P-256 point).
    #[serde(default)]
    pub seal_key: String,
    /// The app locks after this many minutes without use.
    #[serde(default)]
    pub lock_minutes: u32,
    /// A phone that has not reached the server for this many days wipes its readable data.
    #[serde(default)]
    pub wipe_days: u32,
}

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, logged in or not.
    Public,
    /// Any logged-in account.
    AnyUser,
    /// Logged-in accounts with one of these roles.
    Roles(&'static [Role]),
    /// Like `Roles`, and also the session of a revoked device (whose last push goes to
    /// quarantine: nothing recorded is lost).
    RolesOrRevoked(&'static [Role]),
}

impl Access {
    pub fn allows(self, role: Role) -> bool {
        match self {
            Access::Public | Access::AnyUser => true,
            Access::Roles(roles) | Access::RolesOrRevoked(roles) => roles.contains(&role),
        }
    }
}

/// What kind of handler serves a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteKind {
    /// A Leptos page (server-rendered, hydrated).
    Page,
    /// A Leptos server function.
    ServerFn,
    /// A plain HTTP handler (health, worker, language switch).
    Handler,
    /// Static files under a prefix (path ends with `/{*path}`).
    Static,
}

/// May the service worker keep a copy of the response?
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caching {
    /// Public content: may be cached.
    Public,
    /// Never stored anywhere (`Cache-Control: no-store`): it holds personal data.
    NoStore,
    /// A page shell: the server renders no personal data in it (the app fills it on the
    /// phone from local data), so the service worker keeps it for offline use.
    Shell,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteSpec {
    pub method: &'static str,
    /// The stable path; `{name}` matches one segment, a final `{*name}` the rest.
    pub path: &'static str,
    pub kind: RouteKind,
    pub access: Access,
    pub caching: Caching,
}

impl RouteSpec {
    /// Does this spec answer `method` `path`?
    pub fn matches(&self, method: &str, path: &str) -> bool {
        (self.method == method || (self.method == "GET" && method == "HEAD")) && path_matches(self.path, path)
    }
}

/// Matches a path against a pattern with `{param}` segments and an optional final `{*rest}`.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let mut pat = pattern.split('/');
    let mut got = path.split('/');
    loop {
        match (pat.next(), got.next()) {
            (None, None) => return true,
            (Some(p), Some(g)) if p.starts_with("{*") => return !g.is_empty() || p == "{*}",
            (Some(p), Some(g)) if p.starts_with('{') && p.ends_with('}') => {
                if g.is_empty() {
                    return false;
                }
            }
            (Some(p), Some(g)) if p == g => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_patterns() {
        assert!(path_matches("/", "/"));
        assert!(path_matches("/comptes/{id}", "/comptes/12"));
        assert!(!path_matches("/comptes/{id}", "/comptes/"));
        assert!(!path_matches("/comptes/{id}", "/comptes/12/x"));
        assert!(path_matches("/pkg/{*path}", "/pkg/monalisa-1.js"));
        assert!(path_matches("/pkg/{*path}", "/pkg/a/b"));
        assert!(!path_matches("/pkg/{*path}", "/pkg/"));
        assert!(!path_matches("/api/v1/login", "/api/v1/login/x"));
    }

    #[test]
    fn access() {
        assert!(Access::Roles(&[Role::Admin]).allows(Role::Admin));
        assert!(!Access::Roles(&[Role::Admin]).allows(Role::Volunteer));
        assert!(Access::AnyUser.allows(Role::Coordinator));
    }
}
