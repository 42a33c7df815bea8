// Every page of the app, for the checks that must cover all of them (accessibility, language).
// Keep in step with the routes of app/src/lib.rs; the Rust test `every_page_in_both_languages`
// covers the same list on the server side.
export const PAGES = [
  { path: '/', name: 'territory', status: 200 },
  { path: '/page-qui-n-existe-pas', name: 'not found', status: 404 },
];
