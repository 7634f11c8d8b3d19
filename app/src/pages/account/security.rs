//! Sign-in and security: the authenticator app, and every place the person is signed in.

use super::NeedsSignIn;
use crate::AppError;
use crate::api::account::{
    CancelDeletion, ConfirmStepUp, ConfirmTotp, DismissRecoveryCodes, RemoveTotp, RequestDeletion,
    RequestStepUp, RevokeSession, SecurityOverview, StartTotp, TotpState, list_sessions,
    security_status,
};
use crate::api::auth::SignOut;
use crate::components::form::{ErrorBox, Field, Notice, Submit, use_form_error, use_query_flag};
use crate::i18n::use_lang;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

/// The security page: confirming it is you, the authenticator app, and the sessions.
#[component]
pub fn AccountSecurity() -> impl IntoView {
    let t = use_lang().texts();
    let status = Resource::new(|| (), |_| security_status());
    view! {
        <Title text=t.security_page_title/>
        <div class="max-w-3xl space-y-8">
            <h1 class="text-3xl font-bold tracking-tight">{t.security_page_title}</h1>
            <StepUpSection status/>
            <AppSection status/>
            <SessionsSection/>
            <DeleteSection status/>
        </div>
    }
}

type Status = Resource<Result<SecurityOverview, AppError>>;

/// "Confirm it is you": the fresh code or app code the sensitive changes ask for.
#[component]
fn StepUpSection(status: Status) -> impl IntoView {
    let t = use_lang().texts();
    let step_up_request_error = use_form_error::<RequestStepUp>();
    let step_up_error = use_form_error::<ConfirmStepUp>();
    let step_up_sent = use_query_flag("step_up_sent");
    let confirm_section = move || {
        Suspend::new(async move {
            let Ok(status) = status.await else {
                return ().into_any();
            };
            if status.stepped_up {
                return view! { <p role="status" class="rounded border border-green-300 bg-green-50 p-3 text-green-900">{t.step_up_done}</p> }.into_any();
            }
            let with_app = matches!(status.totp, TotpState::On { .. });
            view! {
                <p>{t.step_up_intro}</p>
                <ErrorBox error=step_up_request_error/>
                {(!with_app).then(|| view! {
                    <form method="post" action=RequestStepUp::url()>
                        <button type="submit" class="rounded border border-indigo-700 px-3 py-1.5 text-indigo-800 hover:bg-indigo-50 focus-ring">{t.step_up_send}</button>
                    </form>
                })}
                <ErrorBox error=step_up_error/>
                <form method="post" action=ConfirmStepUp::url() class="space-y-4">
                    <Field id="step-up-code" name="code" label=if with_app { t.step_up_label_totp } else { t.step_up_label } autocomplete="one-time-code" required=true error=step_up_error/>
                    <Submit label=t.step_up_submit/>
                </form>
            }
            .into_any()
        })
    };
    view! {
        <section id="confirm" aria-labelledby="confirm-heading" class="space-y-4">
            <h2 id="confirm-heading" class="text-xl font-semibold">{t.step_up_heading}</h2>
            <Notice show=step_up_sent text=t.step_up_sent/>
            <Suspense fallback=|| ()>{confirm_section}</Suspense>
        </section>
    }
}

/// The authenticator app: add it (scan, confirm), see the recovery codes once, remove it.
#[component]
fn AppSection(status: Status) -> impl IntoView {
    let t = use_lang().texts();
    let start_error = use_form_error::<StartTotp>();
    let confirm_error = use_form_error::<ConfirmTotp>();
    let remove_error = use_form_error::<RemoveTotp>();
    let removed = use_query_flag("totp_removed");
    let totp_section = move || {
        Suspend::new(async move {
            let status = match status.await {
                Ok(s) => s,
                Err(e) => return view! { <NeedsSignIn error=e/> }.into_any(),
            };
            let fresh = status.fresh_recovery_codes.clone().map(|codes| view! {
                <div role="status" class="space-y-2 rounded border border-green-300 bg-green-50 p-4">
                    <h3 class="font-semibold">{t.recovery_title}</h3>
                    <p>{t.recovery_intro}</p>
                    <ul class="grid grid-cols-2 gap-1 font-mono" aria-label=t.recovery_title>
                        {codes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}
                    </ul>
                    <form method="post" action=DismissRecoveryCodes::url()><Submit label=t.recovery_saved/></form>
                </div>
            });
            let body = match status.totp {
                TotpState::Off => view! {
                    <p>{t.totp_off}</p>
                    <ErrorBox error=start_error/>
                    <form method="post" action=StartTotp::url()><Submit label=t.totp_start/></form>
                }
                .into_any(),
                TotpState::Pending { qr_svg, manual_key } => view! {
                    <p>{t.totp_scan}</p>
                    <div role="img" aria-label=t.totp_qr_alt class="w-52 bg-white" inner_html=qr_svg></div>
                    <p>{t.totp_key}": "<code class="break-all font-mono" data-testid="totp-key">{manual_key}</code></p>
                    <ErrorBox error=confirm_error/>
                    <form method="post" action=ConfirmTotp::url() class="space-y-4">
                        <Field id="totp-confirm" name="code" label=t.totp_confirm_label autocomplete="one-time-code" inputmode="numeric" required=true error=confirm_error/>
                        <Submit label=t.totp_confirm/>
                    </form>
                }
                .into_any(),
                TotpState::On { recovery_codes_left } => view! {
                    <p>{t.totp_on}</p>
                    <p>{t.recovery_left}" "{recovery_codes_left}</p>
                    <ErrorBox error=remove_error/>
                    <form method="post" action=RemoveTotp::url() class="space-y-4">
                        <Field id="totp-remove" name="code" label=t.totp_remove_label autocomplete="one-time-code" required=true error=remove_error/>
                        <button type="submit" class="rounded border border-red-700 px-4 py-2 text-red-800 hover:bg-red-50 focus-ring">{t.totp_remove}</button>
                    </form>
                }
                .into_any(),
            };
            view! { {fresh} {body} }.into_any()
        })
    };
    view! {
        <section id="totp" aria-labelledby="totp-heading" class="space-y-4">
            <h2 id="totp-heading" class="text-xl font-semibold">{t.totp_section}</h2>
            <Notice show=removed text=t.totp_removed/>
            <Suspense fallback=|| ()>{totp_section}</Suspense>
        </section>
    }
}

