//! The report's own pages, drawn with printpdf in the built-in Helvetica: the cover (with
//! the QR code that opens the verification page), the summary, the table of entries, the
//! certificates left out, and the statement to sign. Text is measured ([`metrics`]) so it
//! wraps and aligns; a page that fills up continues on the next, with the table's header
//! repeated.

use super::metrics::{self, Face};
use app::backend::reports::spec::{Exclusion, ReportSpec, Section};
use printpdf::{
    BuiltinFont, Color, Greyscale, Line, LinePoint, Mm, Op, PaintMode, PdfFontHandle, PdfPage,
    Point, Pt, Rect, Rgb, TextItem,
};

/// A4 in points.
pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
const LEFT: f32 = 56.0;
const RIGHT: f32 = PAGE_W - 56.0;
const TOP: f32 = PAGE_H - 60.0;
const BOTTOM: f32 = 70.0;
const WIDTH: f32 = RIGHT - LEFT;

/// The entries table's columns: x offset from the left margin and width.
const COLUMNS: [(f32, f32); 6] = [
    (0.0, 54.0),
    (58.0, 150.0),
    (212.0, 100.0),
    (316.0, 62.0),
    (382.0, 38.0),
    (426.0, 57.28),
];
const TABLE_SIZE: f32 = 8.5;
const TABLE_LEADING: f32 = 10.5;

/// What the worker knows about each certificate when it lays out: where it starts (for
/// the proof column), or why it is left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    StartsAt(usize),
    LeftOut(Exclusion),
}

fn font(face: Face) -> PdfFontHandle {
    PdfFontHandle::Builtin(match face {
        Face::Regular => BuiltinFont::Helvetica,
        Face::Bold => BuiltinFont::HelveticaBold,
    })
}

fn grey(level: f32) -> Color {
    Color::Greyscale(Greyscale {
        percent: level,
        icc_profile: None,
    })
}

/// The brand's colours (the logo's indigo and its light tint), as on the web pages.
const BRAND: (f32, f32, f32) = (
    0x37 as f32 / 255.0,
    0x30 as f32 / 255.0,
    0xa3 as f32 / 255.0,
);
const BRAND_TINT: (f32, f32, f32) = (
    0xc7 as f32 / 255.0,
    0xd2 as f32 / 255.0,
    0xfe as f32 / 255.0,
);

fn rgb((r, g, b): (f32, f32, f32)) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

fn point(x: f32, y: f32) -> Point {
    Point { x: Pt(x), y: Pt(y) }
}

/// Draws `text` with its baseline at (`x`, `y`).
fn text(ops: &mut Vec<Op>, x: f32, y: f32, face: Face, size: f32, content: &str) {
    ops.extend([
        Op::StartTextSection,
        Op::SetFont {
            font: font(face),
            size: Pt(size),
        },
        Op::SetTextCursor { pos: point(x, y) },
        Op::ShowText {
            items: vec![TextItem::Text(content.to_owned())],
        },
        Op::EndTextSection,
    ]);
}

fn text_right(ops: &mut Vec<Op>, right: f32, y: f32, face: Face, size: f32, content: &str) {
    let x = right - metrics::width(content, face, size);
    text(ops, x, y, face, size, content);
}

/// A straight line from `from` to `to` in grey `level`.
fn line(ops: &mut Vec<Op>, from: (f32, f32), to: (f32, f32), level: f32, thickness: f32) {
    let at = |(x, y): (f32, f32)| LinePoint {
        p: point(x, y),
        bezier: false,
    };
    ops.extend([
        Op::SetOutlineColor { col: grey(level) },
        Op::SetOutlineThickness { pt: Pt(thickness) },
        Op::DrawLine {
            line: Line {
                points: vec![at(from), at(to)],
                is_closed: false,
            },
        },
    ]);
}

/// A hairline across the text width.
fn rule(ops: &mut Vec<Op>, y: f32, level: f32) {
    line(ops, (LEFT, y), (RIGHT, y), level, 0.5);
}

