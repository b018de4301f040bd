//! Reading a certificate's QR code back the way a phone does: from pixels, with rqrr (an
//! independent decoder), never from the payload string ailevel put beside it.

use regex::Regex;

/// Every QR code rqrr finds and decodes in a greyscale image (`luma[y * w + x]`, 0 is black).
pub fn decode_luma(w: usize, h: usize, luma: &[u8]) -> Vec<String> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
    img.detect_grids()
        .iter()
        .filter_map(|g| g.decode().ok().map(|(_, s)| s))
        .collect()
}

/// The QR code of report.html's certificate, drawn as the browser would: the SVG's
/// `viewBox` square and its path of unit squares, `scale` pixels a module, then decoded.
pub fn decode_report_svg(html: &str, scale: usize) -> Vec<String> {
    let svg = Regex::new(
        r#"(?s)<div class="qr"><svg viewBox="0 0 (\d+) (\d+)".*?<path class="qr-fg" d="([^"]*)"/>"#,
    )
    .unwrap();
    let Some(c) = svg.captures(html) else {
        return Vec::new();
    };
    let (w, h): (usize, usize) = (c[1].parse().unwrap(), c[2].parse().unwrap());
    let square = Regex::new(r"M(\d+) (\d+)h1v1h-1z").unwrap();
    // The whole path must be unit squares: another drawing would be misread, not ignored.
    assert!(
        square.replace_all(&c[3], "").is_empty(),
        "the QR path is not made of unit squares"
    );
    let (pw, ph) = (w * scale, h * scale);
    let mut luma = vec![255u8; pw * ph];
    for m in square.captures_iter(&c[3]) {
        let (x, y): (usize, usize) = (m[1].parse().unwrap(), m[2].parse().unwrap());
        for py in y * scale..(y + 1) * scale {
            luma[py * pw + x * scale..py * pw + (x + 1) * scale].fill(0);
        }
    }
    decode_luma(pw, ph, &luma)
}

/// A binary greyscale PGM (`P5`, maxval 255), as `pdftoppm -gray` writes it.
pub fn read_pgm(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes[i] == b'#' {
            while bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    assert_eq!((fields[0].as_str(), fields[3].as_str()), ("P5", "255"));
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let data = bytes[i + 1..i + 1 + w * h].to_vec();
    (w, h, data)
}
