//! What a page needs to know about where it is rendered: the language and the build.
//!
//! The server decides both per request and writes them into the document (`<html lang>`,
//! `<meta name="monalisa-build">`); the phone reads them back from the document when it
//! hydrates, so the two renderings agree.

use crate::i18n::{Lang, Msg, t, tf};
use leptos::prelude::*;

/// Identifies the build a page came from: the crate version and a hash of the shell assets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildInfo {
    pub version: String,
    /// Short hash over every file of the site directory (WASM, JS, CSS, icons, worker).
    pub assets: String,
}

impl BuildInfo {
    pub fn label(&self) -> String {
        format!("{}+{}", self.version, self.assets)
    }

    pub fn parse_label(label: &str) -> BuildInfo {
        let (version, assets) = label.split_once('+').unwrap_or((label, ""));
        BuildInfo { version: version.to_owned(), assets: assets.to_owned() }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageEnv {
    pub lang: Lang,
    pub build: BuildInfo,
}

impl PageEnv {
    /// The environment of the page being rendered: from context (provided per request on the
    /// server, by [`crate::App`] in the browser), else read from the document.
    pub fn current() -> PageEnv {
        use_context::<PageEnv>().unwrap_or_else(PageEnv::from_document)
    }

    #[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
    fn from_document() -> PageEnv {
        let doc = web_sys::window().and_then(|w| w.document());
        let root = doc.as_ref().and_then(|d| d.document_element());
        let lang = root.and_then(|r| r.get_attribute("lang")).and_then(|l| Lang::from_code(&l)).unwrap_or_default();
        let build = doc
            .and_then(|d| d.query_selector("meta[name=monalisa-build]").ok().flatten())
            .and_then(|m| m.get_attribute("content"))
            .map(|l| BuildInfo::parse_label(&l))
            .unwrap_or_default();
        PageEnv { lang, build }
    }

    #[cfg(not(all(feature = "hydrate", target_arch = "wasm32")))]
    fn from_document() -> PageEnv {
        PageEnv::default()
    }

    pub fn t(&self, msg: Msg) -> &'static str {
        t(self.lang, msg)
    }

    pub fn tf(&self, msg: Msg, args: &[(&str, &str)]) -> String {
        tf(self.lang, msg, args)
    }
}

/// The current page's environment, from a component.
pub fn use_env() -> PageEnv {
    PageEnv::current()
}
