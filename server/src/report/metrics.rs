//! How wide text is in the two built-in fonts the report uses, so lines wrap and numbers
//! right-align without embedding a font. printpdf writes text in these fonts as WinAnsi
//! (Windows-1252) bytes, a `?` for every character WinAnsi lacks; the widths are Adobe's
//! published metrics for Helvetica and Helvetica-Bold (thousandths of the font size) for
//! every one of those bytes, so what is measured is exactly what is drawn — an ellipsis or
//! an `æ` as wide as a viewer draws it, and a long word cut where it reaches the column's
//! edge.

/// 0x20 (space) to 0xFF (ÿ) in WinAnsi; the codes WinAnsi leaves unassigned never occur
/// (they are drawn as `?`) and carry its width.
const REGULAR: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, // space../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0-?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @-O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P-_
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `-o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 556, // p-DEL
    556, 556, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 556, 611, 556, // €-
    556, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 556, 500,
    667, // ‘-Ÿ
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, // nbsp-¯
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, // °-¿
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // À-Ï
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // Ð-ß
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, // à-ï
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500, // ð-ÿ
];

const BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278,
    278, // space../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0-?
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // @-O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // P-_
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // `-o
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 611, // p-DEL
    556, 611, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 611, 611, 611, // €-
    611, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 611, 500,
    667, // ‘-Ÿ
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, // nbsp-¯
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, // °-¿
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // À-Ï
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // Ð-ß
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, // à-ï
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556, // ð-ÿ
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

/// The WinAnsi byte printpdf writes for `c` in a built-in font: `?` when there is none.
fn win_ansi(c: char) -> u8 {
    match u32::from(c) {
        code @ (0x20..=0x7E | 0xA0..=0xFF) => code as u8,
        _ => match c {
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8A,
            '‹' => 0x8B,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9A,
            '›' => 0x9B,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            _ => b'?',
        },
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
        .map(|c| u32::from(table[usize::from(win_ansi(c) - 0x20)]))
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
    fn characters_are_as_wide_as_a_viewer_draws_them() {
        // Adobe's Helvetica: an ellipsis and an em dash are a full em, æ and ø wider than
        // a and o, Æ wider than W.
        assert_eq!(width("…", Face::Regular, 10.0), 10.0);
        assert_eq!(width("—", Face::Bold, 10.0), 10.0);
        assert!((width("æ", Face::Regular, 10.0) - 8.89).abs() < 1e-4);
        assert!((width("ø", Face::Regular, 10.0) - 6.11).abs() < 1e-4);
        assert_eq!(width("Æ", Face::Bold, 10.0), 10.0);
        assert!((width("’", Face::Bold, 10.0) - 2.78).abs() < 1e-4);
        // What WinAnsi lacks is drawn as `?`, and measured so.
        for face in [Face::Regular, Face::Bold] {
            assert_eq!(width("ł漢\u{200b}", face, 9.0), width("???", face, 9.0));
            assert_eq!(width("\t", face, 9.0), width("?", face, 9.0));
        }
    }

    #[test]
    fn one_long_word_is_broken_at_the_width_of_the_column() {
        // A 200-character title of one word (the longest the log takes), of the widest
        // letters and of ones the old metrics took for narrower than they are.
        for word in [
            "W".repeat(200),
            "…".repeat(200),
            "ø".repeat(200),
            "Æøå…Wæ—".chars().cycle().take(200).collect::<String>(),
        ] {
            for (face, max) in [(Face::Regular, 150.0), (Face::Bold, 100.0)] {
                let lines = wrap(&word, face, 8.5, max);
                assert!(lines.len() > 5, "{word}");
                assert!(
                    lines.iter().all(|l| width(l, face, 8.5) <= max),
                    "{lines:?}"
                );
                // Every line but the last is full: it would not take one more character.
                for pair in lines.windows(2) {
                    let next = pair[1].chars().next().expect("a character");
                    assert!(width(&format!("{}{next}", pair[0]), face, 8.5) > max);
                }
                assert_eq!(lines.concat(), word, "every character, in order");
            }
        }
        // Words around it keep their spaces.
        let lines = wrap(
            &format!("Kurs {} del två", "x".repeat(60)),
            Face::Regular,
            8.5,
            100.0,
        );
        assert_eq!(lines.first().map(String::as_str), Some("Kurs"));
        assert!(
            lines.last().is_some_and(|l| l.ends_with("x del två")),
            "{lines:?}"
        );
        assert_eq!(
            lines.concat().replace(' ', ""),
            "Kurs".to_owned() + &"x".repeat(60) + "deltvå"
        );
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