/// Every place the person is signed in, each with a way to end it, and "everywhere".
#[component]
fn SessionsSection() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let sessions = Resource::new(|| (), |_| list_sessions());
    let sign_out_error = use_form_error::<SignOut>();
    let revoke_error = use_form_error::<RevokeSession>();
    let revoked = use_query_flag("revoked");
    let sessions_section = move || {
        Suspend::new(async move {
            let Ok(list) = sessions.await else {
                return ().into_any();
            };
            view! {
                <div class="overflow-x-auto">
                    <table class="w-full border-collapse text-left text-sm">
                        <caption class="sr-only">{t.sessions_title}</caption>
                        <thead>
                            <tr class="border-b border-slate-300">
                                <th scope="col" class="py-2 pr-4">{t.sessions_device}</th>
                                <th scope="col" class="py-2 pr-4">{t.sessions_ip}</th>
                                <th scope="col" class="py-2 pr-4">{t.sessions_signed_in}</th>
                                <th scope="col" class="py-2 pr-4">{t.sessions_last_seen}</th>
                                <th scope="col" class="py-2"><span class="sr-only">{t.sessions_revoke}</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {list
                                .into_iter()
                                .map(|s| view! {
                                    <tr class="border-b border-slate-200">
                                        <th scope="row" class="py-2 pr-4 font-medium">
                                            {s.device.clone()}
                                            {s.current.then(|| view! { <span class="ml-2 rounded bg-indigo-50 px-2 py-0.5 text-xs text-indigo-800">{t.sessions_this}</span> })}
                                        </th>
                                        <td class="py-2 pr-4">{s.ip.clone()}</td>
                                        <td class="py-2 pr-4">{lang.moment(s.signed_in_at_us)}</td>
                                        <td class="py-2 pr-4">{lang.moment(s.last_seen_at_us)}</td>
                                        <td class="py-2">
                                            {(!s.current).then(|| view! {
                                                <form method="post" action=RevokeSession::url()>
                                                    <input type="hidden" name="handle" value=s.handle.clone()/>
                                                    <button type="submit" class="text-red-800 underline focus-ring" aria-label=format!("{} ({})", t.sessions_revoke, s.device)>{t.sessions_revoke}</button>
                                                </form>
                                            })}
                                        </td>
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
                <form method="post" action=SignOut::url()>
                    <input type="hidden" name="everywhere" value="1"/>
                    <button type="submit" class="rounded border border-red-700 px-4 py-2 text-red-800 hover:bg-red-50 focus-ring">{t.sessions_everywhere}</button>
                </form>
            }
            .into_any()
        })
    };
    view! {
        <section aria-labelledby="sessions-heading" class="space-y-4">
            <h2 id="sessions-heading" class="text-xl font-semibold">{t.sessions_title}</h2>
            <Notice show=revoked text=t.sessions_revoked/>
            <ErrorBox error=revoke_error/>
            <ErrorBox error=sign_out_error/>
            <Suspense fallback=|| ()>{sessions_section}</Suspense>
        </section>
    }
}

/// Deleting the account: asked for after confirming it is the person, carried out after
/// 30 days, cancelled by one button until then.
#[component]
fn DeleteSection(status: Status) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let request_error = use_form_error::<RequestDeletion>();
    let requested = use_query_flag("deletion_requested");
    let cancelled = use_query_flag("deletion_cancelled");
    let body = move || {
        Suspend::new(async move {
            let Ok(status) = status.await else {
                return ().into_any();
            };
            if let Some(due) = status.deletion_due {
                let day = lang.date_text(&due);
                return if status.deletion_by_firm {
                    view! { <p>{t.delete_pending_by_firm.replace("{date}", &day)}</p> }.into_any()
                } else {
                    view! {
                        <p>{t.delete_pending.replace("{date}", &day)}</p>
                        <form method="post" action=CancelDeletion::url()><Submit label=t.delete_keep/></form>
                    }
                    .into_any()
                };
            }
            view! {
                <p>{t.delete_intro}</p>
                <ErrorBox error=request_error/>
                {if status.stepped_up {
                    view! {
                        <form method="post" action=RequestDeletion::url()>
                            <button type="submit" class="rounded border border-red-700 px-4 py-2 text-red-800 hover:bg-red-50 focus-ring">{t.delete_button}</button>
                        </form>
                    }
                    .into_any()
                } else {
                    view! { <p><a href="#confirm" class="underline focus-ring">{t.delete_step_up_first}</a></p> }.into_any()
                }}
            }
            .into_any()
        })
    };
    view! {
        <section id="delete" aria-labelledby="delete-heading" class="space-y-4 border-t border-slate-200 pt-6">
            <h2 id="delete-heading" class="text-xl font-semibold">{t.delete_heading}</h2>
            <Notice show=requested text=t.delete_requested/>
            <Notice show=cancelled text=t.delete_cancelled/>
            <Suspense fallback=|| ()>{body}</Suspense>
        </section>
    }
}
