//! The firm's people: invite by email, change roles, block, unblock, remove; open
//! invitations with resend and revoke. Plain forms, so it all works without JavaScript.

use super::FirmNav;
use crate::api::firm::{
    BlockMember, ChangeRole, InviteMember, RemoveMember, ResendInvitation, RevokeInvitation,
    SetLegalHold, SetMemberDeletion, SetMemberRestriction, UnblockMember, get_members,
};
use crate::components::form::{
    ErrorBox, Field, Notice, Submit, use_form_error, use_form_values, use_query_flag,
};
use crate::i18n::{Texts, use_lang};
use crate::model::{InvitationView, MemberView, RemovedView};
use crate::pages::account::NeedsSignIn;
use domain::{AccountStatus, Role};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

fn role_name(t: &Texts, role: Role) -> &'static str {
    match role {
        Role::Owner => t.role_owner,
        Role::Admin => t.role_admin,
        Role::Member => t.role_member,
    }
}

/// A one-button form posting `id` to a server function.
#[component]
fn Action(
    url: &'static str,
    id: String,
    label: String,
    text: &'static str,
    #[prop(optional)] danger: bool,
) -> impl IntoView {
    let class = if danger {
        "rounded border border-red-700 px-2 py-1 text-sm text-red-800 focus-ring"
    } else {
        "rounded border border-slate-400 px-2 py-1 text-sm focus-ring"
    };
    view! {
        <form method="post" action=url>
            <input type="hidden" name="id" value=id/>
            <button type="submit" aria-label=label class=class>{text}</button>
        </form>
    }
}

#[component]
pub fn FirmMembers() -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let members = Resource::new(|| (), |_| get_members());
    // The invitation form shows its own error; the row actions' errors show at the top.
    let action_errors = [
        use_form_error::<ChangeRole>(),
        use_form_error::<BlockMember>(),
        use_form_error::<UnblockMember>(),
        use_form_error::<RemoveMember>(),
        use_form_error::<SetMemberDeletion>(),
        use_form_error::<SetMemberRestriction>(),
        use_form_error::<SetLegalHold>(),
        use_form_error::<ResendInvitation>(),
        use_form_error::<RevokeInvitation>(),
    ];
    let notices = [
        (use_query_flag("invited"), t.firm_invited),
        (use_query_flag("resent"), t.firm_invitation_resent),
        (use_query_flag("revoked"), t.firm_invitation_revoked),
        (use_query_flag("role_changed"), t.saved),
        (use_query_flag("blocked"), t.firm_member_blocked),
        (use_query_flag("unblocked"), t.firm_member_unblocked),
        (use_query_flag("removed"), t.firm_member_removed),
        (
            use_query_flag("deletion_scheduled"),
            t.firm_member_deletion_scheduled,
        ),
        (
            use_query_flag("deletion_cancelled"),
            t.firm_member_deletion_cancelled,
        ),
        (use_query_flag("restricted"), t.firm_member_restricted),
        (use_query_flag("unrestricted"), t.firm_member_unrestricted),
        (use_query_flag("held"), t.firm_member_held),
        (use_query_flag("unheld"), t.firm_member_unheld),
    ];
    let body = move || {
        Suspend::new(async move {
            let m = match members.await {
                Ok(m) => m,
                Err(e) => return view! { <NeedsSignIn error=e/> }.into_any(),
            };
            let people = m
                .people
                .iter()
                .map(|p| view! { <MemberRow p=p.clone()/> })
                .collect_view();
            view! {
                <div class="overflow-x-auto">
                    <table class="w-full text-left">
                        <caption class="sr-only">{t.firm_members_title}</caption>
                        <thead><tr>
                            <th scope="col" class="py-1 pr-3">{t.firm_col_person}</th>
                            <th scope="col" class="py-1 pr-3">{t.role_label}</th>
                            <th scope="col" class="py-1">{t.col_actions}</th>
                        </tr></thead>
                        <tbody>{people}</tbody>
                    </table>
                </div>
                <InviteSection invitations=m.invitations.clone() invite_roles=m.invite_roles.clone()/>
                {(!m.removed.is_empty()).then(|| view! { <RemovedSection removed=m.removed.clone()/> })}
            }
            .into_any()
        })
    };
    view! {
        <Title text=t.firm_members_title/>
        <section class="space-y-4">
            <h1 class="text-3xl font-bold tracking-tight">{t.firm_members_title}</h1>
            <FirmNav/>
            {notices.into_iter().map(|(show, text)| view! { <Notice show text/> }).collect_view()}
            {action_errors.into_iter().map(|error| view! { <ErrorBox error/> }).collect_view()}
            <Suspense fallback=|| ()>{body}</Suspense>
        </section>
    }
}

