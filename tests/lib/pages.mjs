// Every page of the app, for the checks that must cover all of them (accessibility, language).
// Keep in step with the routes of app/src/lib.rs; the Rust test `every_page_in_both_languages`
// covers the same list on the server side.
// `as`: the demo account that may see the page (`admin`, `ambassador`, `volunteer`); a page
// without it is public. `ready`: what to wait for before checking (islands fill some pages).
// `{resident}` in a path: a resident of the demo volunteer (found by pages.test.mjs).
export const PAGES = [
  { path: '/', name: 'territory', status: 200 },
  { path: '/connexion', name: 'login', status: 200 },
  { path: '/accessibilite', name: 'accessibility statement', status: 200 },
  { path: '/inscription', name: 'enrolment', status: 200 },
  { path: '/accueil', name: 'home', status: 200, as: 'admin', ready: '[data-testid="home-hello"]' },
  { path: '/comptes', name: 'accounts', status: 200, as: 'admin' },
  { path: '/comptes/1', name: 'account', status: 200, as: 'admin' },
  { path: '/comptes/3', name: 'account with its alert address (the demo ambassador)', status: 200, as: 'admin', ready: '[data-testid="email-form"]' },
  { path: '/journal', name: 'audit log', status: 200, as: 'admin' },
  { path: '/territoire', name: 'territory set-up', status: 200, as: 'admin', ready: '[data-testid="new-scope"]' },
  { path: '/territoire?erreur=commune.in_another_scope', name: 'territory set-up with a refusal', status: 200, as: 'admin', ready: '[data-testid="setup-refused"]' },
  { path: '/import', name: 'import (admin: the scope to choose)', status: 200, as: 'admin', ready: '[data-testid="import-upload"]' },
  { path: '/a-verifier', name: 'review (a flagged report, see pages.test.mjs)', status: 200, as: 'ambassador', ready: '[data-testid="quarantined"] button' },
  { path: '/planification', name: 'planning', status: 200, as: 'ambassador', ready: '[data-testid="planning-summary"]' },
  { path: '/planification?vue=jour', name: 'planning by day', status: 200, as: 'ambassador', ready: '[data-testid="planning-summary"]' },
  { path: '/signalements', name: 'concerns', status: 200, as: 'ambassador' },
  { path: '/planification/feuille', name: 'printed round (no volunteer chosen)', status: 200, as: 'ambassador' },
  { path: '/planification/saisie', name: 'report entry (no visit chosen)', status: 404, as: 'ambassador' },
  { path: '/personnes', name: 'people', status: 200, as: 'ambassador' },
  { path: '/personnes/fiche', name: 'register a person', status: 200, as: 'ambassador', ready: '[data-testid="resident-form"]' },
  { path: '/personnes/dossier', name: 'right of access (no person chosen)', status: 404, as: 'ambassador' },
  { path: '/benevoles/fiche', name: 'add a volunteer', status: 200, as: 'ambassador', ready: '[data-testid="volunteer-form"]' },
  { path: '/benevoles/relais?id=48', name: 'hand over (the demo volunteer of the first scope)', status: 200, as: 'ambassador', ready: '[data-testid="handover-form"]' },
  { path: '/coordination', name: 'coverage', status: 200, as: 'coordinator', ready: '[data-testid="coverage-map"]' },
  { path: '/tournee', name: 'round', status: 200, as: 'volunteer', ready: '[data-testid="visit"]' },
  { path: '/personne', name: 'my people', status: 200, as: 'volunteer', ready: '[data-testid="person"]' },
  { path: '/personne?id={resident}', name: 'card', status: 200, as: 'volunteer', ready: '[data-testid="resident-card"]' },
  { path: '/personne?id=999999', name: 'card of a person not on the phone', status: 200, as: 'volunteer', ready: '[data-testid="unknown-person"]' },
  { path: '/compte-rendu?personne={resident}', name: 'report', status: 200, as: 'volunteer', ready: '[data-testid="report-form"]' },
  { path: '/absences', name: 'absences', status: 200, as: 'volunteer', ready: '[data-testid="absence-form"]' },
  { path: '/page-qui-n-existe-pas', name: 'not found', status: 404 },
];
