//! What belongs to a scope. A scope is a set of communes with its ambassadors and volunteers:
//! a resident belongs to the scope of their commune (so a commune in no scope puts its
//! residents in none), a volunteer to the scope of their record. A caller acts on a record
//! only if both are in one and the same scope: "no scope" never matches "no scope".

use crate::domain::ScopeId;

/// Whether a record in `record_scope` is the business of a caller in `caller_scope`.
pub fn same(record_scope: Option<ScopeId>, caller_scope: Option<ScopeId>) -> bool {
    record_scope.is_some() && record_scope == caller_scope
}

/// What giving a commune to a scope does, decided from the scope it is in now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assignment {
    /// It is already there: nothing to write.
    Unchanged,
    /// It was in no scope: it joins `target`.
    Added,
    /// It leaves `from` for `target`, with its residents, open visits and history (a resident
    /// belongs to the scope of their commune); binômes whose volunteer stays in `from` are
    /// kept (see [`split`]).
    Moved { from: ScopeId },
}

/// Giving `commune` (now in `current`) to `target`. A commune belongs to at most one scope:
/// taking one from another scope needs the explicit `moving` ("déplacer"), otherwise it is
/// refused with the scope that holds it.
pub fn assign(current: Option<ScopeId>, target: ScopeId, moving: bool) -> Result<Assignment, ScopeId> {
    match current {
        Some(now) if now == target => Ok(Assignment::Unchanged),
        None => Ok(Assignment::Added),
        Some(from) if moving => Ok(Assignment::Moved { from }),
        Some(other) => Err(other),
    }
}

/// Whether a binôme is split between two scopes: the resident (by their commune) and their
/// volunteer are in different scopes, after a commune moved or a volunteer changed scope.
/// Such a pair is kept (continuity comes first) and shown to the ambassadors of both scopes.
pub fn split(resident_scope: Option<ScopeId>, volunteer_scope: ScopeId) -> bool {
    resident_scope != Some(volunteer_scope)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const NORD: ScopeId = ScopeId(1);
    const SUD: ScopeId = ScopeId(2);

    #[rstest]
    #[case::already_there(Some(NORD), NORD, false, Ok(Assignment::Unchanged))]
    #[case::already_there_moving(Some(NORD), NORD, true, Ok(Assignment::Unchanged))]
    #[case::in_no_scope(None, NORD, false, Ok(Assignment::Added))]
    #[case::in_no_scope_moving(None, NORD, true, Ok(Assignment::Added))]
    #[case::in_another_scope(Some(SUD), NORD, false, Err(SUD))]
    #[case::moved_from_another_scope(Some(SUD), NORD, true, Ok(Assignment::Moved { from: SUD }))]
    fn assignment(
        #[case] current: Option<ScopeId>,
        #[case] target: ScopeId,
        #[case] moving: bool,
        #[case] expected: Result<Assignment, ScopeId>,
    ) {
        assert_eq!(assign(current, target, moving), expected);
    }

    #[rstest]
    #[case::same_scope(Some(NORD), NORD, false)]
    #[case::commune_moved_away(Some(SUD), NORD, true)]
    #[case::commune_in_no_scope(None, NORD, true)]
    fn split_pairs(#[case] resident: Option<ScopeId>, #[case] volunteer: ScopeId, #[case] is_split: bool) {
        assert_eq!(split(resident, volunteer), is_split);
    }

    #[rstest]
    #[case::same_scope(Some(ScopeId(1)), Some(ScopeId(1)), true)]
    #[case::another_scope(Some(ScopeId(2)), Some(ScopeId(1)), false)]
    #[case::record_in_no_scope(None, Some(ScopeId(1)), false)]
    #[case::caller_in_no_scope(Some(ScopeId(1)), None, false)]
    #[case::neither_in_a_scope(None, None, false)]
    fn membership(#[case] record: Option<ScopeId>, #[case] caller: Option<ScopeId>, #[case] member: bool) {
        assert_eq!(same(record, caller), member);
    }
}
