//! How wide text is in the two built-in fonts the report uses, so lines wrap and numbers
//! right-align without embedding a font. The widths are Adobe's published metrics for
//! Helvetica and Helvetica-Bold (thousandths of the font size), for printable ASCII;
//! Latin-1 letters take the width of their base letter.

/// Space (0x20) to tilde (0x7E).
const REGULAR: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, // space../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0-9
    278, 278, 584, 584, 584, 556, 1015, // :;<=>?@
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A-M
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N-Z
    278, 278, 278, 469, 556, 333, // [\]^_`
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a-m
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n-z
    334, 260, 334, 584, // {|}~
];

const BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278,
    278, // space../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0-9
    333, 333, 584, 584, 584, 611, 975, // :;<=>?@
    722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, // A-M
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N-Z
    333, 278, 333, 584, 556, 333, // [\]^_`
    556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, // a-m
    611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, // n-z
    389, 280, 389, 584, // {|}~
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

/// The ASCII letter a Latin-1 letter is drawn like (å → a), for its width.
fn base(c: char) -> char {
    match c {
        'à'..='å' => 'a',
        'À'..='Å' => 'A',
        'è'..='ë' => 'e',
        'È'..='Ë' => 'E',
        'ì'..='ï' => 'i',
        'Ì'..='Ï' => 'I',
        'ò'..='ö' | 'ø' => 'o',
        'Ò'..='Ö' | 'Ø' => 'O',
        'ù'..='ü' => 'u',
        'Ù'..='Ü' => 'U',
        'æ' => 'm',
        'Æ' => 'W',
        'ç' => 'c',
        'Ç' => 'C',
        'ñ' => 'n',
        'Ñ' => 'N',
        'ý' | 'ÿ' => 'y',
        'Ý' => 'Y',
        'ß' => 'B',
        '–' | '·' | '•' => '0',
        '—' => 'M',
        '’' | '‘' => '\'',
        _ => c,
    }
}

/// The width of `text` in points at `size`.
pub fn width(text: &str, face: Face, size: f32) -> f32 {
    let table = match face {
        Face::Regular => &REGULAR,
        Face::Bold => &BOLD,
    };
    let units: u32 = text
        .chars()
        .map(|c| {
            let c = base(c);
            match u32::from(c) {
                code @ 0x20..=0x7E => u32::from(table[(code - 0x20) as usize]),
                _ => 556,
            }
        })
        .sum();
    units as f32 * size / 1000.0
}

/// `text` broken into lines no wider than `max` points; a word longer than a line is cut.
pub fn wrap(text: &str, face: Face, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, face, size) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word wider than the line (a long file name) is cut where it overflows.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if width(&piece, face, size) > max {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    lines
}

/// `text` cut to fit `max` points, ending in "…" when cut.
pub fn fit(text: &str, face: Face, size: f32, max: f32) -> String {
    if width(text, face, size) <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if width(&format!("{out}…"), face, size) > max {
            out.pop();
            break;
        }
    }
    format!("{}…", out.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_all_as_wide_so_figures_align() {
        assert_eq!(
            width("18.00", Face::Regular, 10.0),
            width("99.25", Face::Regular, 10.0)
        );
        assert!((width("1", Face::Regular, 10.0) - 5.56).abs() < 1e-4);
        assert_eq!(width("å", Face::Bold, 10.0), width("a", Face::Bold, 10.0));
    }

    #[test]
    fn wrapping_keeps_every_word_and_every_line_fits() {
        let text = "Advokatsamfundets etikkurs för biträdande jurister och advokater, del två";
        let lines = wrap(text, Face::Regular, 9.0, 80.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| width(l, Face::Regular, 9.0) <= 80.0));
        assert_eq!(lines.join(" "), text);
        let long = wrap(&"x".repeat(100), Face::Regular, 9.0, 50.0);
        assert_eq!(long.concat(), "x".repeat(100));
        assert!(long.iter().all(|l| width(l, Face::Regular, 9.0) <= 50.0));
    }

    #[test]
    fn fitting_cuts_with_an_ellipsis() {
        let cut = fit(
            "a very long certificate file name.pdf",
            Face::Regular,
            8.0,
            60.0,
        );
        assert!(cut.ends_with('…'));
        assert!(width(&cut, Face::Regular, 8.0) <= 60.0);
        assert_eq!(fit("short", Face::Regular, 8.0, 60.0), "short");
    }
}
