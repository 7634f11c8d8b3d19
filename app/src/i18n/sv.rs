use super::{Section, Texts};

pub static SV: Texts = Texts {
    product: "CPD Registry",
    tagline: "Vidareutbildning för svenska advokater, jurister och revisorer",
    skip_to_content: "Hoppa till huvudinnehållet",
    nav_label: "Huvudmeny",
    nav_home: "Start",
    language_label: "Språk",
    footer_label: "Villkor",
    footer_security: "Säkerhetspolicy",
    footer_data_processing: "Personuppgiftsbiträdesavtal",
    footer_subprocessors: "Underbiträden",
    footer_note: "Dina uppgifter lagras och behandlas inom EU/EES och används aldrig för att träna AI-modeller.",

    home_title: "Dina utbildningstimmar, alltid redo för revision",
    home_intro: "Logga varje kurs, spara intygen som styrker den, se när som helst om du uppfyller reglerna och ge din revisor en enda PDF.",
    home_points: &[
        "Sveriges advokatsamfunds regler enligt 36 §: 18 timmar per år, högst 6 genom e-learning, upp till 12 överskjutande timmar förs över till nästa år.",
        "Intyg sparas i krypterad, privat lagring och visas bara via länkar som slutar gälla efter en timme.",
        "Logga in med en engångskod som skickas till din e-post: inga lösenord att komma ihåg eller läcka.",
    ],

    qc_title: "Snabbkoll: ligger jag i fas i år?",
    qc_intro: "För advokater enligt 36 §. Ange de timmar du har loggat hittills i år.",
    qc_teacher_led: "Lärarledda timmar",
    qc_teacher_led_hint: "Kurser, seminarier, konferenser och direktsända kurser.",
    qc_elearning: "E-learning-timmar",
    qc_elearning_hint: "Kurser som avslutas med ett riktigt test. Högst 6 timmar räknas.",
    qc_submit: "Kontrollera mina timmar",
    qc_counted: "Räknas",
    qc_of_required: "av de krävda",
    qc_remaining: "timmar kvar",
    qc_met: "Du uppfyller årets minimikrav.",
    qc_dropped: "e-learning-timmar över taket räknas inte",
    qc_error_teacher_led: "Lärarledda timmar",
    qc_error_elearning: "E-learning-timmar",
    qc_live_note: "Resultatet uppdateras medan du skriver.",

    hours_not_a_number: "ange ett antal timmar, till exempel 1,5",
    hours_not_a_quarter: "använd kvartstimmar (,25 ,5 eller ,75)",
    hours_too_large: "talet är för stort",

    security_title: "Säkerhetspolicy",
    security_sections: &[
        Section {
            heading: "Inloggning",
            paragraphs: &[
                "Det finns inga lösenord. Du loggar in med en sexsiffrig engångskod, eller en inloggningslänk, som skickas till din jobbmejl. En kod gäller i 10 minuter, fungerar en gång och upphör efter 5 felaktiga försök. Du kan lägga till en autentiseringsapp som andra faktor.",
                "Sessioner skyddas av en slumpmässig identifierare i en säker cookie som inte kan läsas av skript. Den förnyas vid varje inloggning och upphör senast efter 30 dagar. Du kan se dina aktiva sessioner och avsluta vilken som helst av dem.",
                "Upprepade misslyckade försök bromsas per adress och per konto.",
            ],
        },
        Section {
            heading: "Åtskillnad",
            paragraphs: &[
                "Varje begäran är bunden till den person som loggat in. Ingen kan läsa eller ändra en annan persons eller en annan byrås uppgifter, och varje del av tjänsten kontrollerar det själv.",
                "Vår personal har ingen standardåtkomst till produktionsdata.",
            ],
        },
        Section {
            heading: "Kryptering och filer",
            paragraphs: &[
                "All trafik använder TLS 1.2 eller senare, med HSTS. Uppgifter och filer krypteras i vila med AES-256.",
                "Intyg sparas i privat lagring. Att visa eller exportera ett intyg sker via en signerad länk som gäller i en timme. Uppladdningar kontrolleras mot filens signatur och tas bara emot som PDF, JPEG eller PNG.",
            ],
        },
        Section {
            heading: "Granskningslogg",
            paragraphs: &[
                "Inloggningar, uppladdningar, rapportexporter och administrativa åtgärder skrivs till en manipuleringssäker granskningslogg i samma steg som själva ändringen. Loggen sparas i 7 år.",
            ],
        },
        Section {
            heading: "Incidenter",
            paragraphs: &[
                "Om en personuppgiftsincident bekräftas informerar vi berörda kunder utan onödigt dröjsmål och inom 36 timmar, om vad som hänt, vilka uppgifter som berörs och vad vi har gjort åt det.",
                "Databasen replikeras med återställning till valfri tidpunkt och krypterade dagliga säkerhetskopior.",
            ],
        },
        Section {
            heading: "Artificiell intelligens",
            paragraphs: &[
                "Kunddata (utbildningsloggar, intyg och deras metadata) används aldrig för att träna, finjustera, testa eller validera någon AI- eller maskininlärningsmodell.",
            ],
        },
    ],
    data_processing_title: "Personuppgiftsbiträdesavtal",
    data_processing_sections: &[
        Section {
            heading: "Roller",
            paragraphs: &[
                "Din byrå (abonnenten) är personuppgiftsansvarig för sina medarbetares uppgifter. CPD Registry behandlar dem för byråns räkning och endast enligt dess instruktioner.",
            ],
        },
        Section {
            heading: "Vilka uppgifter vi har",
            paragraphs: &[
                "Identitet: fullständigt namn, jobbmejl, yrkestitel samt uppgifter om medlemskap i samfund eller tillsynsmyndighet.",
                "Utbildningsposter: kursens titel, anordnare, datum, timmar, kategori och anteckningar.",
                "Underlag: uppladdade intyg, program och närvarobekräftelser som PDF, JPEG eller PNG.",
                "Inga klientakter, ärendehandlingar eller sekretesskyddad kommunikation: tjänsten är inte avsedd för dem.",
            ],
        },
        Section {
            heading: "Ändamål",
            paragraphs: &[
                "Konton för abonnentens medarbetare; registrering av utbildningstimmar och beräkning mot tillsynsmyndighetens regler; lagring och visning av intyg; PDF-rapporter om regelefterlevnad för revision.",
            ],
        },
        Section {
            heading: "Var",
            paragraphs: &[
                "Alla uppgifter lagras och behandlas inom EU/EES, liksom varje underbiträdes del av dem.",
            ],
        },
        Section {
            heading: "Era rättigheter och våra åtaganden",
            paragraphs: &[
                "Byrån kan exportera, rätta, begränsa och radera en persons uppgifter. När avtalet upphör väljer byrån export eller radering; efter 30 dagars karens rensas uppgifter och filer från aktiva system inom 30 dagar och från säkerhetskopior inom 90 dagar.",
                "Abonnenten får granska oss en gång per år med 14 arbetsdagars varsel.",
            ],
        },
    ],
    subprocessors_title: "Underbiträden",
    subprocessors_intro: "Företagen som hjälper oss att driva tjänsten, vart och ett bundet av villkor för personuppgiftsbehandling som är minst lika strikta som våra.",
    subprocessors_columns: ["Tjänst", "Ändamål", "Uppgifter", "Plats"],
    subprocessors_rows: &[
        [
            "Driftad PostgreSQL",
            "Databas",
            "Konton, utbildningsposter, granskningslogg",
            "EU/EES",
        ],
        [
            "S3-kompatibel objektlagring",
            "Intyg och rapportfiler (krypterade)",
            "Uppladdade filer, genererade rapporter",
            "EU/EES",
        ],
        [
            "Transaktionell e-post",
            "Inloggningskoder och meddelanden",
            "E-postadress, meddelandets innehåll",
            "EU/EES",
        ],
    ],
    subprocessors_notice: "Vi meddelar 30 dagar i förväg innan vi lägger till eller byter ett underbiträde.",

    not_found_title: "Sidan hittades inte",
    not_found_body: "Vi kunde inte hitta sidan. Kontrollera adressen eller börja om från startsidan.",
    not_found_home: "Till startsidan",

    error_not_found: "Vi kunde inte hitta det. Det kan ha tagits bort.",
    error_unauthenticated: "Logga in för att fortsätta.",
    error_forbidden: "Du har inte behörighet att göra det.",
    error_bad_request: "Något i begäran var ogiltigt. Kontrollera formuläret och försök igen.",
    error_rate_limited: "För många försök. Vänta en stund och försök igen.",
    error_network: "Vi nådde inte servern. Kontrollera din anslutning och försök igen.",
    error_internal: "Något gick fel hos oss. Försök igen; kontakta supporten om det fortsätter.",
};
