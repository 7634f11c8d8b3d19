//! English and Swedish, from day one.
//!
//! Every UI string is a field of [`Texts`], so a string missing in one language is a
//! compile error rather than a blank on a page. The language comes from the `lang` cookie
//! (set by the language switch), else the browser's `Accept-Language`, else English. The
//! server writes it into `<html lang>`; the browser reads it back from there when it
//! hydrates, so both render the same words.

mod en;
mod sv;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use en::EN;
pub use sv::SV;

/// Name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "lang";

/// The `Set-Cookie` value that remembers `lang` for a year (`Secure` over HTTPS).
pub fn lang_cookie(lang: Lang, secure: bool) -> String {
    format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{}",
        lang.code(),
        if secure { "; Secure" } else { "" }
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    Sv,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Sv];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Sv => "sv",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "sv" => Some(Lang::Sv),
            _ => None,
        }
    }

    /// The language's own name, as shown in the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Sv => "Svenska",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Sv => &SV,
        }
    }

    /// A date as people write it: "12 March 2026", "12 mars 2026" (ISO stays in the data).
    pub fn long_date(self, date: domain::Date) -> String {
        let month = self.texts().month_names[usize::from(date.month().saturating_sub(1)) % 12];
        format!("{} {month} {}", date.day(), date.year())
    }

    /// The calculator's language for its sentences.
    pub fn locale(self) -> domain::rules::Locale {
        match self {
            Lang::En => domain::rules::Locale::En,
            Lang::Sv => domain::rules::Locale::Sv,
        }
    }

    /// An ISO date (`2026-03-12`) as people write it; text that is not a date stays as it is.
    pub fn date_text(self, iso: &str) -> String {
        domain::Date::parse(iso).map_or_else(|_| iso.to_owned(), |d| self.long_date(d))
    }

    /// A moment (microseconds since 1970, UTC) as people write it: "12 March 2026, 14:05 UTC".
    pub fn moment(self, micros: i64) -> String {
        let secs = micros.div_euclid(1_000_000);
        let date = domain::Date::from_unix_days(secs.div_euclid(86_400));
        let of_day = secs.rem_euclid(86_400);
        format!(
            "{}, {:02}:{:02} UTC",
            self.long_date(date),
            of_day / 3600,
            of_day % 3600 / 60
        )
    }

    /// The same without the year, for dates within the year being shown: "31 Dec".
    pub fn short_date(self, date: domain::Date) -> String {
        let month = self.texts().month_names[usize::from(date.month().saturating_sub(1)) % 12];
        let short: String = month.chars().take(3).collect();
        format!("{} {short}", date.day())
    }

    /// "1 course dated after today is not counted yet: 3 h on 31 Dec" (page and report).
    pub fn not_counted_yet(self, ahead: &domain::rules::NotYetCounted) -> String {
        let t = self.texts();
        self.count(ahead.count, t.not_counted_yet_one, t.not_counted_yet_other)
            .replace(
                "{hours}",
                &ahead.hours.display_with(self.decimal_separator()),
            )
            .replace("{date}", &self.short_date(ahead.first))
    }

    /// `one` or `other` (each with `{n}`) by the count, as both languages need it.
    pub fn count(self, n: usize, one: &str, other: &str) -> String {
        if n == 1 { one } else { other }.replace("{n}", &n.to_string())
    }

    pub fn decimal_separator(self) -> char {
        match self {
            Lang::En => '.',
            Lang::Sv => ',',
        }
    }

    /// Picks the first supported language in an `Accept-Language` header, honouring
    /// q-values (`sv-SE;q=0.9, en;q=0.8`).
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(Lang, f32)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or_default().trim();
            let primary = tag.split('-').next().unwrap_or_default();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Lang::from_code(primary)
                && q > 0.0
                && best.is_none_or(|(_, best_q)| q > best_q)
            {
                best = Some((lang, q));
            }
        }
        best.map(|(lang, _)| lang)
    }

    /// Reads the `lang` cookie out of a `Cookie` header.
    pub fn from_cookie_header(header: &str) -> Option<Lang> {
        header.split(';').find_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            (name.trim() == LANG_COOKIE).then(|| Lang::from_code(value))?
        })
    }
}

/// A titled section of a long page (the policy pages).
#[derive(Debug)]
pub struct Section {
    pub heading: &'static str,
    pub paragraphs: &'static [&'static str],
}

