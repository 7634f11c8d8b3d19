//! The report's content: the person, the calculator's answer and its reasons, leave,
//! exemptions, every course of the year and its certificates, in the chosen language.
//! Built from the same data and calculator the dashboard shows, so the two agree.

use super::spec::{
    Certificate, EntriesTable, EntryRow, Field, Labels, ReportSpec, Section, Statement,
};
use crate::backend::auth::users::User;
use crate::i18n::{Lang, window_cells};
use crate::model::{CertificateView, LogData};
use domain::rules::Category;
use domain::{Date, Hours};

/// Who the report is about, beyond their log.
pub struct Subject<'a> {
    pub user: &'a User,
    pub firm_name: &'a str,
    pub org_number: &'a str,
}

/// Everything needed to write one report.
pub struct Input<'a> {
    pub report_id: &'a str,
    pub year: i32,
    pub lang: Lang,
    pub subject: Subject<'a>,
    pub log: &'a LogData,
    /// The year's certificates, in entry order.
    pub certificates: &'a [CertificateView],
    pub public_url: &'a str,
    pub today: Date,
}

/// The report's spec, and for each of its certificates the index of the file in
/// `input.certificates` (certificates of courses the year does not count are not in it).
pub fn spec(input: &Input<'_>) -> (ReportSpec, Vec<usize>) {
    let t = input.lang.texts();
    let year = input.year;
    let sep = input.lang.decimal_separator();
    let h = |hours: Hours| hours.display_with(sep);
    let y = |text: &str, year: i32| text.replace("{year}", &year.to_string());
    let user = input.subject.user;
    let result = input.log.evaluate(year, None);
    let today = input.today;

    let or_not_given = |s: &str| {
        if s.trim().is_empty() {
            t.report_not_given.to_owned()
        } else {
            s.to_owned()
        }
    };
    let firm = if input.subject.org_number.trim().is_empty() {
        input.subject.firm_name.to_owned()
    } else {
        format!("{} ({})", input.subject.firm_name, input.subject.org_number)
    };
    let cover = vec![
        Field::new(t.report_name, or_not_given(&user.full_name)),
        Field::new(t.title_label, t.title_name(&user.title)),
        Field::new(
            t.admission_date,
            or_not_given(
                &input
                    .lang
                    .date_text(user.admission_date.as_deref().unwrap_or_default()),
            ),
        ),
        Field::new(t.report_firm, firm),
        Field::new(t.rule_set_label, t.rule_set_name(&input.log.rule_set)),
        Field::new(t.year_label, year.to_string()),
    ];

    let mut figures = vec![
        Field::new(t.fig_required, h(result.required)),
        Field::new(t.fig_counted, h(result.counted)),
        Field::new(t.fig_teacher_led, h(result.teacher_led)),
        Field::new(t.fig_e_learning, h(result.e_learning)),
    ];
    if result.excluded_e_learning > Hours::ZERO {
        figures.push(Field::new(
            t.report_e_excluded,
            h(result.excluded_e_learning),
        ));
    }
    figures.push(Field::new(
        y(t.report_carried_in, year - 1),
        h(result.carried_in),
    ));
    figures.push(Field::new(
        y(t.report_carry_out, year + 1),
        h(result.carry_out),
    ));
    figures.push(Field::new(t.fig_shortfall, h(result.shortfall)));
    let mut sections = vec![
        Section::Heading(t.report_summary.into()),
        Section::Fields(figures),
    ];
    if !result.windows.is_empty() {
        let rows = result
            .windows
            .iter()
            .map(|w| {
                let [span, hours, verifiable] = window_cells(w, h);
                let result = if w.ok { t.window_ok } else { t.window_short };
                vec![span, hours, verifiable, result.into()]
            })
            .collect();
        sections.push(Section::Heading(t.windows_caption.into()));
        sections.push(Section::Table {
            columns: vec![
                t.col_period.into(),
                t.col_hours.into(),
                t.col_verifiable.into(),
                t.col_result.into(),
            ],
            rows,
        });
    }
    sections.push(Section::Heading(t.report_explanation.into()));
    for line in result.explanation(input.lang.locale()) {
        sections.push(Section::Paragraph(line));
    }
    // Courses logged ahead of today are not in the figures: say so, as the pages do.
    if let Some(ahead) = input.log.not_yet_counted(year) {
        sections.push(Section::Paragraph(input.lang.not_counted_yet(&ahead)));
    }

    sections.push(Section::Heading(t.leave_title.into()));
    let first = Date::first_of_year(year).to_string();
    let last = Date::last_of_year(year).to_string();
    let leave: Vec<Vec<String>> = input
        .log
        .leaves
        .iter()
        .filter(|l| l.from <= last && l.to >= first)
        .map(|l| {
            vec![
                input.lang.date_text(&l.from),
                input.lang.date_text(&l.to),
                l.reason.clone(),
            ]
        })
        .collect();
    let exempt = input.log.exemptions.contains(&year);
    if leave.is_empty() && !exempt {
        sections.push(Section::Paragraph(y(t.report_leave_none, year)));
    }
    if !leave.is_empty() {
        sections.push(Section::Table {
            columns: vec![
                t.leave_from.into(),
                t.leave_to.into(),
                t.leave_reason.into(),
            ],
            rows: leave,
        });
    }
    if exempt {
        sections.push(Section::Paragraph(y(t.report_exempt, year)));
    }
    if !input.certificates.is_empty() {
        sections.push(Section::Paragraph(t.report_certificates_note.into()));
    }

    // The courses the calculator took for the year, and their certificates.
    let mut certificates = Vec::new();
    let mut sources = Vec::new();
    let mut rows = Vec::new();
    let mut total = Hours::ZERO;
    for entry in &input.log.entries {
        let Ok(date) = Date::parse(&entry.date) else {
            continue;
        };
        if date.year() != year || date > today {
            continue;
        }
        total = total.saturating_add(entry.hours());
        let heading = format!("{} · {}", input.lang.long_date(date), entry.title);
        let mut mine = Vec::new();
        for (source, cert) in input
            .certificates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.entry_id == entry.id)
        {
            mine.push(certificates.len());
            sources.push(source);
            certificates.push(Certificate {
                heading: heading.clone(),
                file_name: cert.file_name.clone(),
                excluded: None,
            });
        }
        rows.push(EntryRow {
            // The year is the report's: the table says the day and month as people do.
            date: input.lang.short_date(date),
            title: entry.title.clone(),
            provider: entry.provider.clone(),
            category: match Category::parse(&entry.category) {
                Some(Category::ELearning) => t.category_e_learning,
                _ => t.category_teacher_led,
            }
            .into(),
            hours: h(entry.hours()),
            certificates: mine,
        });
    }

    let spec = ReportSpec {
        report_id: input.report_id.to_owned(),
        title: y(t.report_title, year),
        cover,
        status: format!(
            "{} {year}: {}",
            t.status_label,
            t.status_name(result.status)
        ),
        verify_url: format!(
            "{}/verify/{}",
            input.public_url.trim_end_matches('/'),
            input.report_id
        ),
        verify_note: t.report_verify_note.into(),
        footer: t
            .report_footer
            .replace("{date}", &input.lang.long_date(today))
            .replace("{id}", input.report_id),
        sections,
        entries: EntriesTable {
            heading: y(t.report_entries, year),
            columns: [
                t.col_date,
                t.col_course,
                t.report_col_provider,
                t.col_category,
                t.col_hours,
                t.report_col_proof,
            ]
            .map(String::from),
            rows,
            total: Field::new(t.report_total, h(total)),
            empty: y(t.report_no_entries, year),
        },
        statement: Statement {
            heading: t.report_statement.into(),
            paragraphs: vec![
                y(t.report_statement_text, year),
                t.report_statement_auditor.into(),
            ],
            lines: vec![
                t.report_sign.into(),
                t.report_sign_name.into(),
                t.report_sign_place.into(),
            ],
        },
        certificates,
        labels: Labels {
            page: t.report_page.into(),
            proof_page: t.report_proof_page.into(),
            proof_none: "–".into(),
            proof_left_out: t.report_proof_left_out.into(),
            left_out_heading: t.report_left_out_heading.into(),
            left_out_intro: t.report_left_out_intro.into(),
            damaged: t.report_damaged.into(),
            encrypted: t.report_encrypted.into(),
            unreadable: t.report_unreadable.into(),
            missing: t.report_missing.into(),
            certificate_of: t.report_certificate_of.into(),
        },
    };
    (spec, sources)
}
