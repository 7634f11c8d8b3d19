use super::{Section, Texts};

pub static EN: Texts = Texts {
    product: "CPD Registry",
    tagline: "Continuing professional development for Swedish lawyers and auditors",
    skip_to_content: "Skip to main content",
    nav_label: "Main",
    nav_home: "Home",
    language_label: "Language",
    footer_label: "Policies",
    footer_security: "Security policy",
    footer_data_processing: "Data processing terms",
    footer_subprocessors: "Sub-processors",
    footer_note: "Your data is stored and processed in the EU/EEA and is never used to train AI models.",

    home_title: "Your CPD hours, always audit-ready",
    home_intro: "Log every course, keep the certificates that prove it, see at any moment whether you meet your regulator's rules, and hand your auditor one PDF.",
    home_points: &[
        "Sveriges advokatsamfund's §36 rules: 18 hours a year, at most 6 by e-learning, up to 12 surplus hours carried into the next year.",
        "Certificates kept in encrypted private storage, shown only through links that expire after an hour.",
        "Sign in with a one-time code sent to your email: no passwords to remember or leak.",
    ],

    qc_title: "Quick check: am I on track this year?",
    qc_intro: "For an advokat under the §36 rules. Enter the hours you have logged so far this year.",
    qc_teacher_led: "Teacher-led hours",
    qc_teacher_led_hint: "Courses, seminars, conferences and live-streamed courses.",
    qc_elearning: "E-learning hours",
    qc_elearning_hint: "Courses that end with a real test. At most 6 hours count.",
    qc_submit: "Check my hours",
    qc_counted: "Counted",
    qc_of_required: "of the required",
    qc_remaining: "hours to go",
    qc_met: "You meet this year's minimum.",
    qc_dropped: "e-learning hours above the cap do not count",
    qc_error_teacher_led: "Teacher-led hours",
    qc_error_elearning: "E-learning hours",
    qc_live_note: "The result updates as you type.",

    hours_not_a_number: "enter a number of hours, such as 1.5",
    hours_not_a_quarter: "use quarter hours (.25, .5 or .75)",
    hours_too_large: "the number is too large",

    security_title: "Security policy",
    security_sections: &[
        Section {
            heading: "Signing in",
            paragraphs: &[
                "There are no passwords. You sign in with a 6-digit one-time code, or a one-click link, sent to your work email. A code lives for 10 minutes, works once, and dies after 5 wrong tries. You can add an authenticator app as a second factor.",
                "Sessions are protected by a random identifier in a secure, HTTP-only cookie, renewed at every sign-in, and end after 30 days at the latest. You can see your active sessions and end any of them.",
                "Repeated failed attempts are slowed down by address and by account.",
            ],
        },
        Section {
            heading: "Isolation",
            paragraphs: &[
                "Every request is bound to the person who signed in. No one can read or change another person's or another firm's records, and every part of the application checks that on its own.",
                "Our staff have no default access to production data.",
            ],
        },
        Section {
            heading: "Encryption and files",
            paragraphs: &[
                "All traffic uses TLS 1.2 or later, with HSTS. Records and files are encrypted at rest with AES-256.",
                "Certificates are kept in private storage. Viewing or exporting one goes through a signed link that is valid for one hour. Uploads are checked by their file signature and accepted only as PDF, JPEG or PNG.",
            ],
        },
        Section {
            heading: "Audit log",
            paragraphs: &[
                "Sign-ins, uploads, report exports and administrative actions are written to a tamper-evident audit log in the same step as the change itself. The log is kept for 7 years.",
            ],
        },
        Section {
            heading: "Incidents",
            paragraphs: &[
                "If a personal-data breach is confirmed, we tell the affected customers without undue delay and within 36 hours, with its nature, the data affected and what we have done about it.",
                "The database is replicated with point-in-time recovery and encrypted daily backups.",
            ],
        },
        Section {
            heading: "Artificial intelligence",
            paragraphs: &[
                "Customer data (training logs, certificates and their metadata) is never used to train, fine-tune, test or validate any AI or machine-learning model.",
            ],
        },
    ],
    data_processing_title: "Data processing terms",
    data_processing_sections: &[
        Section {
            heading: "Roles",
            paragraphs: &[
                "Your firm (the subscriber) is the controller of its people's data. CPD Registry processes it on the firm's behalf and on its instructions only.",
            ],
        },
        Section {
            heading: "What we hold",
            paragraphs: &[
                "Identity: full name, work email, professional title, and bar or regulator membership details.",
                "Training records: course title, provider, dates, hours, category and notes.",
                "Proof: uploaded certificates, programmes and attendance confirmations as PDF, JPEG or PNG.",
                "No client files, case documents or privileged communications: the service is not meant for them.",
            ],
        },
        Section {
            heading: "Purposes",
            paragraphs: &[
                "Accounts for the subscriber's people; recording CPD hours and calculating them against the regulator's rules; storing and showing certificates; producing PDF compliance reports for audits.",
            ],
        },
        Section {
            heading: "Where",
            paragraphs: &[
                "All data is stored and processed in the EU/EEA, and so is every sub-processor's part of it.",
            ],
        },
        Section {
            heading: "Your rights and ours",
            paragraphs: &[
                "The firm can export, correct, restrict and delete a person's data. On termination the firm chooses export or deletion; after a 30-day hold, records and files are purged from active systems within 30 days and from backups within 90 days.",
                "The subscriber may audit us once a year on 14 business days' notice.",
            ],
        },
    ],
    subprocessors_title: "Sub-processors",
    subprocessors_intro: "The companies that help us run the service, each bound by data processing terms at least as strict as ours.",
    subprocessors_columns: ["Service", "Purpose", "Data", "Location"],
    subprocessors_rows: &[
        [
            "Managed PostgreSQL hosting",
            "Database",
            "Accounts, training records, audit log",
            "EU/EEA",
        ],
        [
            "S3-compatible object storage",
            "Certificate and report files (encrypted)",
            "Uploaded files, generated reports",
            "EU/EEA",
        ],
        [
            "Transactional email",
            "Sign-in codes and notices",
            "Email address, message content",
            "EU/EEA",
        ],
    ],
    subprocessors_notice: "We give 30 days' notice before adding or replacing a sub-processor.",

    not_found_title: "Page not found",
    not_found_body: "We could not find that page. Check the address, or start again from the home page.",
    not_found_home: "Go to the home page",

    error_not_found: "We could not find that. It may have been removed.",
    error_unauthenticated: "Please sign in to continue.",
    error_forbidden: "You do not have permission to do that.",
    error_bad_request: "Something in the request was not valid. Check the form and try again.",
    error_rate_limited: "Too many attempts. Wait a moment and try again.",
    error_network: "We could not reach the server. Check your connection and try again.",
    error_internal: "Something went wrong on our side. Please try again; if it keeps happening, contact support.",
};
