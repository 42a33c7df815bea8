// Every page of the app, for the checks that must cover all of them (accessibility, language).
// Keep in step with the routes of app/src/lib.rs; the Rust test `every_page_in_both_languages`
// covers the same list on the server side.
// `login`: the page needs a logged-in account (the tests use the demo admin, who may see all).
export const PAGES = [
  { path: '/', name: 'territory', status: 200 },
  { path: '/connexion', name: 'login', status: 200 },
  { path: '/inscription', name: 'enrolment', status: 200 },
  { path: '/accueil', name: 'home', status: 200, login: true },
  { path: '/comptes', name: 'accounts', status: 200, login: true },
  { path: '/comptes/1', name: 'account', status: 200, login: true },
  { path: '/journal', name: 'audit log', status: 200, login: true },
  { path: '/page-qui-n-existe-pas', name: 'not found', status: 404 },
];
