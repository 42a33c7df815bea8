//! A card holding one table under its heading and a short explanation: the table scrolls
//! sideways at 360 px inside a keyboard-reachable region named by the heading (axe's
//! `scrollable-region-focusable`); the card itself is no landmark, so its name is not repeated.

use leptos::prelude::*;

pub fn card_table(
    id: &'static str,
    testid: &'static str,
    title: &'static str,
    intro: &'static str,
    headers: &[&'static str],
    rows: AnyView,
) -> AnyView {
    let headers = headers.iter().map(|h| view! { <th scope="col">{*h}</th> }).collect_view();
    view! {
        <section class="card" data-testid=testid>
            <h2 id=id>{title}</h2>
            <p>{intro}</p>
            <div class="table-scroll" role="region" aria-labelledby=id tabindex="0">
                <table>
                    <thead><tr>{headers}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}