/// Every string the interface shows, in one language.
#[derive(Debug)]
pub struct Texts {
    pub product: &'static str,
    pub tagline: &'static str,
    pub skip_to_content: &'static str,
    pub nav_label: &'static str,
    pub nav_home: &'static str,
    pub language_label: &'static str,
    pub footer_label: &'static str,
    pub footer_security: &'static str,
    pub footer_data_processing: &'static str,
    pub footer_subprocessors: &'static str,
    pub footer_note: &'static str,

    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub home_points: &'static [&'static str],

    pub qc_title: &'static str,
    pub qc_intro: &'static str,
    pub qc_teacher_led: &'static str,
    pub qc_teacher_led_hint: &'static str,
    pub qc_elearning: &'static str,
    pub qc_elearning_hint: &'static str,
    pub qc_submit: &'static str,
    pub qc_counted: &'static str,
    pub qc_of_required: &'static str,
    pub qc_remaining: &'static str,
    pub qc_met: &'static str,
    pub qc_dropped: &'static str,
    pub qc_error_teacher_led: &'static str,
    pub qc_error_elearning: &'static str,
    pub qc_live_note: &'static str,

    pub hours_not_a_number: &'static str,
    pub hours_not_a_quarter: &'static str,
    pub hours_too_large: &'static str,

    pub security_title: &'static str,
    pub security_sections: &'static [Section],
    pub data_processing_title: &'static str,
    pub data_processing_sections: &'static [Section],
    pub subprocessors_title: &'static str,
    pub subprocessors_intro: &'static str,
    pub subprocessors_columns: [&'static str; 4],
    pub subprocessors_rows: &'static [[&'static str; 4]],
    pub subprocessors_notice: &'static str,

    pub nav_sign_in: &'static str,
    pub nav_profile: &'static str,
    pub nav_security: &'static str,
    pub sign_out: &'static str,
    pub signed_in_as: &'static str,
    pub signin_title: &'static str,
    pub signin_intro: &'static str,
    pub signin_email_label: &'static str,
    pub signin_send: &'static str,
    pub code_title: &'static str,
    pub code_intro: &'static str,
    pub code_label: &'static str,
    pub code_submit: &'static str,
    pub code_resend: &'static str,
    pub code_other_address: &'static str,
    pub link_failed: &'static str,
    pub code_sent: &'static str,
    pub totp_title: &'static str,
    pub totp_intro: &'static str,
    pub totp_label: &'static str,
    pub totp_submit: &'static str,
    pub err_email_empty: &'static str,
    pub err_email_malformed: &'static str,
    pub err_email_too_long: &'static str,
    pub err_no_code: &'static str,
    pub err_other_browser: &'static str,
    pub err_code_wrong: &'static str,
    pub err_code_exhausted: &'static str,
    pub err_code_expired: &'static str,
    pub err_code_spent: &'static str,
    pub err_totp_wrong: &'static str,
    pub err_rate_limited_wait: &'static str,
    pub profile_title: &'static str,
    pub profile_intro: &'static str,
    pub profile_welcome: &'static str,
    pub full_name: &'static str,
    pub title_label: &'static str,
    pub title_advokat: &'static str,
    pub title_bitradande: &'static str,
    pub title_revisor: &'static str,
    pub title_other: &'static str,
    pub admission_date: &'static str,
    pub admission_hint: &'static str,
    pub birth_date: &'static str,
    pub birth_hint: &'static str,
    pub rule_set_label: &'static str,
    pub rule_set_hint: &'static str,
    pub rule_set_default: &'static str,
    pub rule_set_advokat: &'static str,
    pub rule_set_far: &'static str,
    pub rule_set_ri: &'static str,
    pub rule_set_none: &'static str,
    pub rule_set_dk: &'static str,
    pub rule_set_no: &'static str,
    pub rule_set_fi: &'static str,
    pub rule_set_ie: &'static str,
    pub rule_set_ew: &'static str,
    pub leave_link: &'static str,
    pub language_pref: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub err_name_required: &'static str,
    pub err_date: &'static str,
    pub err_admission_future: &'static str,
    /// An invitation asked for before the firm is named (the first profile).
    pub err_invite_profile_first: &'static str,
    /// The role field of an invitation (owners are made by handing over, not invited).
    pub err_role_invite: &'static str,
    /// The role field of a member change.
    pub err_role_member: &'static str,
    pub email_section: &'static str,
    pub email_current: &'static str,
    pub email_new: &'static str,
    pub email_send_code: &'static str,
    pub email_code_sent: &'static str,
    pub email_confirm: &'static str,
    pub email_changed: &'static str,
    pub err_email_taken: &'static str,
    pub security_page_title: &'static str,
    pub sessions_title: &'static str,
    pub sessions_device: &'static str,
    pub sessions_ip: &'static str,
    pub sessions_last_seen: &'static str,
    pub sessions_signed_in: &'static str,
    pub sessions_this: &'static str,
    pub sessions_revoke: &'static str,
    pub sessions_everywhere: &'static str,
    pub sessions_revoked: &'static str,
    pub totp_section: &'static str,
    pub totp_on: &'static str,
    pub totp_off: &'static str,
    pub totp_start: &'static str,
    pub totp_scan: &'static str,
    pub totp_key: &'static str,
    pub totp_qr_alt: &'static str,
    pub totp_confirm_label: &'static str,
    pub totp_confirm: &'static str,
    pub err_step_up_needed: &'static str,
    pub step_up_heading: &'static str,
    pub step_up_intro: &'static str,
    pub step_up_send: &'static str,
    pub step_up_sent: &'static str,
    pub step_up_label: &'static str,
    pub step_up_label_totp: &'static str,
    pub step_up_submit: &'static str,
    pub step_up_done: &'static str,
    pub recovery_saved: &'static str,
    pub recovery_title: &'static str,
    pub recovery_intro: &'static str,
    pub recovery_left: &'static str,
    pub totp_remove_label: &'static str,
    pub totp_remove: &'static str,
    pub totp_removed: &'static str,
    pub mailbox_title: &'static str,
    pub mailbox_intro: &'static str,
    pub mailbox_empty: &'static str,
    pub mailbox_to: &'static str,
    pub mailbox_subject: &'static str,
    pub mailbox_sent: &'static str,
    pub home_get_started: &'static str,

    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub not_found_home: &'static str,

    pub error_not_found: &'static str,
    pub error_unauthenticated: &'static str,
    pub error_forbidden: &'static str,
    pub error_bad_request: &'static str,
    pub error_busy: &'static str,
    pub firm_storage_used: &'static str,
    pub error_network: &'static str,
    pub error_internal: &'static str,
    // The training log and dashboard.
    pub nav_dashboard: &'static str,
    pub nav_log: &'static str,
    pub dashboard_title: &'static str,
    pub summary_heading: &'static str,
    pub history_heading: &'static str,
    pub status_label: &'static str,
    pub status_compliant: &'static str,
    pub status_on_track: &'static str,
    pub status_at_risk: &'static str,
    pub status_non_compliant: &'static str,
    pub status_exempt: &'static str,
    pub status_not_required: &'static str,
    pub progress_label: &'static str,
    pub fig_required: &'static str,
    pub fig_counted: &'static str,
    pub fig_shortfall: &'static str,
    pub fig_teacher_led: &'static str,
    pub fig_e_learning: &'static str,
    pub fig_carried_in: &'static str,
    pub fig_carry_out: &'static str,
    pub windows_caption: &'static str,
    pub window_ok: &'static str,
    pub window_short: &'static str,
    pub col_period: &'static str,
    pub col_hours: &'static str,
    pub col_verifiable: &'static str,
    pub col_result: &'static str,
    pub col_year: &'static str,
    pub col_status: &'static str,
    pub col_date: &'static str,
    pub col_course: &'static str,
    pub col_category: &'static str,
    pub col_actions: &'static str,
    pub col_line: &'static str,
    pub chart_caption: &'static str,
    pub year_label: &'static str,
    pub year_nav_label: &'static str,
    pub log_title: &'static str,
    pub log_add: &'static str,
    pub log_view: &'static str,
    pub log_empty: &'static str,
    pub search_label: &'static str,
    pub sort_label: &'static str,
    pub sort_newest: &'static str,
    pub sort_oldest: &'static str,
    pub sort_title: &'static str,
    pub sort_hours: &'static str,
    pub category_all: &'static str,
    pub category_teacher_led: &'static str,
    pub category_e_learning: &'static str,
    pub category_hint: &'static str,
    pub apply: &'static str,
    pub edit: &'static str,
    pub duplicate: &'static str,
    pub delete: &'static str,
    pub remove: &'static str,
    pub removed: &'static str,
    pub cancel: &'static str,
    pub not_verifiable: &'static str,
    pub export_csv: &'static str,
    pub export_csv_all: &'static str,
    pub entry_added: &'static str,
    pub entry_updated: &'static str,
    pub entry_deleted: &'static str,
    pub entry_duplicated: &'static str,
    pub entry_new_title: &'static str,
    pub entry_edit_title: &'static str,
    pub field_title: &'static str,
    pub field_provider: &'static str,
    pub field_verifiable: &'static str,
    pub field_topic: &'static str,
    pub topic_hint: &'static str,
    pub topic_none: &'static str,
    pub topic_ethics: &'static str,
    pub topic_non_legal: &'static str,
    pub topic_wellbeing: &'static str,
    pub topic_client_care: &'static str,
    pub field_notes: &'static str,
    pub hours_hint: &'static str,
    pub preview_heading: &'static str,
    pub preview_note: &'static str,
    pub err_entry_date_range: &'static str,
    pub err_entry_hours: &'static str,
    pub err_title_required: &'static str,
    pub err_too_long: &'static str,
    pub err_leave_order: &'static str,
    pub err_year: &'static str,
    pub leave_title: &'static str,
    pub leave_heading: &'static str,
    pub leave_intro: &'static str,
    pub leave_none: &'static str,
    pub leave_from: &'static str,
    pub leave_to: &'static str,
    pub leave_reason: &'static str,
    pub leave_reason_hint: &'static str,
    pub leave_add: &'static str,
    pub exemption_heading: &'static str,
    pub exemption_intro: &'static str,
    pub exemption_add: &'static str,
    pub import_title: &'static str,
    pub import_intro: &'static str,
    pub import_file: &'static str,
    pub import_paste: &'static str,
    pub import_preview: &'static str,
    pub import_confirm: &'static str,
    pub import_valid_rows: &'static str,
    pub import_invalid_rows: &'static str,
    pub import_row_ok: &'static str,
    pub import_skipped_note: &'static str,
    pub import_cancelled: &'static str,
    pub import_too_large: &'static str,
    pub import_no_header: &'static str,
    pub import_empty: &'static str,
    pub import_bad_row: &'static str,
    pub imported_count: &'static str,
    pub nav_audit: &'static str,
    pub audit_title: &'static str,
    pub audit_intro: &'static str,
    pub audit_intact: &'static str,
    pub audit_checkpoints: &'static str,
    pub audit_broken: &'static str,
    pub audit_public_key: &'static str,
    pub audit_action: &'static str,
    pub audit_all_actions: &'static str,
    pub audit_from: &'static str,
    pub audit_to: &'static str,
    pub audit_time: &'static str,
    pub audit_actor: &'static str,
    pub audit_target: &'static str,
    pub audit_export: &'static str,
    pub error_blocked: &'static str,
    pub err_firm_requires_second_factor: &'static str,
    pub invite_has_account: &'static str,
    pub err_changed_meanwhile: &'static str,
    pub err_owner_must_be_active: &'static str,
    pub err_last_owner: &'static str,
    pub err_delete_last_owner: &'static str,
    pub delete_heading: &'static str,
    pub delete_intro: &'static str,
    pub delete_step_up_first: &'static str,
    pub delete_button: &'static str,
    pub delete_pending: &'static str,
    pub export_title: &'static str,
    pub export_intro: &'static str,
    pub export_button: &'static str,
    pub export_step_up_first: &'static str,
    pub export_requested: &'static str,
    pub export_list: &'static str,
    pub export_download: &'static str,
    pub export_kept_until: &'static str,
    pub export_failed: &'static str,
    pub export_being_made: &'static str,
    pub nav_data: &'static str,
    pub delete_pending_by_firm: &'static str,
    pub delete_keep: &'static str,
    pub delete_requested: &'static str,
    pub delete_cancelled: &'static str,
    pub member_delete: &'static str,
    pub member_delete_pending: &'static str,
    pub member_delete_cancel: &'static str,
    pub firm_member_deletion_scheduled: &'static str,
    pub firm_member_deletion_cancelled: &'static str,
    pub removed_heading: &'static str,
    pub removed_intro: &'static str,
    pub removed_unnamed: &'static str,
    pub err_restricted_change: &'static str,
    pub err_held_delete: &'static str,
    pub err_remove_while_held: &'static str,
    pub history_too_many: &'static str,
    pub history_one_at_a_time: &'static str,
    pub history_quota: &'static str,
    pub bring_history_heading: &'static str,
    pub err_hold_reason: &'static str,
    pub err_hold_while_closing: &'static str,
    pub err_close_while_held: &'static str,
    pub hold_label: &'static str,
    pub hold_set: &'static str,
    pub hold_badge: &'static str,
    pub hold_lift: &'static str,
    pub firm_member_held: &'static str,
    pub firm_member_unheld: &'static str,
    pub held_notice: &'static str,
    pub retention_heading: &'static str,
    pub retention_intro: &'static str,
    pub retention_col_job: &'static str,
    pub retention_col_every: &'static str,
    pub retention_col_last: &'static str,
    pub retention_every_minute: &'static str,
    pub retention_every_minutes: &'static str,
    pub retention_every_day: &'static str,
    pub retention_not_yet: &'static str,
    pub retention_failed: &'static str,
    pub retention_purges_heading: &'static str,
    pub retention_purge: &'static str,
    pub retention_no_purges: &'static str,
    pub job_finalize_deletions: &'static str,
    pub job_expired_exports: &'static str,
    pub job_stale_history_uploads: &'static str,
    pub job_purge_people: &'static str,
    pub job_purge_firms: &'static str,
    pub job_expired_sign_in_data: &'static str,
    pub job_orphaned_files: &'static str,
    pub job_daily_backup: &'static str,
    pub history_too_large: &'static str,
    pub history_choose_file: &'static str,
    pub history_not_zip: &'static str,
    pub history_no_data: &'static str,
    pub history_schema: &'static str,
    pub history_course: &'static str,
    pub history_certificate: &'static str,
    pub history_intro: &'static str,
    pub history_file: &'static str,
    pub history_upload: &'static str,
    pub history_preview: &'static str,
    pub history_confirm: &'static str,
    pub history_cancel: &'static str,
    pub history_running: &'static str,
    pub history_done: &'static str,
    pub history_refused: &'static str,
    pub history_failed: &'static str,
    pub history_cancelled: &'static str,
    pub firm_closing_notice: &'static str,
    pub firm_closing_download: &'static str,
    pub err_close_choice: &'static str,
    pub close_heading: &'static str,
    pub close_intro: &'static str,
    pub close_choice_legend: &'static str,
    pub close_choice_export: &'static str,
    pub close_choice_delete: &'static str,
    pub close_button: &'static str,
    pub close_pending: &'static str,
    pub close_cancel: &'static str,
    pub close_cancelled: &'static str,
    pub close_requested: &'static str,
    pub err_firm_closing: &'static str,
    pub firm_export_heading: &'static str,
    pub firm_export_intro: &'static str,
    pub firm_export_button: &'static str,
    pub member_export_heading: &'static str,
    pub member_export_intro: &'static str,
    pub member_export_button: &'static str,
    pub export_of_you: &'static str,
    pub export_of_member: &'static str,
    pub export_of_firm: &'static str,
    pub err_export_busy: &'static str,
    pub restricted_notice: &'static str,
    pub restricted_badge: &'static str,
    pub member_restrict: &'static str,
    pub member_unrestrict: &'static str,
    pub firm_member_restricted: &'static str,
    pub firm_member_unrestricted: &'static str,
    pub restricted_no_status: &'static str,
    pub err_restricted_report: &'static str,
    pub correct_heading: &'static str,
    pub correct_intro: &'static str,
    pub correct_save: &'static str,
    pub correct_saved: &'static str,
    pub err_not_yourself: &'static str,
    pub err_firm_name: &'static str,
    pub err_org_number: &'static str,
    pub nav_firm: &'static str,
    pub firm_nav_label: &'static str,
    pub firm_overview_title: &'static str,
    pub firm_members_title: &'static str,
    pub firm_settings_title: &'static str,
    pub firm_people_one: &'static str,
    pub firm_people_other: &'static str,
    pub firm_behind: &'static str,
    pub firm_show: &'static str,
    pub firm_show_all: &'static str,
    pub firm_show_behind: &'static str,
    pub firm_sort_name: &'static str,
    pub firm_sort_shortfall: &'static str,
    pub firm_col_person: &'static str,
    pub firm_export: &'static str,
    pub firm_member_read_only: &'static str,
    pub member_blocked_badge: &'static str,
    pub role_label: &'static str,
    pub role_owner: &'static str,
    pub role_admin: &'static str,
    pub role_member: &'static str,
    pub role_save: &'static str,
    pub block: &'static str,
    pub unblock: &'static str,
    pub resend: &'static str,
    pub revoke: &'static str,
    pub invite_heading: &'static str,
    pub invite_intro: &'static str,
    pub invite_email: &'static str,
    pub invite_send: &'static str,
    pub invitation_expires: &'static str,
    pub invitation_expired: &'static str,
    pub invite_expired: &'static str,
    pub invite_join_heading: &'static str,
    pub invite_join_intro: &'static str,
    pub invite_join_as_member: &'static str,
    pub invite_join_as_admin: &'static str,
    pub invite_join_button: &'static str,
    pub invite_decline: &'static str,
    pub firm_invited: &'static str,
    pub firm_invitation_resent: &'static str,
    pub firm_invitation_revoked: &'static str,
    pub firm_member_blocked: &'static str,
    pub firm_member_unblocked: &'static str,
    pub firm_member_removed: &'static str,
    pub firm_name: &'static str,
    pub firm_org_number: &'static str,
    pub firm_org_number_hint: &'static str,
    pub firm_default_rule_set: &'static str,
    pub firm_default_rule_set_hint: &'static str,
    pub firm_require_second_factor: &'static str,
    pub firm_settings_owner_only: &'static str,
    pub cert_heading: &'static str,
    pub cert_intro: &'static str,
    pub cert_choose: &'static str,
    pub cert_camera: &'static str,
    pub cert_drop: &'static str,
    pub cert_upload: &'static str,
    pub cert_uploading: &'static str,
    pub cert_checking: &'static str,
    pub cert_done: &'static str,
    pub cert_none: &'static str,
    pub cert_open: &'static str,
    pub cert_download: &'static str,
    pub cert_delete: &'static str,
    pub cert_list_label: &'static str,
    pub cert_uploaded: &'static str,
    pub cert_deleted: &'static str,
    pub cert_already: &'static str,
    pub cert_also_on: &'static str,
    pub cert_links_note: &'static str,
    pub cert_refused_not_accepted: &'static str,
    pub cert_refused_too_large: &'static str,
    pub cert_refused_damaged: &'static str,
    pub cert_refused_too_many_pixels: &'static str,
    pub cert_refused_encrypted: &'static str,
    pub cert_refused_quota_full: &'static str,
    pub cert_refused_active_content: &'static str,
    pub cert_refused_unreadable: &'static str,
    pub cert_refused_count: &'static str,
    pub cert_count_label: &'static str,
    pub nav_reports: &'static str,
    pub report_title: &'static str,
    pub report_name: &'static str,
    pub report_firm: &'static str,
    pub report_not_given: &'static str,
    pub report_verify_note: &'static str,
    pub report_footer: &'static str,
    pub report_summary: &'static str,
    pub report_e_excluded: &'static str,
    pub report_carried_in: &'static str,
    pub report_carry_out: &'static str,
    pub report_explanation: &'static str,
    pub report_leave_none: &'static str,
    pub report_exempt: &'static str,
    pub report_entries: &'static str,
    pub report_col_provider: &'static str,
    pub report_col_proof: &'static str,
    pub report_total: &'static str,
    pub report_no_entries: &'static str,
    pub report_statement: &'static str,
    pub report_statement_text: &'static str,
    pub report_statement_auditor: &'static str,
    pub report_sign: &'static str,
    pub report_sign_name: &'static str,
    pub report_sign_place: &'static str,
    pub report_page: &'static str,
    pub report_proof_page: &'static str,
    pub report_proof_left_out: &'static str,
    pub report_left_out_heading: &'static str,
    pub report_left_out_intro: &'static str,
    pub report_damaged: &'static str,
    pub report_encrypted: &'static str,
    pub report_unreadable: &'static str,
    pub report_missing: &'static str,
    pub report_certificate_of: &'static str,
    pub report_certificates_note: &'static str,
    pub reports_heading: &'static str,
    pub reports_intro: &'static str,
    pub reports_language: &'static str,
    pub reports_create: &'static str,
    pub reports_none: &'static str,
    pub reports_queued: &'static str,
    pub reports_running: &'static str,
    pub reports_ready: &'static str,
    pub reports_failed: &'static str,
    pub reports_progress: &'static str,
    pub reports_download: &'static str,
    pub reports_delete: &'static str,
    pub reports_deleted: &'static str,
    pub reports_created: &'static str,
    pub reports_left_out_one: &'static str,
    pub reports_left_out_other: &'static str,
    pub reports_verify_link: &'static str,
    pub reports_failed_text: &'static str,
    pub reports_interrupted: &'static str,
    pub reports_quota_full: &'static str,
    pub reports_created_at: &'static str,
    pub reports_link: &'static str,
    pub err_report_busy: &'static str,
    pub err_report_quota: &'static str,
    pub err_report_year: &'static str,
    pub verify_heading: &'static str,
    pub verify_found: &'static str,
    pub verify_not_found: &'static str,
    pub verify_sha: &'static str,
    pub verify_id: &'static str,
    pub verify_file: &'static str,
    pub verify_check: &'static str,
    pub verify_match: &'static str,
    pub verify_mismatch: &'static str,
    pub verify_privacy: &'static str,
    pub verify_command: &'static str,
    pub verify_too_many: &'static str,
    pub verify_uploaded_sha: &'static str,
    pub verify_empty: &'static str,
    pub verify_too_large: &'static str,
    pub month_names: [&'static str; 12],
    pub err_fields_to_fix: &'static str,
    pub error_summary_heading: &'static str,
    pub err_too_long_n: &'static str,
    pub err_category_choice: &'static str,
    pub err_topic_choice: &'static str,
    pub notes_hint: &'static str,
    pub title_choose: &'static str,
    pub err_title_choice: &'static str,
    pub err_birth_future: &'static str,
    pub err_rule_set_choice: &'static str,
    pub err_language_choice: &'static str,
    pub firm_section_new: &'static str,
    pub firm_name_why: &'static str,
    /// A text field's count-down near its limit.
    pub chars_left_one: &'static str,
    pub chars_left_other: &'static str,
    pub not_counted_yet_one: &'static str,
    pub not_counted_yet_other: &'static str,
    pub not_counted_badge: &'static str,
    pub preview_not_counted: &'static str,
    pub preview_planned_note: &'static str,
    pub entries_one: &'static str,
    pub entries_other: &'static str,
    pub pages_one: &'static str,
    pub pages_other: &'static str,
    pub link_expired_title: &'static str,
    pub link_expired_body: &'static str,
    pub forbidden_title: &'static str,
    pub forbidden_body: &'static str,
    pub not_found_dashboard: &'static str,
    pub not_found_log: &'static str,
    pub import_row_spans_lines: &'static str,
    pub import_accepted: &'static [(&'static str, &'static str)],
    pub import_accepted_summary: &'static str,
    pub import_file_hint: &'static str,
    pub import_column_ignored: &'static str,
    pub import_read_as: &'static str,
    pub import_mapping_heading: &'static str,
    pub undo_course_gone: &'static str,
    pub confirm_delete_question: &'static str,
    pub confirm_delete_undo_note: &'static str,
    pub confirm_delete_yes: &'static str,
    pub undo_deleted: &'static str,
    pub undo: &'static str,
    pub undo_minutes_one: &'static str,
    pub undo_minutes_other: &'static str,
    pub confirm_with_certificates_one: &'static str,
    pub confirm_with_certificates_other: &'static str,
    pub member_courses_heading: &'static str,
    pub exemption_not_yet: &'static str,
    pub account_menu: &'static str,
    pub menu: &'static str,
    pub answer_to_go: &'static str,
    pub answer_met: &'static str,
    pub answer_surplus: &'static str,
    pub answer_missed: &'static str,
    pub days_left_one: &'static str,
    pub days_left_other: &'static str,
    pub next_step_label: &'static str,
    pub next_step_log: &'static str,
    pub next_step_certificate: &'static str,
    pub next_step_report: &'static str,
    pub next_step_missed: &'static str,
    pub more_actions: &'static str,
    pub chart_hours_axis: &'static str,
    pub history_from_label: &'static str,
    pub history_from_hint: &'static str,
    pub err_history_from: &'static str,
    pub file_chosen_one: &'static str,
    pub file_chosen_many: &'static str,
    pub cert_max_size: &'static str,
    pub cert_none_hint: &'static str,
    /// The audit log's events in words, by stored code (every code the app writes).
    pub audit_action_names: &'static [(&'static str, &'static str)],
    /// What an event was done to, by kind; `{detail}` is the year or count stored with it.
    pub audit_subject_names: &'static [(&'static str, &'static str)],
    /// Shown with the stored code of an event this version has no name for.
    pub audit_unknown_action: &'static str,
    pub audit_system: &'static str,
    pub audit_anonymous: &'static str,
    pub audit_former_member: &'static str,
    pub audit_former_named: &'static str,
    pub audit_invitation_to: &'static str,
    pub audit_showing: &'static str,
    pub audit_no_events: &'static str,
    pub audit_newer: &'static str,
    pub audit_older: &'static str,
    pub audit_pages: &'static str,
}

