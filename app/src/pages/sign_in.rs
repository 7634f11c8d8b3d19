//! Signing in: the address, the emailed code (or link), and the second factor.

use crate::api::auth::{RequestCode, ResendCode, VerifyCode, VerifySecondFactor};
use crate::components::form::{ErrorBox, Field, Notice, Submit, use_form_error, use_query_flag};
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn SignIn() -> impl IntoView {
    let t = use_texts();
    let error = use_form_error::<RequestCode>();
    let query = leptos_router::hooks::use_query_map();
    let invited = Memo::new(move |_| query.with(|q| q.get("invited")));
    view! {
        <Title text=t.signin_title/>
        <section class="max-w-lg space-y-4">
            <h1 class="text-3xl font-bold tracking-tight">{t.signin_title}</h1>
            <p class="text-slate-700">{t.signin_intro}</p>
            {move || match invited.get().as_deref() {
                Some("1") => Some(view! { <p role="status" class="rounded border border-green-300 bg-green-50 p-3 text-green-900">{t.invite_valid}</p> }.into_any()),
                Some(_) => Some(view! { <p role="alert" class="rounded border border-amber-300 bg-amber-50 p-3 text-amber-900">{t.invite_expired}</p> }.into_any()),
                None => None,
            }}
            <ErrorBox error/>
            <form method="post" action=RequestCode::url() class="space-y-4">
                <Field id="email" name="email" label=t.signin_email_label kind="email" autocomplete="email" required=true error/>
                <Submit label=t.signin_send/>
            </form>
        </section>
    }
}

#[component]
pub fn SignInCode() -> impl IntoView {
    let t = use_texts();
    let error = use_form_error::<VerifyCode>();
    let resend_error = use_form_error::<ResendCode>();
    let resent = use_query_flag("resent");
    let link_failed = use_query_flag("link");
    view! {
        <Title text=t.code_title/>
        <section class="max-w-lg space-y-4">
            <h1 class="text-3xl font-bold tracking-tight">{t.code_title}</h1>
            <p class="text-slate-700">{t.code_intro}</p>
            <Notice show=resent text=t.code_sent/>
            {move || link_failed.get().then(|| view! { <p role="alert" class="rounded border border-amber-300 bg-amber-50 p-3 text-amber-900">{t.link_failed}</p> })}
            <ErrorBox error/>
            <ErrorBox error=resend_error/>
            <form method="post" action=VerifyCode::url() class="space-y-4">
                <Field id="code" name="code" label=t.code_label autocomplete="one-time-code" inputmode="numeric" required=true error/>
                <Submit label=t.code_submit/>
            </form>
            <div class="flex flex-wrap items-center gap-4 border-t border-slate-200 pt-4">
                <form method="post" action=ResendCode::url()>
                    <button type="submit" class="rounded border border-indigo-700 px-3 py-1.5 text-indigo-800 hover:bg-indigo-50 focus-ring">{t.code_resend}</button>
                </form>
                <A href="/sign-in" attr:class="text-indigo-800 underline focus-ring">{t.code_other_address}</A>
            </div>
        </section>
    }
}

#[component]
pub fn SecondFactor() -> impl IntoView {
    let t = use_texts();
    let error = use_form_error::<VerifySecondFactor>();
    view! {
        <Title text=t.totp_title/>
        <section class="max-w-lg space-y-4">
            <h1 class="text-3xl font-bold tracking-tight">{t.totp_title}</h1>
            <p class="text-slate-700">{t.totp_intro}</p>
            <ErrorBox error/>
            <form method="post" action=VerifySecondFactor::url() class="space-y-4">
                <Field id="totp-code" name="code" label=t.totp_label autocomplete="one-time-code" required=true error/>
                <Submit label=t.totp_submit/>
            </form>
        </section>
    }
}
