//! Why the calculator reached its answer, as sentences a person can read in English or
//! Swedish. The calculator records reasons as data; the words live only here, and the
//! sentences about the status and what is missing are made in one place, [`compose`], from
//! the result's own figures.

use super::needs::{self, Need};
use super::{Evaluation, Status, Topic};
use crate::{Date, Hours};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    En,
    Sv,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    Met {
        year: i32,
        required: Hours,
        counted: Hours,
    },
    Short {
        year: i32,
        required: Hours,
        counted: Hours,
        shortfall: Hours,
    },
    OnPace {
        year: i32,
        required: Hours,
        counted: Hours,
        shortfall: Hours,
    },
    BehindPace {
        year: i32,
        required: Hours,
        counted: Hours,
        shortfall: Hours,
    },
    ECap {
        counted: Hours,
        logged: Hours,
        dropped: Hours,
        cap: Hours,
    },
    TopicCap {
        topic: Topic,
        dropped: Hours,
        cap: Hours,
    },
    TopicShort {
        topic: Topic,
        counted: Hours,
        required: Hours,
    },
    Exempt {
        year: i32,
    },
    ExemptionIgnored {
        year: i32,
        age: i32,
    },
    Suspended {
        year: i32,
        credit: Hours,
    },
    BeforeAdmission {
        year: i32,
    },
    LeaveReduces {
        required: Hours,
    },
    CarriedIn {
        hours: Hours,
        from: i32,
    },
    CarriedLost {
        hours: Hours,
    },
    CarryOut {
        hours: Hours,
        into: i32,
    },
    WindowShort {
        from: i32,
        to: i32,
        required: Hours,
        counted: Hours,
    },
    VerifiableShort {
        from: i32,
        to: i32,
        required: Hours,
        counted: Hours,
    },
    YearShort {
        year: i32,
        required: Hours,
        counted: Hours,
    },
    WindowsMet {
        from: i32,
        to: i32,
    },
    Declaration,
    NoRuleSet,
    Unconfirmed,
    Units {
        minutes: u32,
    },
    /// What is still to be logged by `by`: the result's needs with that deadline
    /// (`passed`: the deadline is behind the date of the evaluation).
    Needed {
        hours: Hours,
        by: Date,
        needs: Vec<Need>,
        passed: bool,
    },
    /// An earlier year of the window `from`–`to` missed its own floor and is over.
    YearMissed {
        year: i32,
        required: Hours,
        counted: Hours,
        from: i32,
        to: i32,
    },
    /// A window rule set not met (`status` is non-compliant, on-track or at-risk; `missed`:
    /// an earlier year can no longer be met).
    WindowsShort {
        from: i32,
        to: i32,
        shortfall: Hours,
        status: Status,
        missed: bool,
    },
}

