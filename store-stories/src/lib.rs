//! The storage contract, as stories: one suite per storage trait, written against the traits
//! only, each story starting from an empty store (and, most of them, the small territory of
//! [`fixture`]). Every backend runs the whole suite through [`story_suite!`]:
//!
//! ```text
//! async fn open() -> (impl Drop, Arc<dyn Store>) { /* a fresh, empty store */ }
//! monalisa_store_stories::story_suite!(open);
//! ```
//!
//! The suite also checks that every method of every storage trait appears in a story
//! ([`coverage::untold`]), so a method added to a trait without a story fails the build's tests.

pub mod accounts;
pub mod alerts;
pub mod coverage;
pub mod fixture;
pub mod geocoding;
pub mod people;
pub mod planning;
pub mod privacy;
pub mod sync;
pub mod territory;

/// The storage traits' sources and the stories' sources, for [`untold`].
const TRAITS: &[&str] = &[
    include_str!("../../store/src/territory.rs"),
    include_str!("../../store/src/accounts.rs"),
    include_str!("../../store/src/sync.rs"),
    include_str!("../../store/src/people.rs"),
    include_str!("../../store/src/planning.rs"),
    include_str!("../../store/src/privacy.rs"),
    include_str!("../../store/src/coverage.rs"),
    include_str!("../../store/src/alerts.rs"),
    include_str!("../../store/src/geocoding.rs"),
];
const STORIES: &[&str] = &[
    include_str!("territory.rs"),
    include_str!("accounts.rs"),
    include_str!("sync.rs"),
    include_str!("people.rs"),
    include_str!("planning.rs"),
    include_str!("privacy.rs"),
    include_str!("coverage.rs"),
    include_str!("alerts.rs"),
    include_str!("geocoding.rs"),
];
const FIXTURE: &str = include_str!("fixture.rs");

/// The trait methods no story calls (`.name(` nowhere in the stories).
pub fn untold() -> Vec<String> {
    let stories = STORIES.concat() + FIXTURE;
    TRAITS
        .iter()
        .flat_map(|t| t.split("async fn ").skip(1))
        .filter_map(|rest| rest.split(['(', '<']).next())
        .filter(|name| !stories.contains(&format!(".{name}(")))
        .map(str::to_owned)
        .collect()
}

/// The stories written in the suite's modules but missing from [`story_suite!`]'s list.
pub fn unlisted(listed: &[&str]) -> Vec<String> {
    STORIES
        .iter()
        .flat_map(|s| s.split("\npub async fn ").skip(1))
        .filter(|rest| rest.contains("(store: &dyn Store)"))
        .filter_map(|rest| rest.split('(').next())
        .filter(|name| !listed.contains(name))
        .map(str::to_owned)
        .collect()
}

