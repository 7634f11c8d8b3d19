//! Why the calculator reached its answer, as sentences a person can read in English or
//! Swedish. The calculator records reasons as data; the words live only here.

use super::Topic;
use crate::Hours;

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
            (Reason::Short { year, required, counted, shortfall }, Locale::En) => format!("You had {} of {} hours in {year}: {} short.", h(counted), h(required), h(shortfall)),
            (Reason::Short { year, required, counted, shortfall }, Locale::Sv) => format!("Du hade {} av {} timmar {year}: {} timmar saknas.", h(counted), h(required), h(shortfall)),
            (Reason::OnPace { year, required, counted, shortfall }, Locale::En) => format!("{} of {} hours so far in {year}: {} to go, on pace.", h(counted), h(required), h(shortfall)),
            (Reason::OnPace { year, required, counted, shortfall }, Locale::Sv) => format!("{} av {} timmar hittills {year}: {} kvar, i fas.", h(counted), h(required), h(shortfall)),
            (Reason::BehindPace { year, required, counted, shortfall }, Locale::En) => format!("{} of {} hours so far in {year}: {} to go, behind pace.", h(counted), h(required), h(shortfall)),
            (Reason::BehindPace { year, required, counted, shortfall }, Locale::Sv) => format!("{} av {} timmar hittills {year}: {} kvar, efter i takt.", h(counted), h(required), h(shortfall)),
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
        }
    }
}