/// The explanation of `result`: every sentence about its status, its shortfall and what is
/// missing is made here from the result's own figures, so none can contradict the status
/// (no shortfall sentence when it is met, no "0 short" when it is not). `notes` are what the
/// calculator found on the way that holds whatever the status (caps, leave, carry-over, why
/// nothing is required, units); they follow, in their order.
pub fn compose(result: &Evaluation, notes: &[Reason]) -> Vec<Reason> {
    let r = result;
    let windowed = r.from < r.year;
    let (year, required, counted, shortfall) = (r.year, r.required, r.counted, r.shortfall);
    let head = match r.status {
        Status::Exempt | Status::NotRequired => None,
        Status::Compliant if windowed => Some(Reason::WindowsMet {
            from: r.from,
            to: year,
        }),
        Status::Compliant => Some(Reason::Met {
            year,
            required,
            counted,
        }),
        status if windowed => Some(Reason::WindowsShort {
            from: r.from,
            to: year,
            shortfall,
            status,
            missed: !r.missed_years.is_empty(),
        }),
        Status::NonCompliant => Some(Reason::Short {
            year,
            required,
            counted,
            shortfall,
        }),
        Status::OnTrack => Some(Reason::OnPace {
            year,
            required,
            counted,
            shortfall,
        }),
        Status::AtRisk => Some(Reason::BehindPace {
            year,
            required,
            counted,
            shortfall,
        }),
    };
    let short = head.is_some() && r.status != Status::Compliant;
    let mut out: Vec<Reason> = head.into_iter().collect();
    if short {
        out.extend(r.missed_years.iter().map(|m| Reason::YearMissed {
            year: m.year,
            required: m.required,
            counted: m.counted,
            from: r.from,
            to: year,
        }));
        let mut deadlines: Vec<Date> = r.needs.iter().map(|n| n.by).collect();
        deadlines.sort();
        deadlines.dedup();
        for by in deadlines {
            let group: Vec<Need> = r.needs.iter().filter(|n| n.by == by).cloned().collect();
            out.push(Reason::Needed {
                hours: needs::total(&group),
                by,
                needs: group,
                passed: r.as_of > by,
            });
        }
        for w in r.windows.iter().filter(|w| !w.ok) {
            let required = w.required.unwrap_or(Hours::ZERO);
            if w.every_year {
                if !r.missed_years.iter().any(|m| m.year == w.from) {
                    out.push(Reason::YearShort {
                        year: w.from,
                        required,
                        counted: w.counted,
                    });
                }
            } else if let Some(topic) = w.topic {
                out.push(Reason::TopicShort {
                    topic,
                    counted: w.counted,
                    required,
                });
            } else {
                if w.required.is_some() && w.counted < required {
                    out.push(Reason::WindowShort {
                        from: w.from,
                        to: w.to,
                        required,
                        counted: w.counted,
                    });
                }
                if let (Some(required), Some(counted)) = (w.required_verifiable, w.verifiable)
                    && counted < required
                {
                    out.push(Reason::VerifiableShort {
                        from: w.from,
                        to: w.to,
                        required,
                        counted,
                    });
                }
            }
        }
    }
    out.extend(notes.iter().cloned());
    out
}

/// "31 Dec 2026" / "31 dec 2026".
fn day(date: Date, locale: Locale) -> String {
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const SV: [&str; 12] = [
        "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    ];
    let months = match locale {
        Locale::En => &EN,
        Locale::Sv => &SV,
    };
    let month = months[usize::from(date.month().clamp(1, 12) - 1)];
    format!("{} {month} {}", date.day(), date.year())
}

/// "a", "a and b", "a, b and c" (or "och").
fn list(items: &[String], locale: Locale) -> String {
    let and = match locale {
        Locale::En => " and ",
        Locale::Sv => " och ",
    };
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{}{and}{last}", init.join(", ")),
    }
}

impl Need {
    /// What must be true of the hours: "verifiable", "teacher-led", "of ethics", "outside
    /// non-legal subjects" (empty for hours of any kind).
    fn qualities(&self, locale: Locale) -> Vec<String> {
        let mut q = Vec::new();
        if self.verifiable {
            q.push(match locale {
                Locale::En => "verifiable".to_owned(),
                Locale::Sv => "verifierbara".to_owned(),
            });
        }
        if self.teacher_led {
            q.push(match locale {
                Locale::En => "teacher-led".to_owned(),
                Locale::Sv => "lärarledda".to_owned(),
            });
        }
        if let Some(topic) = self.topic {
            q.push(match locale {
                Locale::En => format!("of {}", topic.name(locale)),
                Locale::Sv => topic.name(locale).to_owned(),
            });
        } else if !self.not_topics.is_empty() {
            let names: Vec<&str> = self.not_topics.iter().map(|t| t.name(locale)).collect();
            q.push(match locale {
                Locale::En => format!("outside {}", names.join(" or ")),
                Locale::Sv => format!("utanför {}", names.join(" eller ")),
            });
        }
        q
    }

    /// "5 h of ethics", "20 h verifiable", "4 h of any kind".
    fn phrase(&self, hours: &str, locale: Locale) -> String {
        let q = self.qualities(locale);
        if q.is_empty() {
            return match locale {
                Locale::En => format!("{hours} h of any kind"),
                Locale::Sv => format!("{hours} h valfri utbildning"),
            };
        }
        format!("{hours} h {}", q.join(" "))
    }
}

