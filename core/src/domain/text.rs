//! What free text people may write (forms and phones alike): no control characters but line
//! breaks and tabs, and no bidirectional controls, which can make a note display other than
//! it reads (U+202A-U+202E, U+2066-U+2069: "right-to-left override" and kin). And how names
//! compare as people write them (imports, searches).

/// Whether `text` is acceptable free text.
pub fn acceptable(text: &str) -> bool {
    !text.chars().any(|c| {
        (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            || ('\u{202A}'..='\u{202E}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    })
}

/// Text compared without case or accents (the French letters: é and É are e, œ is oe).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' | 'í' | 'ì' => out.push('i'),
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => out.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => out.push('u'),
            'ÿ' => out.push('y'),
            'ç' => out.push('c'),
            'ñ' => out.push('n'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            '’' | '‘' => out.push('\''),
            c => out.push(c),
        }
    }
    out
}

/// A name compared as people write it: folded, words split on spaces, hyphens and apostrophes,
/// "st"/"ste" read as "saint"/"sainte".
pub fn name_key(text: &str) -> String {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "st" => "saint",
            "ste" => "sainte",
            w => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
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