impl Texts {
    /// Why an upload was refused, and what to do, from the refusal's code.
    pub fn upload_refusal(&self, code: &str, max_mb: u64) -> String {
        let text = match code {
            "too_large" => self.cert_refused_too_large,
            "damaged" => self.cert_refused_damaged,
            "too_many_pixels" => self.cert_refused_too_many_pixels,
            "encrypted" => self.cert_refused_encrypted,
            "unreadable" => self.cert_refused_unreadable,
            "quota_full" => self.cert_refused_quota_full,
            "active_content" => self.cert_refused_active_content,
            _ => self.cert_refused_not_accepted,
        };
        text.replace("{max}", &max_mb.to_string())
    }
}

/// The language of the current page: on the server from the request, in the browser from
/// `<html lang>` written by the server.
pub fn current_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| request_lang(&parts.headers))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document_lang()
    }
}

#[cfg(feature = "ssr")]
pub fn request_lang(headers: &http::HeaderMap) -> Lang {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    header(http::header::COOKIE)
        .and_then(Lang::from_cookie_header)
        .or_else(|| header(http::header::ACCEPT_LANGUAGE).and_then(Lang::from_accept_language))
        .unwrap_or_default()
}

#[cfg(not(feature = "ssr"))]
fn document_lang() -> Lang {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|code| Lang::from_code(&code))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Lang::default()
    }
}

