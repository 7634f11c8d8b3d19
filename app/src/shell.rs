//! The document around every page, and the router.

use crate::components::layout::Layout;
use crate::i18n::provide_lang;
use crate::pages::{
    AccountSecurity, Dashboard, DataProcessing, DevMailbox, EditEntry, FirmAudit, FirmMember,
    FirmMembers, FirmOverview, FirmSettingsPage, Home, ImportCsv, Leave, LogList, NewEntry,
    NotFound, Profile, Reports, SecondFactor, Security, SignIn, SignInCode, SubProcessors,
    VerifyReport, YourData,
};
use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Stylesheet, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The HTML document the server streams for every page; `<html lang>` is set here from
/// the request so that screen readers and the hydrating browser agree on the language.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = crate::i18n::current_lang();
    // The page's scripts carry this request's nonce; the policy names it.
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) && let Ok(value) = http::HeaderValue::from_str(&crate::backend::csp::page(
        &nonce,
        use_context::<crate::backend::state::AppState>()
            .and_then(|s| s.storage.link_origin())
            .as_deref(),
    )) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body class="flex min-h-screen flex-col bg-slate-50 text-slate-900 antialiased">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = provide_lang();
    let texts = lang.texts();

    view! {
        <Stylesheet id="leptos" href="/pkg/cpd-registry.css"/>
        <Link rel="icon" href="/favicon.ico" sizes="48x48"/>
        <Link rel="icon" href="/brand/favicon.svg" type_="image/svg+xml"/>
        <Link rel="apple-touch-icon" href="/brand/apple-touch-icon.png"/>
        <Link rel="manifest" href="/brand/site.webmanifest"/>
        <Meta name="theme-color" content="#3730a3"/>
        <Meta name="description" content=texts.tagline/>
        // Async rendering: the whole page, data included, is rendered before the first byte
        // is sent, so pages work without JavaScript and a page can still set its status
        // (401 / 403 / 404) and headers after loading its data.
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=Home ssr=SsrMode::Async/>
                    <Route path=path!("/security") view=Security ssr=SsrMode::Async/>
                    <Route path=path!("/data-processing") view=DataProcessing ssr=SsrMode::Async/>
                    <Route path=path!("/sub-processors") view=SubProcessors ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in") view=SignIn ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in/code") view=SignInCode ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in/second-factor") view=SecondFactor ssr=SsrMode::Async/>
                    <Route path=path!("/account/profile") view=Profile ssr=SsrMode::Async/>
                    <Route path=path!("/account/security") view=AccountSecurity ssr=SsrMode::Async/>
                    <Route path=path!("/account/data") view=YourData ssr=SsrMode::Async/>
                    <Route path=path!("/account/leave") view=Leave ssr=SsrMode::Async/>
                    <Route path=path!("/firm/audit") view=FirmAudit ssr=SsrMode::Async/>
                    <Route path=path!("/firm/overview") view=FirmOverview ssr=SsrMode::Async/>
                    <Route path=path!("/firm/members") view=FirmMembers ssr=SsrMode::Async/>
                    <Route path=path!("/firm/settings") view=FirmSettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/firm/member/:id") view=FirmMember ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard") view=Dashboard ssr=SsrMode::Async/>
                    <Route path=path!("/log") view=LogList ssr=SsrMode::Async/>
                    <Route path=path!("/log/new") view=NewEntry ssr=SsrMode::Async/>
                    <Route path=path!("/log/import") view=ImportCsv ssr=SsrMode::Async/>
                    <Route path=path!("/log/entry/:id") view=EditEntry ssr=SsrMode::Async/>
                    <Route path=path!("/reports") view=Reports ssr=SsrMode::Async/>
                    <Route path=path!("/verify/:id") view=VerifyReport ssr=SsrMode::Async/>
                    <Route path=path!("/dev/mailbox") view=DevMailbox ssr=SsrMode::Async/>
                    // Every other path: the 404 page, rendered like any page.
                    <Route path=path!("/*any") view=NotFound ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
