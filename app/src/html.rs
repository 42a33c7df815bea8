//! HTML text built by hand (the islands draw their screens as text, see `pages::volunteer`; a
//! few server answers are plain strings): every value that did not come from the code itself
//! goes through [`esc`], the one escaping function, whether it lands in text or in a quoted
//! attribute. Views written with `view!` are escaped by Leptos.

/// Escapes text for HTML text and double- or single-quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a path for a query parameter (keeps letters, digits, `/-._~`), so that it
/// comes back whole and cannot end the parameter or the attribute it is written in.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{encode_path, esc};

    #[test]
    fn encodes_paths_for_a_query() {
        assert_eq!(encode_path("/tournée?x=1&y"), "/tourn%C3%A9e%3Fx%3D1%26y");
        assert_eq!(encode_path("/"), "/");
        assert_eq!(encode_path("/a\" onload=\"x"), "/a%22%20onload%3D%22x");
    }

    #[test]
    fn markup_and_quotes_become_text() {
        for (input, expected) in [
            ("</textarea><meta http-equiv=refresh>", "&lt;/textarea&gt;&lt;meta http-equiv=refresh&gt;"),
            ("\" onmouseover=\"x", "&quot; onmouseover=&quot;x"),
            ("' autofocus '", "&#39; autofocus &#39;"),
            ("&amp;", "&amp;amp;"),
            ("Lucienne Épervier, 3 rue des Lilas", "Lucienne Épervier, 3 rue des Lilas"),
        ] {
            assert_eq!(esc(input), expected, "{input}");
        }
    }

    #[test]
    fn no_markup_character_survives() {
        let all: String = (0u8..=127).map(char::from).collect::<String>() + "«»’—";
        let out = esc(&all);
        assert!(!out.contains(['<', '>', '"', '\'']), "{out}");
        assert_eq!(out.matches('&').count(), 5, "only the entities' own ampersands");
    }
}
