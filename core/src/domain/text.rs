//! What free text people may write (forms and phones alike): no control characters but line
//! breaks and tabs, and no bidirectional controls, which can make a note display other than
//! it reads (U+202A-U+202E, U+2066-U+2069: "right-to-left override" and kin).

/// Whether `text` is acceptable free text.
pub fn acceptable(text: &str) -> bool {
    !text.chars().any(|c| {
        (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            || ('\u{202A}'..='\u{202E}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    })
}

#[cfg(test)]
mod tests {
    use super::acceptable;

    #[test]
    fn free_text() {
        for (name, text, ok) in [
            ("plain", "Mme Pivert va bien, a parlé de son jardin.", true),
            ("accents and punctuation", "Œufs, café — « merci » ; 2 € ?", true),
            ("line breaks", "ligne 1\nligne 2\r\nligne 3", true),
            ("a tab", "a\tb", true),
            ("emoji", "👍", true),
            ("empty", "", true),
            ("NUL", "a\0b", false),
            ("ESC", "\u{1b}[31mrouge", false),
            ("DEL", "a\u{7f}", false),
            ("C1 control", "a\u{85}b", false),
            ("right-to-left override", "note\u{202E}txt.exe", false),
            ("left-to-right embedding", "\u{202A}x", false),
            ("isolate", "\u{2066}x\u{2069}", false),
        ] {
            assert_eq!(acceptable(text), ok, "{name}");
        }
    }
}
