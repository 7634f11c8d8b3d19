//! Reading the CSV files people actually have: saved by Excel in Windows-1252 or UTF-16,
//! with Swedish or English column names in any order, semicolons or commas, and values in
//! either language ("lärarledd", "ja"). Everything here is pure: bytes in, text and a
//! column mapping out.

/// The text of a file and the encoding it was read in (shown in the preview).
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    use encoding_rs::{UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        let name = if encoding == UTF_8 {
            "UTF-8"
        } else if encoding == UTF_16LE || encoding == UTF_16BE {
            "UTF-16"
        } else {
            "UTF-8"
        };
        return (text.into_owned(), name);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), "UTF-8"),
        // Not UTF-8: what Excel on Windows writes for "CSV (semicolon separated)".
        Err(_) => (
            WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
            "Windows-1252",
        ),
    }
}

/// The columns an import understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Date,
    Title,
    Provider,
    Hours,
    Category,
    Verifiable,
    Topic,
    Notes,
}

impl Column {
    pub const ALL: [Column; 8] = [
        Column::Date,
        Column::Title,
        Column::Provider,
        Column::Hours,
        Column::Category,
        Column::Verifiable,
        Column::Topic,
        Column::Notes,
    ];

    /// The names accepted for it, English first (that is what the export writes).
    fn names(self) -> &'static [&'static str] {
        match self {
            Column::Date => &["date", "datum", "kursdatum"],
            Column::Title => &["title", "course", "titel", "kurs", "kursnamn", "namn"],
            Column::Provider => &[
                "provider",
                "organiser",
                "organizer",
                "anordnare",
                "arrangör",
                "utbildare",
                "kursgivare",
            ],
            Column::Hours => &["hours", "timmar", "tim", "antal timmar", "h"],
            Column::Category => &[
                "category",
                "type",
                "kategori",
                "typ",
                "form",
                "utbildningsform",
            ],
            Column::Verifiable => &["verifiable", "verifierbar", "intyg", "kontrollerbar"],
            Column::Topic => &["topic", "subject", "ämne", "område"],
            Column::Notes => &[
                "notes",
                "note",
                "comment",
                "anteckningar",
                "anteckning",
                "kommentar",
                "noteringar",
            ],
        }
    }

    /// The export's (English) name.
    pub fn name(self) -> &'static str {
        self.names()[0]
    }

    /// The column a header cell names, if any (case, spaces and a trailing colon aside).
    pub fn from_header(cell: &str) -> Option<Column> {
        let cell = cell.trim().trim_end_matches(':').trim().to_lowercase();
        Column::ALL
            .into_iter()
            .find(|c| c.names().contains(&cell.as_str()))
    }

    pub fn required(self) -> bool {
        matches!(
            self,
            Column::Date | Column::Title | Column::Hours | Column::Category
        )
    }
}

/// A category as people write it, in either language, as the entry form's value.
pub fn category(text: &str) -> String {
    match text.trim().to_lowercase().as_str() {
        "teacher-led" | "teacher led" | "lärarledd" | "lärarlett" | "lararledd" | "classroom"
        | "seminar" | "seminarium" | "kurs" => "teacher-led".into(),
        "e-learning" | "elearning" | "e-lärande" | "e-utbildning" | "webbutbildning" | "online"
        | "distans" => "e-learning".into(),
        other => other.to_owned(),
    }
}

/// A topic as people write it, in either language, as the entry form's value.
pub fn topic(text: &str) -> String {
    match text.trim().to_lowercase().as_str() {
        "" | "-" | "none" | "inget" | "ingen" => String::new(),
        "ethics" | "etik" | "yrkesetik" | "god advokatsed" => "ethics".into(),
        "non-legal" | "non legal" | "icke-juridisk" | "ej juridisk" | "övrigt" => {
            "non-legal".into()
        }
        "wellbeing" | "well-being" | "hälsa" | "välmående" => "wellbeing".into(),
        "client-care" | "client care" | "klientvård" | "klientrelationer" => "client-care".into(),
        other => other.to_owned(),
    }
}

/// Whether a "verifiable" cell says yes (an empty cell does: most courses are).
pub fn yes(text: &str) -> bool {
    matches!(
        text.trim().to_lowercase().as_str(),
        "" | "yes" | "y" | "ja" | "j" | "true" | "1" | "x" | "sant"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_encodings_are_read_right() {
        // "Arbetsrätt" as Windows-1252, UTF-16 LE with BOM, and UTF-8 with and without BOM.
        let cp1252 = b"Arbetsr\xe4tt".to_vec();
        assert_eq!(decode(&cp1252), ("Arbetsrätt".to_owned(), "Windows-1252"));
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "Arbetsrätt".encode_utf16() {
            utf16.extend(unit.to_le_bytes());
        }
        assert_eq!(decode(&utf16), ("Arbetsrätt".to_owned(), "UTF-16"));
        assert_eq!(decode("Arbetsrätt".as_bytes()).0, "Arbetsrätt");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend("Arbetsrätt".as_bytes());
        assert_eq!(decode(&bom), ("Arbetsrätt".to_owned(), "UTF-8"));
    }

    #[test]
    fn swedish_and_english_headers_and_values() {
        assert_eq!(Column::from_header(" Datum "), Some(Column::Date));
        assert_eq!(Column::from_header("Anordnare:"), Some(Column::Provider));
        assert_eq!(Column::from_header("TIMMAR"), Some(Column::Hours));
        assert_eq!(Column::from_header("Ämne"), Some(Column::Topic));
        assert_eq!(Column::from_header("hours"), Some(Column::Hours));
        assert_eq!(Column::from_header("Kostnad"), None);
        assert_eq!(category("Lärarledd"), "teacher-led");
        assert_eq!(category("E-lärande"), "e-learning");
        assert_eq!(topic("Etik"), "ethics");
        assert!(yes("Ja") && yes("") && !yes("nej"));
    }
}
