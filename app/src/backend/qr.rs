//! QR codes as SVG, drawn on the server (the encoder stays out of the phone's bundle).

use qrcodegen::{QrCode, QrCodeEcc};

/// An SVG drawing of `text` as a QR code (medium error correction, 4-module quiet zone).
/// Only `path` and `rect` elements with presentation attributes: nothing a CSP blocks.
pub fn svg(text: &str) -> String {
    let Ok(qr) = QrCode::encode_text(text, QrCodeEcc::Medium) else {
        return String::new();
    };
    let border = 4;
    let size = qr.size() + 2 * border;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"240\" height=\"240\" \
         shape-rendering=\"crispEdges\" role=\"img\" aria-hidden=\"true\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\
         <path d=\"{path}\" fill=\"#000\"/></svg>"
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn draws_a_square_svg() {
        let s = super::svg("https://visites.example.org/inscription#abc");
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert!(s.contains("viewBox=\"0 0 41 41\""), "a version 4 code (33 modules) plus borders: {}", &s[..120]);
        assert!(!s.contains("style"));
    }
}
