//! Test builders: people, firms and courses seeded straight through the backend's own
//! functions (the same checks, transactions and audit rows as the forms), so a test of a
//! report or the firm overview reads like the feature instead of a page of HTTP set-up.
//!
//! ```ignore
//! let sean = app.person("sean@firm.ie").rule_set("ie-solicitor")
//!     .course(&first, "Litigation update", "12.5").create().await;
//! ```

use crate::helpers::{Browser, TestApp};
use app::backend::account::{self, ProfileInput};
use app::backend::auth::viewer::Viewer;
use app::backend::auth::{session, users};
use app::backend::db::now_micros;
use app::backend::request::RequestMeta;
use app::backend::training::entries::{self, EntryInput};
use app::i18n::Lang;

/// A person to seed: the owner of a firm of their own, with a saved profile and courses.
pub struct PersonSeed<'a> {
    app: &'a TestApp,
    email: String,
    full_name: String,
    title: &'static str,
    rule_set: String,
    admitted: String,
    born: String,
    courses: Vec<EntryInput>,
}

/// A seeded person: their backend identity and a browser signed in as them.
pub struct Seeded {
    pub viewer: Viewer,
    pub browser: Browser,
}

impl TestApp {
    /// An advokat admitted in 2015 (change any of it before `create`).
    pub fn person(&self, email: &str) -> PersonSeed<'_> {
        let name = email.split('@').next().unwrap_or(email);
        PersonSeed {
            app: self,
            email: email.to_owned(),
            full_name: format!("{name} Testsson"),
            title: "advokat",
            rule_set: String::new(),
            admitted: "2015-09-01".to_owned(),
            born: String::new(),
            courses: Vec::new(),
        }
    }
}

impl PersonSeed<'_> {
    pub fn named(mut self, full_name: &str) -> Self {
        self.full_name = full_name.to_owned();
        self
    }

    /// Another title (`other`, `auktoriserad_revisor`, …).
    pub fn title(mut self, title: &'static str) -> Self {
        self.title = title;
        self
    }

    /// A rule set other than the title's default.
    pub fn rule_set(mut self, id: &str) -> Self {
        self.rule_set = id.to_owned();
        self
    }

    pub fn admitted(mut self, date: &str) -> Self {
        self.admitted = date.to_owned();
        self
    }

    pub fn born(mut self, date: &str) -> Self {
        self.born = date.to_owned();
        self
    }

    /// A teacher-led, verifiable course.
    pub fn course(self, date: &str, title: &str, hours: &str) -> Self {
        self.course_with(date, title, hours, "teacher-led", "")
    }

    /// A course of a given category and subject (`""` for none).
    pub fn course_with(
        mut self,
        date: &str,
        title: &str,
        hours: &str,
        category: &str,
        topic: &str,
    ) -> Self {
        self.courses.push(EntryInput {
            date: date.to_owned(),
            title: title.to_owned(),
            provider: "Test Academy".to_owned(),
            hours: hours.to_owned(),
            category: category.to_owned(),
            verifiable: Some("on".to_owned()),
            topic: topic.to_owned(),
            notes: String::new(),
        });
        self
    }

    /// Creates the person, their firm, profile and courses; panics on any refusal.
    pub async fn create(self) -> Seeded {
        let server = self.app.server.as_ref().expect("running");
        let state = &server.state;
        let meta = RequestMeta {
            ip: Some(std::net::Ipv4Addr::LOCALHOST.into()),
            user_agent: Some("seed".to_owned()),
            wants_html: false,
        };
        let now = now_micros();
        let mut conn = state.db.pool.acquire().await.expect("connection");
        let user = users::create_with_firm(&mut conn, &state.db.records, &self.email, "en", now)
            .await
            .expect("person");
        let token = session::create(
            &mut conn,
            &state.db.records,
            Some(&user.id),
            true,
            &meta,
            now,
        )
        .await
        .expect("session");
        let session = session::load(&mut conn, &state.db.records, &token, now)
            .await
            .expect("session read")
            .expect("live session");
        drop(conn);
        let firm = format!("Firm of {}", self.email.rsplit('@').next().unwrap_or("x"));
        let mut viewer = Viewer {
            session,
            user,
            pending_second_factor: false,
        };
        let profile = ProfileInput {
            full_name: self.full_name,
            title: self.title.to_owned(),
            admission_date: self.admitted,
            birth_date: self.born,
            rule_set: self.rule_set,
            language: "en".to_owned(),
            firm_name: Some(firm),
            org_number: None,
            history_from: String::new(),
        };
        account::update_profile(state, &viewer, &meta, Lang::En, &profile)
            .await
            .expect("profile");
        let mut conn = state.db.pool.acquire().await.expect("connection");
        viewer.user = users::by_id(&mut conn, &state.db.records, &viewer.user.id)
            .await
            .expect("read back")
            .expect("person");
        drop(conn);
        for course in &self.courses {
            entries::create(state, &viewer, &meta, Lang::En, course)
                .await
                .unwrap_or_else(|e| panic!("course {course:?}: {e:?}"));
        }
        let browser = self.app.browser_with_session(&token);
        Seeded { viewer, browser }
    }
}

impl TestApp {
    /// A browser that carries `token` as its session cookie.
    pub fn browser_with_session(&self, token: &str) -> Browser {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let config = &self.server.as_ref().expect("running").state.config;
        let url: reqwest::Url = self.base.parse().expect("base url");
        jar.add_cookie_str(
            &format!("{}={token}; Path=/", session::cookie_name(config)),
            &url,
        );
        Browser {
            client: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(90))
                .cookie_provider(jar)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
            base: self.base.clone(),
        }
    }
}