/// Puts the page language into context; call once at the top of the app.
pub fn provide_lang() -> Lang {
    let lang = current_lang();
    provide_context(lang);
    lang
}

/// The page language, as provided by [`provide_lang`] (or, in an island, the document).
pub fn use_lang() -> Lang {
    // An island hydrates without the server's context: it reads `<html lang>` instead.
    use_context::<Lang>().unwrap_or_else(current_lang)
}

/// The strings of the page language.
pub fn use_texts() -> &'static Texts {
    use_lang().texts()
}

/// A window's period ("2024–2026"), hours ("52 / 120") and verifiable hours, as the
/// dashboard's table and the report print them; "–" where the window has no such rule.
pub fn window_cells(
    w: &domain::rules::WindowResult,
    h: impl Fn(domain::Hours) -> String,
) -> [String; 3] {
    let span = if w.from == w.to {
        w.from.to_string()
    } else {
        format!("{}–{}", w.from, w.to)
    };
    let hours = match w.required {
        Some(required) => format!("{} / {}", h(w.counted), h(required)),
        None => "– / –".into(),
    };
    let verifiable = match (w.verifiable, w.required_verifiable) {
        (Some(v), Some(r)) => format!("{} / {}", h(v), h(r)),
        _ => "–".into(),
    };
    [span, hours, verifiable]
}

