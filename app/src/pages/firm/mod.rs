//! The firm's pages, for its owners and admins.

mod audit;
mod member;
mod members;
mod overview;
mod settings;

pub use audit::FirmAudit;
pub use member::FirmMember;
pub use members::FirmMembers;
pub use overview::FirmOverview;
pub use settings::FirmSettingsPage;

use crate::i18n::use_texts;
use leptos::prelude::*;

/// The firm pages' own navigation.
#[component]
pub fn FirmNav() -> impl IntoView {
    let t = use_texts();
    let link = "rounded border border-slate-300 px-3 py-1 focus-ring";
    view! {
        <nav aria-label=t.firm_nav_label>
            <ul class="flex flex-wrap gap-2">
                <li><a href="/firm/overview" class=link>{t.firm_overview_title}</a></li>
                <li><a href="/firm/members" class=link>{t.firm_members_title}</a></li>
                <li><a href="/firm/settings" class=link>{t.firm_settings_title}</a></li>
                <li><a href="/firm/audit" class=link>{t.audit_title}</a></li>
            </ul>
        </nav>
    }
}