fn filled(ops: &mut Vec<Op>, x: f32, y: f32, width: f32, height: f32) {
    ops.push(Op::DrawRectangle {
        rectangle: Rect {
            x: Pt(x),
            y: Pt(y),
            width: Pt(width),
            height: Pt(height),
            mode: Some(PaintMode::Fill),
            winding_order: None,
        },
    });
}

/// Pages being filled from the top down.
struct Flow {
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Flow {
    fn new() -> Flow {
        Flow {
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Makes room for `height` points, on a new page if this one has too little.
    fn room(&mut self, height: f32) -> bool {
        if self.y - height < BOTTOM {
            self.new_page();
            return true;
        }
        false
    }

    fn heading(&mut self, content: &str) {
        self.room(40.0);
        self.y -= 18.0;
        let y = self.y;
        text(self.ops(), LEFT, y, Face::Bold, 13.0, content);
        self.y -= 8.0;
    }

    fn paragraph(&mut self, content: &str, size: f32) {
        let leading = size * 1.35;
        for line in metrics::wrap(content, Face::Regular, size, WIDTH) {
            self.room(leading);
            self.y -= leading;
            let y = self.y;
            text(self.ops(), LEFT, y, Face::Regular, size, &line);
        }
        self.y -= 4.0;
    }

    fn fields(
        &mut self,
        fields: &[app::backend::reports::spec::Field],
        size: f32,
        label_width: f32,
    ) {
        let leading = size * 1.45;
        for field in fields {
            let lines = metrics::wrap(&field.value, Face::Regular, size, WIDTH - label_width);
            self.room(leading * lines.len() as f32);
            self.y -= leading;
            let y = self.y;
            let ops = self.ops();
            ops.push(Op::SetFillColor { col: grey(0.35) });
            text(ops, LEFT, y, Face::Regular, size, &field.label);
            ops.push(Op::SetFillColor { col: grey(0.0) });
            for (i, line) in lines.iter().enumerate() {
                text(
                    ops,
                    LEFT + label_width,
                    y - leading * i as f32,
                    Face::Regular,
                    size,
                    line,
                );
            }
            self.y -= leading * (lines.len().max(1) - 1) as f32;
        }
        self.y -= 6.0;
    }

    /// A table of short cells: equal columns, the last one right-aligned.
    fn table(&mut self, columns: &[String], rows: &[Vec<String>]) {
        let n = columns.len().max(1);
        let column = WIDTH / n as f32;
        let line = |flow: &mut Flow, cells: &[String], face: Face| {
            let wrapped: Vec<Vec<String>> = cells
                .iter()
                .map(|c| metrics::wrap(c, face, TABLE_SIZE, column - 6.0))
                .collect();
            let height = wrapped.iter().map(Vec::len).max().unwrap_or(1) as f32 * TABLE_LEADING;
            flow.room(height + 4.0);
            let top = flow.y;
            let ops = flow.ops();
            for (i, lines) in wrapped.iter().enumerate() {
                for (j, l) in lines.iter().enumerate() {
                    let y = top - TABLE_LEADING * (j + 1) as f32;
                    let x = LEFT + column * i as f32;
                    if i + 1 == n && i > 0 {
                        text_right(ops, x + column, y, face, TABLE_SIZE, l);
                    } else {
                        text(ops, x, y, face, TABLE_SIZE, l);
                    }
                }
            }
            flow.y = top - height - 3.0;
            let y = flow.y;
            rule(flow.ops(), y + 1.0, 0.8);
        };
        line(self, columns, Face::Bold);
        for row in rows {
            line(self, row, Face::Regular);
        }
        self.y -= 6.0;
    }
}

/// The cover: heading, the person and year, the status, and the QR code with the words
/// that say how to check the report.
/// The logo at the top of the cover: the mark (a certificate with a tick on the indigo
/// square, drawn as shapes) and the name beside it, with a rule in the brand's colour.
fn brand(ops: &mut Vec<Op>) {
    let (x, y, s) = (LEFT, TOP - 2.0, 24.0);
    let u = s / 32.0;
    ops.push(Op::SetFillColor { col: rgb(BRAND) });
    filled(ops, x, y, s, s);
    ops.push(Op::SetFillColor { col: grey(1.0) });
    // The sheet (the logo's path at 10,6.5 to 23.5,25.5 in a 32-unit square, y downwards).
    filled(ops, x + 10.0 * u, y + (32.0 - 25.5) * u, 13.5 * u, 19.0 * u);
    ops.push(Op::SetFillColor {
        col: rgb(BRAND_TINT),
    });
    filled(ops, x + 19.0 * u, y + (32.0 - 11.0) * u, 4.5 * u, 4.5 * u);
    let at = |(px, py): (f32, f32)| LinePoint {
        p: point(x + px * u, y + (32.0 - py) * u),
        bezier: false,
    };
    ops.extend([
        Op::SetOutlineColor { col: rgb(BRAND) },
        Op::SetOutlineThickness { pt: Pt(2.4 * u) },
        Op::DrawLine {
            line: Line {
                points: vec![at((13.0, 18.2)), at((15.6, 20.8)), at((20.5, 15.2))],
                is_closed: false,
            },
        },
    ]);
    ops.push(Op::SetFillColor { col: rgb(BRAND) });
    text(ops, x + s + 8.0, y + 7.0, Face::Bold, 15.0, "CPD Registry");
    ops.push(Op::SetFillColor { col: grey(0.0) });
    ops.extend([
        Op::SetOutlineColor { col: rgb(BRAND) },
        Op::SetOutlineThickness { pt: Pt(1.5) },
        Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: point(LEFT, y - 10.0),
                        bezier: false,
                    },
                    LinePoint {
                        p: point(RIGHT, y - 10.0),
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        },
    ]);
}

fn cover(flow: &mut Flow, spec: &ReportSpec) {
    brand(flow.ops());
    flow.y = TOP - 56.0;
    let title_lines = metrics::wrap(&spec.title, Face::Bold, 24.0, WIDTH);
    for line in &title_lines {
        let y = flow.y;
        text(flow.ops(), LEFT, y, Face::Bold, 24.0, line);
        flow.y -= 30.0;
    }
    flow.y -= 6.0;
    let y = flow.y;
    text(flow.ops(), LEFT, y, Face::Bold, 15.0, &spec.status);
    flow.y -= 20.0;
    let y = flow.y + 8.0;
    rule(flow.ops(), y, 0.6);
    flow.fields(&spec.cover, 11.5, 150.0);

    // The QR code and the verification words sit at the foot of the cover.
    let size = 118.0;
    let bottom = BOTTOM + 20.0;
    qr(flow.ops(), &spec.verify_url, LEFT, bottom, size);
    let x = LEFT + size + 18.0;
    let mut y = bottom + size - 12.0;
    for line in metrics::wrap(&spec.verify_note, Face::Regular, 10.0, RIGHT - x) {
        text(flow.ops(), x, y, Face::Regular, 10.0, &line);
        y -= 13.5;
    }
    y -= 4.0;
    for line in metrics::wrap(&spec.verify_url, Face::Bold, 9.0, RIGHT - x) {
        text(flow.ops(), x, y, Face::Bold, 9.0, &line);
        y -= 12.0;
    }
    flow.new_page();
}

/// The QR code of `url`, dark modules as filled rectangles (one per run along a row).
fn qr(ops: &mut Vec<Op>, url: &str, x: f32, y: f32, size: f32) {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M) else {
        return;
    };
    let modules = code.width();
    let colors = code.to_colors();
    // Four modules of quiet zone on every side.
    let cell = size / (modules + 8) as f32;
    ops.push(Op::SetFillColor { col: grey(0.0) });
    for row in 0..modules {
        let mut col = 0;
        while col < modules {
            if colors[row * modules + col] == qrcode::Color::Dark {
                let start = col;
                while col < modules && colors[row * modules + col] == qrcode::Color::Dark {
                    col += 1;
                }
                let top = y + size - cell * (row + 4) as f32;
                filled(
                    ops,
                    x + cell * (start + 4) as f32,
                    top - cell,
                    cell * (col - start) as f32,
                    cell,
                );
            } else {
                col += 1;
            }
        }
    }
}

/// The entries, with the proof column filled from where each certificate went.
fn entries(flow: &mut Flow, spec: &ReportSpec, placed: &[Placed]) {
    let table = &spec.entries;
    flow.heading(&table.heading);
    if table.rows.is_empty() {
        flow.paragraph(&table.empty, 10.0);
        return;
    }
    let header = |flow: &mut Flow| {
        flow.y -= TABLE_LEADING;
        let y = flow.y;
        let ops = flow.ops();
        for (i, (dx, w)) in COLUMNS.iter().enumerate() {
            let label = metrics::fit(&table.columns[i], Face::Bold, TABLE_SIZE, *w);
            if i == 4 {
                text_right(ops, LEFT + dx + w, y, Face::Bold, TABLE_SIZE, &label);
            } else {
                text(ops, LEFT + dx, y, Face::Bold, TABLE_SIZE, &label);
            }
        }
        flow.y -= 4.0;
        let y = flow.y;
        rule(flow.ops(), y, 0.4);
    };
    flow.room(TABLE_LEADING * 3.0);
    header(flow);
    for row in &table.rows {
        let proof = if row.certificates.is_empty() {
            spec.labels.proof_none.clone()
        } else {
            row.certificates
                .iter()
                .map(|i| match placed.get(*i) {
                    Some(Placed::StartsAt(page)) => {
                        spec.labels.proof_page.replace("{n}", &page.to_string())
                    }
                    _ => spec.labels.proof_left_out.clone(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let cells = [
            vec![row.date.clone()],
            metrics::wrap(&row.title, Face::Regular, TABLE_SIZE, COLUMNS[1].1),
            metrics::wrap(&row.provider, Face::Regular, TABLE_SIZE, COLUMNS[2].1),
            metrics::wrap(&row.category, Face::Regular, TABLE_SIZE, COLUMNS[3].1),
            vec![row.hours.clone()],
            metrics::wrap(&proof, Face::Regular, TABLE_SIZE, COLUMNS[5].1),
        ];
        let lines = cells.iter().map(Vec::len).max().unwrap_or(1);
        let height = lines as f32 * TABLE_LEADING + 4.0;
        if flow.room(height) {
            header(flow);
        }
        let top = flow.y;
        let ops = flow.ops();
        for (i, cell) in cells.iter().enumerate() {
            let (dx, w) = COLUMNS[i];
            for (j, line) in cell.iter().enumerate() {
                let y = top - TABLE_LEADING * (j + 1) as f32;
                if i == 4 {
                    text_right(ops, LEFT + dx + w, y, Face::Regular, TABLE_SIZE, line);
                } else {
                    text(ops, LEFT + dx, y, Face::Regular, TABLE_SIZE, line);
                }
            }
        }
        flow.y = top - height;
        let y = flow.y;
        rule(flow.ops(), y + 1.5, 0.85);
    }
    flow.room(TABLE_LEADING * 2.0);
    flow.y -= TABLE_LEADING + 2.0;
    let y = flow.y;
    let ops = flow.ops();
    text(
        ops,
        LEFT + COLUMNS[1].0,
        y,
        Face::Bold,
        TABLE_SIZE,
        &table.total.label,
    );
    let (dx, w) = COLUMNS[4];
    text_right(
        ops,
        LEFT + dx + w,
        y,
        Face::Bold,
        TABLE_SIZE,
        &table.total.value,
    );
    flow.y -= 10.0;
}

/// The certificates that could not be included, each with its entry and the reason.
fn left_out(flow: &mut Flow, spec: &ReportSpec, placed: &[Placed]) {
    let rows: Vec<Vec<String>> = placed
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p {
            Placed::LeftOut(why) => {
                let cert = spec.certificates.get(i)?;
                Some(vec![
                    cert.file_name.clone(),
                    cert.heading.clone(),
                    spec.labels.reason(*why).to_owned(),
                ])
            }
            Placed::StartsAt(_) => None,
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    flow.heading(&spec.labels.left_out_heading);
    flow.paragraph(&spec.labels.left_out_intro, 10.0);
    let columns = rows.first().map_or(0, Vec::len);
    flow.table(&vec![String::new(); columns], &rows);
}

fn statement(flow: &mut Flow, spec: &ReportSpec) {
    let s = &spec.statement;
    // The statement and its signature lines stay together on one page.
    let needed = 60.0
        + s.paragraphs
            .iter()
            .map(|p| metrics::wrap(p, Face::Regular, 10.0, WIDTH).len() as f32 * 13.5 + 4.0)
            .sum::<f32>()
        + s.lines.len() as f32 * 44.0;
    flow.room(needed);
    flow.heading(&s.heading);
    for p in &s.paragraphs {
        flow.paragraph(p, 10.0);
    }
    for label in &s.lines {
        flow.y -= 34.0;
        let y = flow.y;
        let ops = flow.ops();
        line(ops, (LEFT, y), (LEFT + 260.0, y), 0.0, 0.6);
        ops.push(Op::SetFillColor { col: grey(0.35) });
        text(ops, LEFT, y - 11.0, Face::Regular, 8.5, label);
        ops.push(Op::SetFillColor { col: grey(0.0) });
        flow.y -= 10.0;
    }
}

/// The report's pages without their footers (which need the final page count).
pub fn body(spec: &ReportSpec, placed: &[Placed]) -> Vec<Vec<Op>> {
    let mut flow = Flow::new();
    cover(&mut flow, spec);
    for section in &spec.sections {
        match section {
            Section::Heading(h) => flow.heading(h),
            Section::Paragraph(p) => flow.paragraph(p, 10.0),
            Section::Fields(f) => flow.fields(f, 10.0, 190.0),
            Section::Table { columns, rows } => flow.table(columns, rows),
        }
    }
    entries(&mut flow, spec, placed);
    left_out(&mut flow, spec, placed);
    statement(&mut flow, spec);
    flow.pages.retain(|p| !p.is_empty());
    flow.pages
}

/// "Page {n} of {total}" in the report's words.
pub fn page_label(spec: &ReportSpec, n: usize, total: usize) -> String {
    spec.labels
        .page
        .replace("{n}", &n.to_string())
        .replace("{total}", &total.to_string())
}

/// The pages with their footers: the generation line and the page number.
pub fn finish(spec: &ReportSpec, body: Vec<Vec<Op>>, total: usize) -> Vec<PdfPage> {
    body.into_iter()
        .enumerate()
        .map(|(i, mut ops)| {
            rule(&mut ops, 52.0, 0.7);
            ops.push(Op::SetFillColor { col: grey(0.3) });
            let footer = metrics::fit(&spec.footer, Face::Regular, 7.5, WIDTH - 90.0);
            text(&mut ops, LEFT, 40.0, Face::Regular, 7.5, &footer);
            let label = page_label(spec, i + 1, total);
            text_right(&mut ops, RIGHT, 40.0, Face::Regular, 7.5, &label);
            PdfPage::new(Mm::from(Pt(PAGE_W)), Mm::from(Pt(PAGE_H)), ops)
        })
        .collect()
}

/// The report pages as a PDF of their own (lopdf appends the certificates to it).
pub fn render(spec: &ReportSpec, pages: Vec<PdfPage>) -> Vec<u8> {
    let mut doc = printpdf::PdfDocument::new(&spec.title);
    doc.metadata.info.producer = "CPD Registry".into();
    doc.metadata.info.creator = "CPD Registry".into();
    doc.with_pages(pages);
    let mut warnings = Vec::new();
    doc.save(&printpdf::PdfSaveOptions::default(), &mut warnings)
}
