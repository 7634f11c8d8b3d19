//! The emails we send, in English and Swedish, as plain text and HTML.

use super::OutgoingMail;
use crate::i18n::Lang;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html_page(lang: Lang, paragraphs: &[String]) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>CPD Registry</title></head>\
         <body style=\"font-family: sans-serif; line-height: 1.5; color: #0f172a\">\n{body}</body></html>\n",
        lang.code()
    )
}

/// The sign-in code and its one-click link. The same mail (apart from one sentence) goes
/// to a known and an unknown address, so the mail itself is the only place that differs.
pub fn sign_in_code(
    lang: Lang,
    to: &str,
    code: &str,
    link: &str,
    new_account: bool,
) -> OutgoingMail {
    let (subject, intro, link_text, new_text, ignore) = match lang {
        Lang::En => (
            format!("Your CPD Registry sign-in code: {code}"),
            format!(
                "Your sign-in code is {code}. It works for 10 minutes, once, in the browser where you asked for it."
            ),
            "Or sign in with one click:",
            "Signing in creates your CPD Registry account.",
            "If you did not ask to sign in, you can ignore this email: nothing happens without the code.",
        ),
        Lang::Sv => (
            format!("Din inloggningskod till CPD Registry: {code}"),
            format!(
                "Din inloggningskod är {code}. Den gäller i 10 minuter, en gång, i webbläsaren där du bad om den."
            ),
            "Eller logga in med ett klick:",
            "När du loggar in skapas ditt konto i CPD Registry.",
            "Om du inte har bett om att logga in kan du bortse från det här meddelandet: inget händer utan koden.",
        ),
    };
    let mut text = format!("{intro}\n\n{link_text}\n{link}\n\n");
    let mut html = vec![
        escape(&intro),
        format!(
            "{} <a href=\"{}\">{}</a>",
            escape(link_text),
            escape(link),
            escape(link)
        ),
    ];
    if new_account {
        text.push_str(new_text);
        text.push_str("\n\n");
        html.push(escape(new_text));
    }
    text.push_str(ignore);
    text.push('\n');
    html.push(escape(ignore));
    OutgoingMail {
        to: to.to_owned(),
        subject,
        text,
        html: html_page(lang, &html),
    }
}

/// A code to confirm a new email address, sent to the new address.
pub fn email_change_code(lang: Lang, to: &str, code: &str) -> OutgoingMail {
    let (subject, body) = match lang {
        Lang::En => (
            format!("Confirm your new email address: {code}"),
            format!(
                "Enter the code {code} in CPD Registry to make this your sign-in address. It works for 10 minutes."
            ),
        ),
        Lang::Sv => (
            format!("Bekräfta din nya e-postadress: {code}"),
            format!(
                "Ange koden {code} i CPD Registry för att använda den här adressen för inloggning. Den gäller i 10 minuter."
            ),
        ),
    };
    OutgoingMail {
        to: to.to_owned(),
        subject,
        text: format!("{body}\n"),
        html: html_page(lang, &[escape(&body)]),
    }
}

/// The code that confirms it is the person before a sensitive change of their account.
pub fn step_up_code(lang: Lang, to: &str, code: &str) -> OutgoingMail {
    let (subject, body) = match lang {
        Lang::En => (
            format!("Confirm it is you: {code}"),
            format!(
                "Enter the code {code} in CPD Registry to confirm it is you before changing your sign-in address, authenticator app or sessions. It works for 10 minutes. If you did not ask for it, someone may be using your account: sign out everywhere."
            ),
        ),
        Lang::Sv => (
            format!("Bekräfta att det är du: {code}"),
            format!(
                "Ange koden {code} i CPD Registry för att bekräfta att det är du innan du ändrar inloggningsadress, autentiseringsapp eller sessioner. Den gäller i 10 minuter. Om du inte bad om den kan någon använda ditt konto: logga ut överallt."
            ),
        ),
    };
    OutgoingMail {
        to: to.to_owned(),
        subject,
        text: format!("{body}\n"),
        html: html_page(lang, &[escape(&body)]),
    }
}

