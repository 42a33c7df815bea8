//! Setting up the territory (admins): scopes, the communes they cover, their ambassadors, and
//! what is still missing before a scope can work.

use crate::domain::{AmbassadorId, ScopeId};
use serde::{Deserialize, Serialize};

/// A commune, by code and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommuneRef {
    pub insee: String,
    pub name: String,
}

/// An ambassador, by id and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmbassadorRef {
    pub id: AmbassadorId,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeView {
    pub id: ScopeId,
    pub name: String,
    /// By name.
    pub communes: Vec<CommuneRef>,
    /// By name.
    pub ambassadors: Vec<AmbassadorRef>,
    /// Binômes with one side in this scope and the other in another (see `scope::split`).
    pub split_pairs: usize,
}

/// The admin's view of the territory's organisation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupView {
    /// By name.
    pub scopes: Vec<ScopeView>,
    /// The communes in no scope, by name: nobody can be registered there yet.
    pub free_communes: Vec<CommuneRef>,
    /// Ambassadors attached to no scope, by name.
    pub detached: Vec<AmbassadorRef>,
}

/// Something missing before the territory works, as the admin's home lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Gap {
    /// No scope at all: nothing can be registered or planned.
    NoScope,
    /// A scope nobody runs: its residents and volunteers have no ambassador.
    ScopeWithoutAmbassador { scope: String },
    /// A scope with no commune: nobody can belong to it.
    ScopeWithoutCommune { scope: String },
    /// Communes in no scope: nobody can be registered there.
    CommunesInNoScope { count: usize },
    /// Ambassadors attached to no scope: their accounts open no ambassador page.
    AmbassadorsWithoutScope { count: usize },
}

impl SetupView {
    /// What is still missing, in the order to fix it.
    pub fn gaps(&self) -> Vec<Gap> {
        let mut gaps = Vec::new();
        if self.scopes.is_empty() {
            gaps.push(Gap::NoScope);
        }
        for s in &self.scopes {
            if s.communes.is_empty() {
                gaps.push(Gap::ScopeWithoutCommune { scope: s.name.clone() });
            }
        }
        if !self.free_communes.is_empty() {
            gaps.push(Gap::CommunesInNoScope { count: self.free_communes.len() });
        }
        for s in &self.scopes {
            if s.ambassadors.is_empty() {
                gaps.push(Gap::ScopeWithoutAmbassador { scope: s.name.clone() });
            }
        }
        if !self.detached.is_empty() {
            gaps.push(Gap::AmbassadorsWithoutScope { count: self.detached.len() });
        }
        gaps
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn commune(n: u8) -> CommuneRef {
        CommuneRef { insee: format!("8600{n}"), name: format!("Commune {n}") }
    }

    fn ambassador(n: i64) -> AmbassadorRef {
        AmbassadorRef { id: AmbassadorId(n), name: format!("Ambassadeur {n}") }
    }

    fn scope(name: &str, communes: u8, ambassadors: i64) -> ScopeView {
        ScopeView {
            id: ScopeId(1),
            name: name.into(),
            communes: (1..=communes).map(commune).collect(),
            ambassadors: (1..=ambassadors).map(ambassador).collect(),
            split_pairs: 0,
        }
    }

    #[rstest]
    #[case::empty_install(vec![], 35, 0, vec![Gap::NoScope, Gap::CommunesInNoScope { count: 35 }])]
    #[case::a_scope_just_created(vec![scope("Nord", 0, 0)], 35, 0, vec![
        Gap::ScopeWithoutCommune { scope: "Nord".into() },
        Gap::CommunesInNoScope { count: 35 },
        Gap::ScopeWithoutAmbassador { scope: "Nord".into() },
    ])]
    #[case::communes_given_no_ambassador(vec![scope("Nord", 3, 0)], 32, 1, vec![
        Gap::CommunesInNoScope { count: 32 },
        Gap::ScopeWithoutAmbassador { scope: "Nord".into() },
        Gap::AmbassadorsWithoutScope { count: 1 },
    ])]
    #[case::all_set(vec![scope("Nord", 3, 1), scope("Sud", 2, 2)], 0, 0, vec![])]
    fn what_is_missing(
        #[case] scopes: Vec<ScopeView>,
        #[case] free: u8,
        #[case] detached: i64,
        #[case] expected: Vec<Gap>,
    ) {
        let view = SetupView {
            scopes,
            free_communes: (1..=free).map(commune).collect(),
            detached: (1..=detached).map(ambassador).collect(),
        };
        assert_eq!(view.gaps(), expected);
    }
}