/// Runs every story against a backend: `$open` is an async function returning a guard (kept
/// alive for the story: a temporary directory, a database) and an empty `Arc<dyn Store>`.
#[macro_export]
macro_rules! story_suite {
    ($open:path) => {
        $crate::story_suite!(@stories $open;
            territory::an_empty_store_answers_and_counts_nothing,
            territory::communes_load_once,
            territory::a_population_imports_whole_and_counts,
            territory::a_second_import_of_the_same_ids_fails_and_changes_nothing,
            territory::an_import_naming_an_unknown_commune_is_refused_whole,
            territory::scopes_know_their_communes_and_outlines,
            territory::scopes_are_set_up_from_nothing,
            territory::a_commune_changes_scope_only_from_where_it_was,
            territory::ambassadors_are_created_attached_and_detached,
            territory::a_volunteer_moves_between_scopes_with_their_history,
            territory::a_secret_is_made_once_and_kept,
            territory::closing_is_clean,
            territory::a_lease_stays_with_its_holder,
            accounts::an_account_links_to_its_person_and_scope,
            accounts::a_login_taken_is_a_conflict,
            accounts::accounts_are_listed_by_scope,
            accounts::candidates_are_the_people_without_an_account,
            accounts::a_password_is_set_and_an_unknown_account_is_not_found,
            accounts::disabling_an_account_ends_its_sessions,
            accounts::an_alert_address_is_set_and_cleared,
            accounts::an_enrolment_link_works_once,
            accounts::only_the_newest_unexpired_link_works,
            accounts::a_device_belongs_to_its_account,
            accounts::revoking_a_device_ends_its_sessions,
            accounts::a_session_is_refreshed_then_ended,
            accounts::the_audit_trail_filters_and_pages_newest_first,
            accounts::failed_logins_are_counted_per_key_within_their_window,
            sync::a_report_is_applied_once_however_often_it_is_sent,
            sync::an_invalid_report_is_rejected_and_recorded_nowhere,
            sync::a_revoked_phone_is_quarantined_then_released,
            sync::a_report_about_someone_not_given_is_set_aside,
            sync::the_first_pull_is_a_snapshot_of_what_the_phone_may_see,
            sync::a_pull_pages_and_then_follows_changes,
            sync::a_revoked_phone_sees_nothing,
            sync::a_volunteer_hands_over_and_their_phone_drops_everything,
            sync::a_flagged_report_is_reviewed_once,
            sync::an_absence_and_a_declined_visit_apply,
            sync::the_pull_gives_what_the_visibility_rule_allows,
            people::records_read_back_as_imported,
            people::a_card_holds_what_the_door_needs,
            people::a_scope_lists_its_own_people,
            people::a_new_resident_is_registered_with_consent,
            people::a_resident_form_outside_the_scope_is_refused,
            people::an_edit_keeps_the_consent_on_record,
            people::a_home_is_placed_within_the_scope,
            people::a_volunteer_is_saved_within_the_scope,
            people::absences_are_managed_and_the_visits_they_hit_listed,
            people::an_import_is_applied_once_and_only_as_checked,
            planning::a_scope_plans_its_active_people,
            planning::the_last_visit_done_is_given_with_each_resident,
            planning::publishing_replaces_the_weeks_planned_visits,
            planning::a_round_for_another_scopes_volunteer_is_refused,
            planning::a_lock_is_set_moved_and_removed,
            planning::a_paper_round_visit_is_found_for_its_report,
            privacy::withdrawing_consent_erases_the_person_and_keeps_the_row,
            privacy::the_history_lists_visits_and_reports_oldest_first,
            privacy::only_ended_follow_ups_past_the_cutoff_are_purged,
            privacy::a_person_with_something_to_review_is_not_purged,
            privacy::the_purge_checks_the_rule_again_as_it_erases,
            privacy::the_purge_takes_what_the_retention_rule_allows,
            coverage::the_coverage_data_holds_the_territory_without_names,
            coverage::the_last_plans_unserved_replace_the_previous_ones,
            coverage::binomes_are_kept_over_time,
            alerts::a_concern_is_acknowledged_then_resolved_once,
            alerts::a_new_concern_is_announced_to_the_scopes_ambassadors_once,
            alerts::an_open_concern_escalates_to_the_coordinators_once,
            geocoding::homes_an_import_queues_are_located_once_under_a_lease,
            geocoding::a_position_given_meanwhile_wins_and_the_queue_forgets_withdrawn_consent,
        );

        #[test]
        fn every_trait_method_has_a_story() {
            let untold = $crate::untold();
            assert!(untold.is_empty(), "storage methods without a story: {untold:?}");
        }
    };
    (@stories $open:path; $($module:ident :: $story:ident,)*) => {
        #[test]
        fn every_story_is_in_the_suite() {
            let unlisted = $crate::unlisted(&[$(stringify!($story)),*]);
            assert!(unlisted.is_empty(), "stories missing from story_suite!: {unlisted:?}");
        }

        $(
            #[tokio::test]
            async fn $story() {
                let (_guard, store) = $open().await;
                $crate::$module::$story(&*store).await;
            }
        )*
    };
}
