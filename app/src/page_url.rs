//! This page's address, read once as plain values.
//!
//! Every page is drawn on the server for one request (islands hydrate only their own
//! parts), so the address cannot change while a page renders. The router offers it as
//! memos, and a reactive_graph memo is not safe to share between threads: while one thread
//! computes it (its value taken out), another that reads it finds nothing and panics. A
//! page's data resolves in tasks on other worker threads, so those memos were read from
//! two threads at once, and renders panicked under load (`arc_memo.rs: unwrap on None`).
//! Pages therefore read their address from here: on the server from the request itself.

use leptos::prelude::*;
use leptos_router::params::ParamsMap;

/// The path, the raw query and the parsed query of the page being drawn.
#[derive(Clone, Debug, Default)]
pub struct PageUrl {
    pub path: String,
    /// Without the leading `?`.
    pub search: String,
    pub query: ParamsMap,
}

impl PageUrl {
    /// The address of the page being drawn.
    pub fn current() -> Self {
        #[cfg(feature = "ssr")]
        {
            use leptos_router::location::RequestUrl;
            use_context::<RequestUrl>()
                .and_then(|request| request.parse().ok())
                .map(|url| Self {
                    path: url.path().to_string(),
                    search: url.search().trim_start_matches('?').to_string(),
                    query: url.search_params().clone(),
                })
                .unwrap_or_default()
        }
        // In the browser only islands run, one thread, and the router is read untracked.
        #[cfg(not(feature = "ssr"))]
        {
            let location = leptos_router::hooks::use_location();
            let query = leptos_router::hooks::use_query_map().get_untracked();
            Self {
                path: location.pathname.get_untracked(),
                search: location
                    .search
                    .get_untracked()
                    .trim_start_matches('?')
                    .to_string(),
                query,
            }
        }
    }

    /// The path with its query, as a link back here.
    pub fn here(&self) -> String {
        if self.search.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.search)
        }
    }

    /// One query value.
    pub fn get(&self, key: &str) -> Option<String> {
        self.query.get(key)
    }
}

/// One value of this page's query.
pub fn query_value(key: &str) -> Option<String> {
    PageUrl::current().get(key)
}