impl Topic {
    fn name(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Topic::Ethics, Locale::En) => "ethics",
            (Topic::Ethics, Locale::Sv) => "etik",
            (Topic::NonLegal, Locale::En) => "non-legal subjects",
            (Topic::NonLegal, Locale::Sv) => "icke-juridiska ämnen",
            (Topic::Wellbeing, Locale::En) => "professional development and wellbeing",
            (Topic::Wellbeing, Locale::Sv) => "professionell utveckling och välmående",
            (Topic::ClientCare, Locale::En) => "client care and professional standards",
            (Topic::ClientCare, Locale::Sv) => "klientrelationer och yrkesstandard",
        }
    }
}

impl Reason {
    pub fn text(&self, locale: Locale) -> String {
        let h = |hours: &Hours| match locale {
            Locale::En => hours.display_with('.'),
            Locale::Sv => hours.display_with(','),
        };
        match (self, locale) {
            (Reason::Met { year, required, counted }, Locale::En) => format!("You meet the {}-hour requirement for {year} with {} hours.", h(required), h(counted)),
            (Reason::Met { year, required, counted }, Locale::Sv) => format!("Du uppfyller kravet på {} timmar för {year} med {} timmar.", h(required), h(counted)),
            // When the shortfall is more than the total lacks, subject minimums make up the
            // rest: say so, so that "25 of 25 hours" is never followed by a bare "8 short".
            (Reason::Short { year, required, counted, shortfall }, Locale::En) => format!("You had {} of {} hours in {year}{}: {} short.", h(counted), h(required), kinds(*required, *counted, *shortfall, ", but not all of the kinds required"), h(shortfall)),
            (Reason::Short { year, required, counted, shortfall }, Locale::Sv) => format!("Du hade {} av {} timmar {year}{}: {} timmar saknas.", h(counted), h(required), kinds(*required, *counted, *shortfall, ", men inte allt av de slag som krävs"), h(shortfall)),
            (Reason::OnPace { year, required, counted, shortfall }, Locale::En) => format!("{} of {} hours so far in {year}{}: {} to go, on pace.", h(counted), h(required), kinds(*required, *counted, *shortfall, ", not all of the kinds required"), h(shortfall)),
            (Reason::OnPace { year, required, counted, shortfall }, Locale::Sv) => format!("{} av {} timmar hittills {year}{}: {} kvar, i fas.", h(counted), h(required), kinds(*required, *counted, *shortfall, ", inte allt av de slag som krävs"), h(shortfall)),
            (Reason::BehindPace { year, required, counted, shortfall }, Locale::En) => format!("{} of {} hours so far in {year}{}: {} to go, behind pace.", h(counted), h(required), kinds(*required, *counted, *shortfall, ", not all of the kinds required"), h(shortfall)),
            (Reason::BehindPace { year, required, counted, shortfall }, Locale::Sv) => format!("{} av {} timmar hittills {year}{}: {} kvar, efter i takt.", h(counted), h(required), kinds(*required, *counted, *shortfall, ", inte allt av de slag som krävs"), h(shortfall)),
            (Reason::ECap { counted, logged, dropped, cap }, Locale::En) => format!("{} of the {} e-learning hours logged count; {} exceed the {}-hour cap.", h(counted), h(logged), h(dropped), h(cap)),
            (Reason::ECap { counted, logged, dropped, cap }, Locale::Sv) => format!("{} av de {} loggade timmarna e-learning räknas; {} överstiger taket på {} timmar.", h(counted), h(logged), h(dropped), h(cap)),
            (Reason::TopicCap { topic, dropped, cap }, Locale::En) => format!("{} hours of {} do not count: at most {} hours may.", h(dropped), topic.name(locale), h(cap)),
            (Reason::TopicCap { topic, dropped, cap }, Locale::Sv) => format!("{} timmar {} räknas inte: högst {} timmar får räknas.", h(dropped), topic.name(locale), h(cap)),
            (Reason::TopicShort { topic, counted, required }, Locale::En) => format!("{} of the {} hours of {} required are logged.", h(counted), h(required), topic.name(locale)),
            (Reason::TopicShort { topic, counted, required }, Locale::Sv) => format!("{} av de {} timmar {} som krävs är loggade.", h(counted), h(required), topic.name(locale)),
            (Reason::Exempt { year }, Locale::En) => format!("Exempt for {year} (age 70)."),
            (Reason::Exempt { year }, Locale::Sv) => format!("Undantagen för {year} (70 år)."),
            (Reason::ExemptionIgnored { year, age }, Locale::En) => format!("Warning: the age-{age} exemption recorded for {year} does not apply: it needs a date of birth that gives age {age} by 31 December {year}."),
            (Reason::ExemptionIgnored { year, age }, Locale::Sv) => format!("Varning: undantaget vid {age} år som registrerats för {year} gäller inte: det kräver ett födelsedatum som ger {age} år senast den 31 december {year}."),
            (Reason::Suspended { year, credit }, Locale::En) => format!("The requirement was suspended for {year}; up to {} hours logged then count in {}.", h(credit), year + 1),
            (Reason::Suspended { year, credit }, Locale::Sv) => format!("Kravet var upphävt för {year}; upp till {} timmar från då räknas {}.", h(credit), year + 1),
            (Reason::BeforeAdmission { year }, Locale::En) => format!("There is no requirement in {year}: it starts the calendar year after admission."),
            (Reason::BeforeAdmission { year }, Locale::Sv) => format!("Inget krav gäller {year}: kravet börjar kalenderåret efter antagningen."),
            (Reason::LeaveReduces { required }, Locale::En) => format!("Leave lowers the requirement to {} hours.", h(required)),
            (Reason::LeaveReduces { required }, Locale::Sv) => format!("Ledighet sänker kravet till {} timmar.", h(required)),
            (Reason::CarriedIn { hours, from }, Locale::En) => format!("{} hours carried in from {from} count first.", h(hours)),
            (Reason::CarriedIn { hours, from }, Locale::Sv) => format!("{} timmar överförda från {from} räknas först.", h(hours)),
            (Reason::CarriedLost { hours }, Locale::En) => format!("{} hours carried from last year are lost: they only count in a year with a requirement.", h(hours)),
            (Reason::CarriedLost { hours }, Locale::Sv) => format!("{} timmar överförda från förra året går förlorade: de räknas bara ett år med krav.", h(hours)),
            (Reason::CarryOut { hours, into }, Locale::En) => format!("{} surplus hours carry into {into}.", h(hours)),
            (Reason::CarryOut { hours, into }, Locale::Sv) => format!("{} överskjutande timmar förs över till {into}.", h(hours)),
            (Reason::WindowShort { from, to, required, counted }, Locale::En) => format!("{from}–{to}: {} of the {} hours required.", h(counted), h(required)),
            (Reason::WindowShort { from, to, required, counted }, Locale::Sv) => format!("{from}–{to}: {} av de {} timmar som krävs.", h(counted), h(required)),
            (Reason::VerifiableShort { from, to, required, counted }, Locale::En) => format!("{from}–{to}: {} of the {} verifiable hours required.", h(counted), h(required)),
            (Reason::VerifiableShort { from, to, required, counted }, Locale::Sv) => format!("{from}–{to}: {} av de {} verifierbara timmar som krävs.", h(counted), h(required)),
            (Reason::YearShort { year, required, counted }, Locale::En) => format!("{year}: {} of the {} hours required every year.", h(counted), h(required)),
            (Reason::YearShort { year, required, counted }, Locale::Sv) => format!("{year}: {} av de {} timmar som krävs varje år.", h(counted), h(required)),
            (Reason::WindowsMet { from, to }, Locale::En) => format!("You meet every requirement for {from}–{to}."),
            (Reason::WindowsMet { from, to }, Locale::Sv) => format!("Du uppfyller alla krav för {from}–{to}."),
            (Reason::Declaration, Locale::En) => "No hours are required: the regulator asks for an annual reflective declaration instead.".to_owned(),
            (Reason::Declaration, Locale::Sv) => "Inga timmar krävs: tillsynsmyndigheten begär i stället en årlig reflekterande försäkran.".to_owned(),
            (Reason::NoRuleSet, Locale::En) => "No rule set applies, so nothing is required.".to_owned(),
            (Reason::NoRuleSet, Locale::Sv) => "Inga regler gäller, så inget krävs.".to_owned(),
            (Reason::Unconfirmed, Locale::En) => "Some details of these rules are unconfirmed; check them with the regulator.".to_owned(),
            (Reason::Unconfirmed, Locale::Sv) => "Vissa detaljer i dessa regler är obekräftade; kontrollera dem med tillsynsmyndigheten.".to_owned(),
            (Reason::Units { minutes }, Locale::En) => format!("The regulator's hour is {minutes} minutes; figures here are in clock hours."),
            (Reason::Units { minutes }, Locale::Sv) => format!("Tillsynsmyndighetens timme är {minutes} minuter; siffrorna här är klocktimmar."),
            (Reason::Needed { hours, by, needs, passed }, _) => {
                let tail = match needs.as_slice() {
                    [one] if one.qualities(locale).is_empty() => ".".to_owned(),
                    [one] => {
                        let all = match locale { Locale::En => "all", Locale::Sv => "alla" };
                        format!(", {all} {}.", list(&one.qualities(locale), locale))
                    }
                    many => {
                        let parts: Vec<String> = many.iter().map(|n| n.phrase(&h(&n.hours), locale)).collect();
                        format!(": {}.", list(&parts, locale))
                    }
                };
                let when = day(*by, locale);
                match (locale, passed) {
                    (Locale::En, false) => format!("{} h still needed by {when}{tail}", h(hours)),
                    (Locale::En, true) => format!("{} h were still missing on {when}{tail}", h(hours)),
                    (Locale::Sv, false) => format!("{} h behövs till {when}{tail}", h(hours)),
                    (Locale::Sv, true) => format!("{} h saknades den {when}{tail}", h(hours)),
                }
            }
            (Reason::YearMissed { year, required, counted, from, to }, Locale::En) => format!("{year} had {} of the {} hours required that year. The year is over, so new hours cannot make up for it: record any {year} course not yet logged, meet the rest of {from}–{to}, and contact your regulator about {year}.", h(counted), h(required)),
            (Reason::YearMissed { year, required, counted, from, to }, Locale::Sv) => format!("{year} hade {} av de {} timmar som krävs det året. Året är slut, så nya timmar kan inte ta igen det: registrera kurser från {year} som ännu inte är loggade, uppfyll resten av {from}–{to} och kontakta tillsynsmyndigheten om {year}.", h(counted), h(required)),
            (Reason::WindowsShort { from, to, shortfall, missed: true, .. }, Locale::En) => format!("You can no longer meet every requirement for {from}–{to}: {} hours short.", h(shortfall)),
            (Reason::WindowsShort { from, to, shortfall, missed: true, .. }, Locale::Sv) => format!("Du kan inte längre uppfylla alla krav för {from}–{to}: {} timmar saknas.", h(shortfall)),
            (Reason::WindowsShort { from, to, shortfall, status: Status::OnTrack, .. }, Locale::En) => format!("Not yet met for {from}–{to}: {} hours to go, on pace.", h(shortfall)),
            (Reason::WindowsShort { from, to, shortfall, status: Status::OnTrack, .. }, Locale::Sv) => format!("Ännu inte uppfyllt för {from}–{to}: {} timmar kvar, i fas.", h(shortfall)),
            (Reason::WindowsShort { from, to, shortfall, status: Status::AtRisk, .. }, Locale::En) => format!("Not yet met for {from}–{to}: {} hours to go, behind pace.", h(shortfall)),
            (Reason::WindowsShort { from, to, shortfall, status: Status::AtRisk, .. }, Locale::Sv) => format!("Ännu inte uppfyllt för {from}–{to}: {} timmar kvar, efter i takt.", h(shortfall)),
            (Reason::WindowsShort { from, to, shortfall, .. }, Locale::En) => format!("You do not meet the requirements for {from}–{to}: {} hours short.", h(shortfall)),
            (Reason::WindowsShort { from, to, shortfall, .. }, Locale::Sv) => format!("Du uppfyller inte kraven för {from}–{to}: {} timmar saknas.", h(shortfall)),
        }
    }
}

/// `clause` when the shortfall is more than the total lacks (subject minimums add to it).
fn kinds(required: Hours, counted: Hours, shortfall: Hours, clause: &str) -> &str {
    if shortfall > required.saturating_sub(counted) {
        clause
    } else {
        ""
    }
}
