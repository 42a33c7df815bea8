//! The accessibility statement ("déclaration d'accessibilité", in the form the RGAA 4.1 asks
//! for), linked from every page's footer. Keep it true: no audit has been made, so the service
//! is "non conforme" whatever the automatic checks find; what those checks cover is said as it
//! is (see `tests/pages.test.mjs` and `tests/targets.test.mjs`).

use crate::env::use_env;
use crate::i18n::tr;
use leptos::prelude::*;
use leptos_meta::Title;

/// The day this statement was last checked against the product.
const ESTABLISHED: (&str, &str) = ("4 décembre 2026", "4 December 2026");

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let env = use_env();
    let lang = env.lang;
    let l = move |fr: &'static str, en: &'static str| tr(lang, fr, en);
    #[cfg(feature = "ssr")]
    let contact = crate::backend::server_context().ok().and_then(|c| c.settings.accessibility_contact.clone());
    #[cfg(not(feature = "ssr"))]
    let contact: Option<String> = None;
    let title = l("Déclaration d'accessibilité", "Accessibility statement");
    let report = match contact {
        Some(c) => view! {
            <p>
                {l("Écrivez à : ", "Write to: ")}<strong data-testid="accessibility-contact">{c}</strong>
                {l(". Dites quelle page, ce que vous vouliez faire, et avec quel appareil.",
                   ". Say which page, what you wanted to do, and on which device.")}
            </p>
        }
        .into_any(),
        None => view! {
            <p data-testid="accessibility-contact-missing">
                {l("Dites-le à votre ambassadeur ou à la coordination de la Convention Territoriale Globale, qui transmettront. (Le responsable de ce service n'a pas encore indiqué d'adresse où écrire directement.)",
                   "Tell your ambassador or the coordination of the Convention Territoriale Globale, who will pass it on. (The person in charge of this service has not given an address to write to directly yet.)")}
            </p>
        }
        .into_any(),
    };
    view! {
        <Title text=format!("{title} · {}", env.t(crate::i18n::Msg::AppName))/>
        <h1>{title}</h1>
        <p>{l("Les équipes citoyennes Monalisa du Civraisien en Poitou s'engagent à rendre Monalisa Visites accessible, conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005. Cette déclaration s'applique à l'application Monalisa Visites (ses pages sur le web et l'application installée sur les téléphones).",
              "The Monalisa citizen teams of the Civraisien en Poitou commit to making Monalisa Visites accessible, under article 47 of French law no. 2005-102 of 11 February 2005. This statement applies to the Monalisa Visites app (its web pages and the app installed on phones).")}</p>

        <h2>{l("État de conformité", "Compliance status")}</h2>
        <p data-testid="accessibility-status"><strong>{l("Monalisa Visites est non conforme avec le RGAA 4.1", "Monalisa Visites is not compliant with the RGAA 4.1")}</strong>
            {l(" : aucun audit de conformité n'a encore été réalisé.", ": no compliance audit has been made yet.")}</p>

        <h2>{l("Résultats des tests", "Test results")}</h2>
        <p>{l("En l'absence d'audit, aucun taux de conformité n'est établi. Chaque version est vérifiée automatiquement, dans Chromium, en français et en anglais, sur un écran de téléphone :",
              "Without an audit, no compliance rate is established. Every version is checked automatically, in Chromium, in French and English, on a phone-sized screen:")}</p>
        <ul>
            <li>{l("toutes les pages avec axe-core (règles des WCAG 2.0, 2.1 et 2.2, niveaux A et AA, et bonnes pratiques), y compris le formulaire de compte rendu rempli ;",
                   "every page with axe-core (WCAG 2.0, 2.1 and 2.2 rules, levels A and AA, and best practices), the report form included;")}</li>
            <li>{l("sur les pages des bénévoles, la taille de chaque élément actif (au moins 48 × 48 pixels) et une taille de texte au moins égale à celle du texte courant ;",
                   "on the volunteers' pages, the size of every interactive element (at least 48 × 48 pixels), and text at least the size of body text;")}</li>
            <li>{l("l'usage au clavier de la carte où l'on place un domicile (boutons Nord, Sud, Est, Ouest).",
                   "keyboard use of the map where a home is placed (North, South, East, West buttons).")}</li>
        </ul>
        <p>{l("Ces vérifications automatiques ne remplacent pas un audit : aucune vérification n'a encore été faite avec un lecteur d'écran ou par des personnes en situation de handicap.",
              "These automatic checks do not replace an audit: nothing has been checked with a screen reader, or by people with disabilities, yet.")}</p>

        <h2>{l("Contenus non accessibles", "Content that is not accessible")}</h2>
        <h3>{l("Non-conformités connues", "Known non-compliance")}</h3>
        <ul>
            <li>{l("Les cartes (couverture du territoire, tournées, domicile d'une personne) sont des images : les chiffres de la couverture et chaque tournée sont repris dans des tableaux à côté, mais la forme des communes et le tracé des trajets n'ont pas d'équivalent textuel.",
                   "The maps (territory coverage, rounds, a person's home) are images: the coverage figures and each round are given again in tables beside them, but the shape of the communes and the drawn routes have no text equivalent.")}</li>
            <li>{l("Les pages des bénévoles ont besoin de JavaScript et de WebAssembly (elles fonctionnent sans réseau) ; sans eux, elles disent seulement que le navigateur est trop ancien.",
                   "The volunteers' pages need JavaScript and WebAssembly (they work without a network); without them, they only say that the browser is too old.")}</li>
        </ul>
        <h3>{l("Dérogations pour charge disproportionnée", "Exemptions for disproportionate burden")}</h3>
        <p>{l("Aucune.", "None.")}</p>
        <h3>{l("Contenus non soumis à l'obligation d'accessibilité", "Content exempt from the accessibility obligation")}</h3>
        <p>{l("Aucun.", "None.")}</p>

        <h2>{l("Établissement de cette déclaration", "How this statement was made")}</h2>
        <p>{l("Cette déclaration a été établie le ", "This statement was made on ")}{l(ESTABLISHED.0, ESTABLISHED.1)}
            {l(". Technologies utilisées : HTML, CSS, SVG, JavaScript, WebAssembly. Outils : axe-core, Playwright, Chromium.",
               ". Technologies used: HTML, CSS, SVG, JavaScript, WebAssembly. Tools: axe-core, Playwright, Chromium.")}</p>

        <h2>{l("Retour d'information et contact", "Feedback and contact")}</h2>
        <p>{l("Si vous n'arrivez pas à accéder à un contenu ou à un service, dites-le : nous vous aiderons à l'obtenir sous une autre forme, et chercherons à corriger le défaut.",
              "If you cannot reach some content or a service, tell us: we will help you get it another way, and try to fix the defect.")}</p>
        {report}

        <h2>{l("Voies de recours", "Recourse")}</h2>
        <p>{l("Si vous avez signalé un défaut d'accessibilité qui vous empêche d'accéder à un contenu ou à un service, et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez :",
              "If you reported an accessibility defect that prevents you from reaching some content or a service, and did not get a satisfactory answer, you can:")}</p>
        <ul>
            <li>{l("écrire un message au Défenseur des droits (formulaire en ligne : ", "write to the Défenseur des droits (online form: ")}
                <a class="target" href="https://formulaire.defenseurdesdroits.fr/">"formulaire.defenseurdesdroits.fr"</a>")"</li>
            <li>{l("contacter le délégué du Défenseur des droits dans votre région (", "contact the Défenseur des droits' delegate in your region (")}
                <a class="target" href="https://www.defenseurdesdroits.fr/saisir/delegues">"defenseurdesdroits.fr/saisir/delegues"</a>")"</li>
            <li>{l("envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.",
                   "send a letter by post (free, no stamp needed): Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.")}</li>
        </ul>
    }
}
