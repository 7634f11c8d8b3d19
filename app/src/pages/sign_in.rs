//! Signing in: the address, the emailed code (or link), and the second factor.

use crate::api::auth::{RequestCode, ResendCode, VerifyCode, VerifySecondFactor, open_invitation};
use crate::components::form::{
    ErrorBox, Field, Notice, Submit, use_form_error, use_form_values, use_query_flag,
};
use crate::i18n::use_texts;
use crate::model::InvitationOffer;
use crate::page_url::{PageUrl, query_value};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;

/// The page to return to after signing in, from `?next=` (only a path of ours).
fn next_target() -> Option<String> {
    query_value("next")
        .filter(|p| crate::api::preferences::is_local_path(p) && !p.starts_with("/sign-in"))
}

#[component]
pub fn SignIn() -> impl IntoView {
    let t = use_texts();
    let error = use_form_error::<RequestCode>();
    let url = PageUrl::current();
    let invited = url.get("invited").is_some();
    let link = match (url.get("invitation"), url.get("token")) {
        (Some(id), Some(token)) => Some((id, token)),
        _ => None,
    };
    let offer = Resource::new(
        {
            let link = link.clone();
            move || link.clone()
        },
        |link| async move {
            match link {
                Some((id, token)) => open_invitation(id, token).await.ok().flatten(),
                None => None,
            }
        },
    );
    let body = move || {
        let link = link.clone();
        Suspend::new(async move {
            match (offer.await, link) {
                (Some(offer), Some((id, token))) => view! { <JoinFirm offer id token/> }.into_any(),
                (None, Some(_)) => view! {
                    <p role="alert" class="rounded border border-amber-300 bg-amber-50 p-3 text-amber-900">{t.invite_expired}</p>
                    <PlainSignIn error/>
                }
                .into_any(),
                _ => view! { <PlainSignIn error/> }.into_any(),
            }
        })
    };
    view! {
        <Title text=t.signin_title/>
        <section class="max-w-lg space-y-4">
            <h1 class="text-3xl font-bold tracking-tight">{t.signin_title}</h1>
            {invited.then(|| view! { <p role="alert" class="rounded border border-amber-300 bg-amber-50 p-3 text-amber-900">{t.invite_expired}</p> })}
            <ErrorBox error/>
            <Suspense fallback=|| ()>{body}</Suspense>
        </section>
    }
}

/// The ordinary sign-in form: any address, and no firm is joined. `email` prefills it (an
/// invitation to an address that has an account); `?next=` is carried to the code page.
#[component]
fn PlainSignIn(
    error: Signal<Option<crate::AppError>>,
    #[prop(optional)] email: Option<String>,
) -> impl IntoView {
    let t = use_texts();
    let kept = use_form_values::<RequestCode>();
    let next = next_target();
    view! {
        <p class="text-slate-700">{t.signin_intro}</p>
        <form method="post" action=RequestCode::url() class="space-y-4">
            {next.map(|n| view! { <input type="hidden" name="next" value=n/> })}
            <Field id="email" name="email" label=t.signin_email_label kind="email" autocomplete="email" value=email.unwrap_or_default() kept required=true error/>
            <Submit label=t.signin_send/>
        </form>
    }
}

/// An opened invitation: names the firm and asks the person to choose. Joining sends the
/// code to the invited address with the invitation bound to it.
#[component]
fn JoinFirm(offer: InvitationOffer, id: String, token: String) -> impl IntoView {
    let t = use_texts();
    let fill = |text: &str| {
        text.replace("{firm}", &offer.firm_name)
            .replace("{email}", &offer.email)
    };
    let heading = fill(t.invite_join_heading);
    let intro = fill(t.invite_join_intro);
    let button = fill(t.invite_join_button);
    let role = if offer.admin {
        t.invite_join_as_admin
    } else {
        t.invite_join_as_member
    };
    let email = offer.email.clone();
    if offer.has_account {
        return view! {
            <p role="status" class="rounded border border-amber-300 bg-amber-50 p-3 text-amber-900">{fill(t.invite_has_account)}</p>
            <PlainSignIn error=Signal::stored(None) email=offer.email.clone()/>
        }
        .into_any();
    }
    view! {
        <section aria-labelledby="join-heading" class="space-y-3 rounded-lg border border-indigo-200 bg-white p-4">
            <h2 id="join-heading" class="text-xl font-semibold">{heading}</h2>
            <p class="text-slate-700">{intro}</p>
            <p class="text-slate-700">{role}</p>
            <form method="post" action=RequestCode::url() class="space-y-4">
                <input type="hidden" name="invitation" value=id/>
                <input type="hidden" name="token" value=token/>
                <input type="hidden" name="email" value=email/>
                <button type="submit" class="rounded bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 focus-ring">{button}</button>
            </form>
            <p><A href="/sign-in" attr:class="text-indigo-800 underline focus-ring">{t.invite_decline}</A></p>
        </section>
    }
    .into_any()
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
                {next_target().map(|n| view! { <input type="hidden" name="next" value=n/> })}
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
