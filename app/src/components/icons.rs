//! The few icons the app uses, drawn here as inline SVG (no icon font, no request): 24-unit
//! strokes in the text colour, hidden from screen readers since a text label always goes
//! with them.

use leptos::prelude::*;

/// Which icon to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icon {
    Menu,
    User,
    ChevronDown,
    Upload,
    FilePdf,
    FileImage,
    Check,
    Alert,
    Clock,
    Calendar,
    Book,
}

impl Icon {
    /// The strokes of each icon, on a 24 × 24 grid.
    fn paths(self) -> &'static [&'static str] {
        match self {
            Icon::Menu => &["M4 6h16", "M4 12h16", "M4 18h16"],
            Icon::User => &[
                "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z",
                "M4 20a8 8 0 0 1 16 0",
            ],
            Icon::ChevronDown => &["M6 9l6 6 6-6"],
            Icon::Upload => &[
                "M12 16V4",
                "M7 9l5-5 5 5",
                "M4 16v3a1 1 0 0 0 1 1h14a1 1 0 0 0 1-1v-3",
            ],
            Icon::FilePdf => &[
                "M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z",
                "M14 3v5h5",
                "M8.5 16.5v-4h1.25a1.25 1.25 0 0 1 0 2.5H8.5",
                "M13 12.5v4h.75a1.5 2 0 0 0 0-4z",
            ],
            Icon::FileImage => &[
                "M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z",
                "M14 3v5h5",
                "M8 18l3-3.5 2 2 1.5-1.5L17 18z",
            ],
            Icon::Check => &["M5 12.5l4.5 4.5L19 7.5"],
            Icon::Alert => &["M12 4l9 16H3z", "M12 10v4", "M12 17.2v.1"],
            Icon::Clock => &["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M12 7.5V12l3 2"],
            Icon::Calendar => &[
                "M5 6h14a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1z",
                "M4 10h16",
                "M8 3.5v4",
                "M16 3.5v4",
            ],
            Icon::Book => &[
                "M5 4.5A1.5 1.5 0 0 1 6.5 3H19v15H6.5A1.5 1.5 0 0 0 5 19.5z",
                "M5 19.5A1.5 1.5 0 0 0 6.5 21H19v-3",
            ],
        }
    }
}

/// An icon of the given size classes (e.g. `h-5 w-5`), in the current text colour.
#[component]
pub fn IconSvg(icon: Icon, #[prop(default = "h-5 w-5")] class: &'static str) -> impl IntoView {
    view! {
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor"
            stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"
            focusable="false" class=format!("shrink-0 {class}")>
            {icon.paths().iter().map(|d| view! { <path d=*d/> }).collect_view()}
        </svg>
    }
}

/// The brand's mark: a sheet with a tick, in the brand's indigo.
#[component]
pub fn LogoMark(#[prop(default = "h-8 w-8")] class: &'static str) -> impl IntoView {
    view! {
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" aria-hidden="true" focusable="false" class=class>
            <rect width="32" height="32" rx="7" fill="#3730a3"/>
            <path d="M10 6.5h9l4.5 4.5v14.5H10z" fill="#fff"/>
            <path d="M19 6.5V11h4.5" fill="#c7d2fe"/>
            <path d="M13 18.2l2.6 2.6 4.9-5.6" fill="none" stroke="#3730a3" stroke-width="2.4"
                stroke-linecap="round" stroke-linejoin="round"/>
        </svg>
    }
}