/// A notice to the old address that the sign-in address was changed.
pub fn email_changed_notice(lang: Lang, to: &str, new_address: &str) -> OutgoingMail {
    let new_address = &mail_safe_address(new_address);
    let (subject, body) = match lang {
        Lang::En => (
            "Your CPD Registry sign-in address was changed".to_owned(),
            format!(
                "Your sign-in address is now {new_address}. If you did not do this, contact your firm's administrator at once."
            ),
        ),
        Lang::Sv => (
            "Din inloggningsadress i CPD Registry har ändrats".to_owned(),
            format!(
                "Din inloggningsadress är nu {new_address}. Om det inte var du, kontakta genast din byrås administratör."
            ),
        ),
    };
    OutgoingMail {
        to: to.to_owned(),
        subject,
        text: format!("{body}\n"),
        html: html_page(lang, &[escape(&body)]),
    }
}

/// The person's account is to be deleted on `day` (they asked, or their firm did): said at
/// once, so a request they did not make (a stolen session, a firm acting without telling
/// them) does not go unnoticed.
pub fn deletion_scheduled(lang: Lang, to: &str, day: &str, by_firm: bool) -> OutgoingMail {
    let (subject, body) = match (lang, by_firm) {
        (Lang::En, false) => (
            "Your CPD Registry account will be deleted".to_owned(),
            format!(
                "You asked for your account and all its data to be deleted. This happens on {day}. To keep your account, sign in before then and choose \"Keep my account\". If you did not ask for this, sign in and keep it at once."
            ),
        ),
        (Lang::En, true) => (
            "Your firm asked for your CPD Registry account to be deleted".to_owned(),
            format!(
                "Your firm asked for your account and all its data to be deleted. This happens on {day}. If you did not expect this, contact your firm before then; you can download your data until then."
            ),
        ),
        (Lang::Sv, false) => (
            "Ditt konto i CPD Registry kommer att raderas".to_owned(),
            format!(
                "Du har bett om att ditt konto och alla dess uppgifter raderas. Det sker den {day}. Om du vill behålla kontot loggar du in före dess och väljer \"Behåll mitt konto\". Om det inte var du som bad om det, logga in och behåll det genast."
            ),
        ),
        (Lang::Sv, true) => (
            "Din byrå har bett om att ditt konto i CPD Registry raderas".to_owned(),
            format!(
                "Din byrå har bett om att ditt konto och alla dess uppgifter raderas. Det sker den {day}. Om du inte väntade dig det, kontakta din byrå före dess."
            ),
        ),
    };
    OutgoingMail {
        to: to.to_owned(),
        subject,
        text: format!("{body}\n"),
        html: html_page(lang, &[escape(&body)]),
    }
}

/// Tells a person of a firm that is closing: on `day` their account and data are deleted
/// with the firm's; they can download their data until then.
pub fn firm_closing(lang: Lang, to: &str, day: &str) -> OutgoingMail {
    let (subject, body) = match lang {
        Lang::En => (
            "Your firm is closing its CPD Registry account".to_owned(),
            format!(
                "The owner of your firm has closed the firm's account. On {day} the firm is deleted, with your account and all its data. Until then you can sign in and download your data under Your data; if you move to another firm, you can bring that archive along."
            ),
        ),
        Lang::Sv => (
            "Din byrå avslutar sitt konto i CPD Registry".to_owned(),
            format!(
                "Byråns ägare har avslutat byråns konto. Den {day} raderas byrån, med ditt konto och alla dess uppgifter. Fram till dess kan du logga in och ladda ned dina uppgifter under Dina uppgifter; om du går till en annan byrå kan du ta med det arkivet."
            ),
        ),
    };
    OutgoingMail {
        to: to.to_owned(),
        subject,
        text: format!("{body}\n"),
        html: html_page(lang, &[escape(&body)]),
    }
}