/// One person of the firm with what the viewer may do to them (decided by the server).
#[component]
fn MemberRow(p: MemberView) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let name = if p.full_name.is_empty() {
        p.email.clone()
    } else {
        p.full_name.clone()
    };
    let manageable = p.may_manage;
    let roles = p.roles.clone();
    let role_form = (!roles.is_empty()).then(|| {
        let select_id = format!("role-{}", p.id);
        view! {
            <form method="post" action=ChangeRole::url() class="flex items-center gap-2">
                <input type="hidden" name="id" value=p.id.clone()/>
                <label for=select_id.clone() class="sr-only">{format!("{} {name}", t.role_label)}</label>
                <select id=select_id name="role" class="rounded border border-slate-400 bg-white px-2 py-1 text-sm focus-ring">
                    {roles.iter().map(|r| view! { <option value=r.as_str() selected=p.role == *r>{role_name(t, *r)}</option> }).collect_view()}
                </select>
                <button type="submit" aria-label=format!("{} {name}", t.role_save) class="rounded border border-slate-400 px-2 py-1 text-sm focus-ring">{t.role_save}</button>
            </form>
        }
    });
    let blocked = p.status == AccountStatus::Blocked;
    view! {
        <tr class="border-t border-slate-200 align-top">
            <th scope="row" class="py-2 pr-3 font-normal">
                <span class="font-medium">{name.clone()}</span>
                <span class="block text-sm text-slate-600 break-all">{p.email.clone()}</span>
            </th>
            <td class="py-2 pr-3">
                {role_name(t, p.role)}
                {blocked.then(|| view! { <span class="block text-sm text-red-800">{t.member_blocked_badge}</span> })}
                {p.restricted.then(|| view! { <span class="block text-sm text-amber-900">{t.restricted_badge}</span> })}
                {p.legal_hold.clone().map(|reason| view! { <span class="block text-sm text-amber-900 [overflow-wrap:anywhere]">{t.hold_badge.replace("{reason}", &reason)}</span> })}
            </td>
            <td class="py-2">
                <div class="flex flex-wrap gap-2">
                    {role_form}
                    {manageable.then(|| view! {
                        {if blocked {
                            view! { <Action url=UnblockMember::url() id=p.id.clone() label=format!("{} {name}", t.unblock) text=t.unblock/> }.into_any()
                        } else {
                            view! { <Action url=BlockMember::url() id=p.id.clone() label=format!("{} {name}", t.block) text=t.block danger=true/> }.into_any()
                        }}
                        {if p.restricted {
                            view! {
                                <form method="post" action=SetMemberRestriction::url()>
                                    <input type="hidden" name="id" value=p.id.clone()/>
                                    <input type="hidden" name="lift" value="1"/>
                                    <button type="submit" aria-label=format!("{} {name}", t.member_unrestrict) class="rounded border border-slate-400 px-2 py-1 text-sm focus-ring">{t.member_unrestrict}</button>
                                </form>
                            }
                            .into_any()
                        } else {
                            view! { <Action url=SetMemberRestriction::url() id=p.id.clone() label=format!("{} {name}", t.member_restrict) text=t.member_restrict/> }.into_any()
                        }}
                        {match p.legal_hold.is_some() {
                            true => view! {
                                <form method="post" action=SetLegalHold::url()>
                                    <input type="hidden" name="id" value=p.id.clone()/>
                                    <input type="hidden" name="lift" value="1"/>
                                    <button type="submit" aria-label=format!("{} {name}", t.hold_lift) class="rounded border border-slate-400 px-2 py-1 text-sm focus-ring">{t.hold_lift}</button>
                                </form>
                            }
                            .into_any(),
                            false => {
                                let field = format!("hold-{}", p.id);
                                view! {
                                    <details class="text-sm">
                                        <summary class="cursor-pointer rounded border border-slate-400 px-2 py-1 focus-ring">{t.hold_set}</summary>
                                        <form method="post" action=SetLegalHold::url() class="mt-2 flex flex-wrap items-end gap-2">
                                            <input type="hidden" name="id" value=p.id.clone()/>
                                            <div>
                                                <label for=field.clone() class="block">{format!("{} ({name})", t.hold_label)}</label>
                                                <input id=field name="reason" type="text" required=true maxlength=domain::limits::HOLD_REASON class="rounded border border-slate-400 px-2 py-1 focus-ring"/>
                                            </div>
                                            <button type="submit" class="rounded border border-slate-400 px-2 py-1 focus-ring">{t.hold_set}</button>
                                        </form>
                                    </details>
                                }
                                .into_any()
                            }
                        }}
                        <Action url=RemoveMember::url() id=p.id.clone() label=format!("{} {name}", t.remove) text=t.remove danger=true/>
                {match p.deletion_due.clone() {
                    Some(due) => view! {
                        <span class="text-sm text-red-800">{t.member_delete_pending.replace("{date}", &lang.date_text(&due))}</span>
                        <form method="post" action=SetMemberDeletion::url()>
                            <input type="hidden" name="id" value=p.id.clone()/>
                            <input type="hidden" name="cancel" value="1"/>
                            <button type="submit" aria-label=format!("{} {name}", t.member_delete_cancel) class="rounded border border-slate-400 px-2 py-1 text-sm focus-ring">{t.member_delete_cancel}</button>
                        </form>
                    }
                    .into_any(),
                    None => view! { <Action url=SetMemberDeletion::url() id=p.id.clone() label=format!("{} {name}", t.member_delete) text=t.member_delete danger=true/> }.into_any(),
                }}
                    })}
                </div>
            </td>
        </tr>
    }
}