impl Texts {
    /// What is wrong with one field of a course, and what to do.
    pub fn entry_problem(&self, problem: domain::EntryProblem) -> String {
        use domain::EntryProblem;
        match problem {
            EntryProblem::DateUnreadable => self.err_date.to_owned(),
            EntryProblem::DateOutOfRange => self.err_entry_date_range.to_owned(),
            EntryProblem::TitleRequired => self.err_title_required.to_owned(),
            EntryProblem::TooLong { max } => self.err_too_long_n.replace("{n}", &max.to_string()),
            EntryProblem::HoursOutOfRange => self.err_entry_hours.to_owned(),
            EntryProblem::CategoryChoice => self.err_category_choice.to_owned(),
            EntryProblem::TopicChoice => self.err_topic_choice.to_owned(),
        }
    }

    /// A compliance status in words.
    pub fn status_name(&self, status: domain::rules::Status) -> &'static str {
        use domain::rules::Status;
        match status {
            Status::Compliant => self.status_compliant,
            Status::OnTrack => self.status_on_track,
            Status::AtRisk => self.status_at_risk,
            Status::NonCompliant => self.status_non_compliant,
            Status::Exempt => self.status_exempt,
            Status::NotRequired => self.status_not_required,
        }
    }

    /// A professional title's name, from its id in the profile.
    pub fn title_name(&self, id: &str) -> &'static str {
        match id {
            "advokat" => self.title_advokat,
            "bitradande_jurist" => self.title_bitradande,
            "auktoriserad_revisor" => self.title_revisor,
            _ => self.title_other,
        }
    }

    /// A rule set's name, from its id.
    pub fn rule_set_name(&self, id: &str) -> &'static str {
        match id {
            "se-advokat" => self.rule_set_advokat,
            "se-revisor-far" => self.rule_set_far,
            "se-revisor-ri" => self.rule_set_ri,
            "dk-advokat" => self.rule_set_dk,
            "no-advokat" => self.rule_set_no,
            "fi-asianajaja" => self.rule_set_fi,
            "ie-solicitor" => self.rule_set_ie,
            "ew-sra" => self.rule_set_ew,
            _ => self.rule_set_none,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_honours_quality() {
        assert_eq!(
            Lang::from_accept_language("sv-SE,sv;q=0.9,en;q=0.8"),
            Some(Lang::Sv)
        );
        assert_eq!(
            Lang::from_accept_language("de-DE, en;q=0.5, sv;q=0.7"),
            Some(Lang::Sv)
        );
        assert_eq!(Lang::from_accept_language("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("de, fr"), None);
        assert_eq!(Lang::from_accept_language("sv;q=0"), None);
    }

    #[test]
    fn cookie_header_is_read() {
        assert_eq!(
            Lang::from_cookie_header("a=b; lang=sv; c=d"),
            Some(Lang::Sv)
        );
        assert_eq!(Lang::from_cookie_header("lang=xx"), None);
        assert_eq!(Lang::from_cookie_header("language=sv"), None);
    }

    #[test]
    fn both_languages_fill_every_list_alike() {
        assert_eq!(EN.home_points.len(), SV.home_points.len());
        assert_eq!(EN.security_sections.len(), SV.security_sections.len());
        assert_eq!(
            EN.data_processing_sections.len(),
            SV.data_processing_sections.len()
        );
        assert_eq!(EN.subprocessors_rows.len(), SV.subprocessors_rows.len());
    }
}
