//! The one CSV writer every export uses (the personal log, the firm overview, the firm's
//! audit log). Every cell is defused: a spreadsheet runs a cell that starts with `=`, `+`,
//! `-`, `@`, a tab or a carriage return as a formula, so such a cell gets a leading
//! apostrophe (which our own import removes again). A name like `=HYPERLINK(…)` typed by
//! anyone in a firm therefore stays text in the owner's spreadsheet.

/// Whether a spreadsheet would read a cell starting with `c` as a formula.
pub fn is_formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// The cell as written: defused when it could run as a formula.
pub fn defuse(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some(c) if is_formula_start(c) => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// A CSV document being written: comma-separated, UTF-8, header first.
pub struct CsvOut {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvOut {
    pub fn new(header: &[&str]) -> anyhow::Result<CsvOut> {
        let mut out = CsvOut {
            writer: csv::Writer::from_writer(Vec::new()),
        };
        out.row(header.iter().copied())?;
        Ok(out)
    }

    /// More rows of a document whose header has already gone out (a streamed export).
    pub fn without_header() -> CsvOut {
        CsvOut {
            writer: csv::Writer::from_writer(Vec::new()),
        }
    }

    /// One record; every cell is defused.
    pub fn row<I, S>(&mut self, cells: I) -> anyhow::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| defuse(c.as_ref()).into_owned())
            .collect();
        self.writer.write_record(&cells)?;
        Ok(())
    }

    pub fn finish(self) -> anyhow::Result<String> {
        Ok(String::from_utf8(self.writer.into_inner()?)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_that_could_run_is_defused() {
        let mut out = CsvOut::new(&["name", "n"]).expect("csv");
        for evil in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            out.row([evil, "18"]).expect("row");
        }
        out.row(["Åsa Öberg", "6.25"]).expect("row");
        let text = out.finish().expect("text");
        for line in text.lines().skip(1).take(4) {
            assert!(line.starts_with("'") || line.starts_with("\"'"), "{line}");
        }
        assert!(text.contains("Åsa Öberg,6.25"), "{text}");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        for record in reader.records() {
            let first = record.expect("record")[0].to_owned();
            assert!(!first.starts_with(is_formula_start), "{first}");
        }
    }
}