/// The open invitations, and the form that sends a new one.
#[component]
fn InviteSection(invitations: Vec<InvitationView>, invite_roles: Vec<Role>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let invite_error = use_form_error::<InviteMember>();
    let kept_invite = use_form_values::<InviteMember>();
    let invitations = invitations
            .iter()
            .map(|i| {
                view! {
                    <li class="flex flex-wrap items-center gap-3">
                        <span class="break-all">{format!("{} · {} · {} {}", i.email, role_name(t, i.role), if i.expired { t.invitation_expired } else { t.invitation_expires }, lang.date_text(&i.expires))}</span>
                        <Action url=ResendInvitation::url() id=i.id.clone() label=format!("{} {}", t.resend, i.email) text=t.resend/>
                        <Action url=RevokeInvitation::url() id=i.id.clone() label=format!("{} {}", t.revoke, i.email) text=t.revoke danger=true/>
                    </li>
                }
            })
            .collect_view();
    let invite_roles: Vec<(&'static str, &'static str)> = invite_roles
        .iter()
        .map(|r| (r.as_str(), role_name(t, *r)))
        .collect();
    view! {
        <section aria-labelledby="invite-heading" class="space-y-3 border-t border-slate-200 pt-6">
            <h2 id="invite-heading" class="text-xl font-semibold">{t.invite_heading}</h2>
            <p class="text-slate-700">{t.invite_intro}</p>
            <ul class="space-y-2">{invitations}</ul>
            <ErrorBox error=invite_error/>
            <form method="post" action=InviteMember::url() class="space-y-4">
                <Field id="invite-email" name="email" label=t.invite_email kind="email" autocomplete="off" kept=kept_invite.clone() required=true error=invite_error/>
                <div class="space-y-1">
                    <label for="invite-role" class="block font-medium">{t.role_label}</label>
                    <select id="invite-role" name="role" class="rounded border border-slate-400 bg-white px-3 py-2 focus-ring">
                        {invite_roles.into_iter().map(|(v, l)| { let selected = kept_invite.get("role").as_deref() == Some(v); view! { <option value=v selected=selected>{l}</option> } }).collect_view()}
                    </select>
                </div>
                <Submit label=t.invite_send/>
            </form>
        </section>
    }
}

/// People the firm removed whose records it still holds: their data can be deleted (after
/// the same 30 days), or that cancelled.
#[component]
fn RemovedSection(removed: Vec<RemovedView>) -> impl IntoView {
    let lang = use_lang();
    let t = lang.texts();
    let rows = removed
        .into_iter()
        .map(|r| {
            let name = if r.full_name.is_empty() { t.removed_unnamed.to_owned() } else { r.full_name.clone() };
            let action = match r.deletion_due.clone() {
                Some(due) => view! {
                    <span class="text-sm text-red-800">{t.member_delete_pending.replace("{date}", &lang.date_text(&due))}</span>
                    <form method="post" action=SetMemberDeletion::url()>
                        <input type="hidden" name="id" value=r.id.clone()/>
                        <input type="hidden" name="cancel" value="1"/>
                        <button type="submit" aria-label=format!("{} {name}", t.member_delete_cancel) class="rounded border border-slate-400 px-2 py-1 text-sm focus-ring">{t.member_delete_cancel}</button>
                    </form>
                }
                .into_any(),
                None => view! { <Action url=SetMemberDeletion::url() id=r.id.clone() label=format!("{} {name}", t.member_delete) text=t.member_delete danger=true/> }.into_any(),
            };
            view! {
                <li class="flex flex-wrap items-center gap-3">
                    <span>{name.clone()}</span>
                    {action}
                </li>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="removed-heading" class="space-y-3 border-t border-slate-200 pt-6">
            <h2 id="removed-heading" class="text-xl font-semibold">{t.removed_heading}</h2>
            <p class="text-slate-700">{t.removed_intro}</p>
            <ul class="space-y-2">{rows}</ul>
        </section>
    }
}
