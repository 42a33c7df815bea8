//! What belongs to a scope. A scope is a set of communes with its ambassadors and volunteers:
//! a resident belongs to the scope of their commune (so a commune in no scope puts its
//! residents in none), a volunteer to the scope of their record. A caller acts on a record
//! only if both are in one and the same scope: "no scope" never matches "no scope".

use crate::domain::ScopeId;

/// Whether a record in `record_scope` is the business of a caller in `caller_scope`.
pub fn same(record_scope: Option<ScopeId>, caller_scope: Option<ScopeId>) -> bool {
    record_scope.is_some() && record_scope == caller_scope
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

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