/// Characters that are never seen but change what is seen: bidirectional marks and
/// overrides (that could make "moc.knab" read as "bank.com"), and the zero-width and other
/// format characters (Unicode's Cf) that could hide inside a name to make it look like
/// another, or split a word a filter looks for.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}'
        | '\u{0600}'..='\u{0605}'
        | '\u{061C}'
        | '\u{06DD}'
        | '\u{070F}'
        | '\u{0890}'..='\u{0891}'
        | '\u{08E2}'
        | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{110BD}'
        | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}'
        | '\u{E0020}'..='\u{E007F}'
    )
}

/// A name someone else typed, made safe to put in a mail: control characters (new lines
/// that could forge headers or paragraphs) become spaces, invisible characters (see
/// [`is_invisible`]) are removed, runs of space folded, and the length capped.
pub fn mail_safe(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .filter(|c| !is_invisible(*c))
        .collect();
    cleaned
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(120)
        .collect()
}

/// An address someone else typed, as a mail shows it: without control or invisible
/// characters (an address may hold them; shown, they could disguise it).
pub fn mail_safe_address(address: &str) -> String {
    address
        .chars()
        .filter(|c| !c.is_control() && !is_invisible(*c))
        .collect()
}

/// An invitation to join a firm: the link leads to sign-in with this address.
pub fn invitation(lang: Lang, to: &str, firm: &str, inviter: &str, link: &str) -> OutgoingMail {
    let firm = &mail_safe(firm);
    let inviter = &mail_safe(inviter);
    let shown_to = &mail_safe_address(to);
    let (subject, body, ignore) = match lang {
        Lang::En => (
            format!("{inviter} invites you to {firm} on CPD Registry"),
            format!(
                "{inviter} invites you to log your continuing professional development with {firm} on CPD Registry. Open the link below and sign in with this address ({shown_to}); the link works for 7 days."
            ),
            "If you do not know the sender, ignore this email: nothing happens unless you sign in.",
        ),
        Lang::Sv => (
            format!("{inviter} bjuder in dig till {firm} i CPD Registry"),
            format!(
                "{inviter} bjuder in dig att registrera din vidareutbildning hos {firm} i CPD Registry. Öppna länken nedan och logga in med den här adressen ({shown_to}); länken gäller i 7 dagar."
            ),
            "Om du inte känner avsändaren kan du bortse från meddelandet: inget händer om du inte loggar in.",
        ),
    };
    OutgoingMail {
        to: to.to_owned(),
        subject,
        text: format!("{body}\n\n{link}\n\n{ignore}\n"),
        html: html_page(
            lang,
            &[
                escape(&body),
                format!("<a href=\"{}\">{}</a>", escape(link), escape(link)),
                escape(ignore),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::snapshot::assert_snapshot;

    fn shown(mail: &OutgoingMail) -> String {
        format!(
            "To: {}\nSubject: {}\n\n{}\n--- html\n{}\n",
            mail.to, mail.subject, mail.text, mail.html
        )
    }

    /// Every mail we send, in both languages, as the person receives it.
    #[test]
    fn every_mail_in_both_languages() {
        for lang in [Lang::En, Lang::Sv] {
            let code = lang.code();
            let link = "https://cpd.example.se/sign-in/link?c=abc";
            for (name, mail) in [
                (
                    "sign_in_code",
                    sign_in_code(lang, "anna@berg.se", "123456", link, false),
                ),
                (
                    "sign_in_code_new_account",
                    sign_in_code(lang, "new@berg.se", "123456", link, true),
                ),
                (
                    "email_change_code",
                    email_change_code(lang, "anna@new.se", "654321"),
                ),
                ("step_up_code", step_up_code(lang, "anna@berg.se", "112233")),
                (
                    "email_changed_notice",
                    email_changed_notice(lang, "anna@berg.se", "anna@new.se"),
                ),
                (
                    "deletion_scheduled",
                    deletion_scheduled(lang, "anna@berg.se", "31 December 2026", false),
                ),
                (
                    "deletion_scheduled_by_firm",
                    deletion_scheduled(lang, "anna@berg.se", "31 December 2026", true),
                ),
                (
                    "invitation",
                    invitation(
                        lang,
                        "erik@berg.se",
                        "Berg & Lind Advokatbyrå AB",
                        "Anna Berg",
                        "https://cpd.example.se/invite/x",
                    ),
                ),
            ] {
                assert_snapshot(&format!("mail_{name}_{code}"), &shown(&mail));
            }
        }
    }

    #[test]
    fn names_in_mail_lose_control_and_bidi_characters() {
        assert_eq!(mail_safe("Lind\r\nBcc: x@evil\u{7}"), "Lind Bcc: x@evil");
        assert_eq!(
            mail_safe("Bank \u{202E}moc.knab\u{202C} AB"),
            "Bank moc.knab AB"
        );
        assert_eq!(mail_safe("\u{2067}x\u{2069}\u{200F}"), "x");
    }

    #[test]
    fn names_and_addresses_in_mail_lose_zero_width_and_format_characters() {
        for (hidden, plain) in [
            ("Pay\u{200B}Pal", "PayPal"),
            ("Pay\u{200C}Pal", "PayPal"),
            ("Pay\u{200D}Pal", "PayPal"),
            ("Pay\u{2060}Pal", "PayPal"),
            ("\u{FEFF}PayPal", "PayPal"),
            ("Pay\u{00AD}Pal", "PayPal"),
            ("Pay\u{2062}Pal\u{E0041}", "PayPal"),
            ("Pay \u{200B} Pal", "Pay Pal"),
        ] {
            assert_eq!(mail_safe(hidden), plain, "{hidden:?}");
        }
        assert_eq!(
            mail_safe_address("se\u{200B}curity\u{202E}@bank.se"),
            "security@bank.se"
        );
        let mail = invitation(
            Lang::Sv,
            "a\u{200D}b@c.se",
            "Bank\u{200B}en",
            "\u{FEFF}Eve",
            "https://x/invite",
        );
        for part in [&mail.subject, &mail.text, &mail.html] {
            assert!(
                !part.contains(['\u{200B}', '\u{200D}', '\u{FEFF}']),
                "{part}"
            );
        }
        assert!(
            mail.subject.starts_with("Eve bjuder in dig till Banken"),
            "{}",
            mail.subject
        );
        let notice = email_changed_notice(Lang::En, "old@c.se", "new\u{2060}@c.se");
        assert!(notice.text.contains("now new@c.se."), "{}", notice.text);
        let mail = invitation(
            Lang::En,
            "a@b.se",
            "Firm\u{202E}\nX",
            "Eve\r\n",
            "https://x/invite",
        );
        assert!(
            !mail.subject.contains(['\r', '\n', '\u{202E}']),
            "{}",
            mail.subject
        );
        assert!(
            mail.subject.starts_with("Eve invites you to Firm X"),
            "{}",
            mail.subject
        );
    }

    #[test]
    fn the_code_mail_carries_code_and_link_in_both_forms() {
        let mail = sign_in_code(
            Lang::Sv,
            "a@b.se",
            "012345",
            "https://x/sign-in/link?c=1&t=2",
            false,
        );
        assert!(mail.subject.contains("012345"));
        assert!(mail.text.contains("https://x/sign-in/link?c=1&t=2"));
        assert!(mail.html.contains("https://x/sign-in/link?c=1&amp;t=2"));
        assert!(mail.html.contains("lang=\"sv\""));
    }

    #[test]
    fn html_is_escaped() {
        let mail = email_changed_notice(Lang::En, "a@b.se", "<script>@x.se");
        assert!(!mail.html.contains("<script>"));
    }
}
