//! The development mailbox: what the app "sent" when no SMTP server is configured.

use crate::api::dev::list_mailbox;
use crate::i18n::use_texts;
use crate::pages::NotFound;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn DevMailbox() -> impl IntoView {
    let t = use_texts();
    let mail = Resource::new(|| (), |_| list_mailbox());
    let body = move || {
        Suspend::new(async move {
            match mail.await {
                Err(_) => view! { <NotFound/> }.into_any(),
                Ok(list) => view! {
                    <Title text=t.mailbox_title/>
                    <section class="space-y-4">
                        <h1 class="text-3xl font-bold tracking-tight">{t.mailbox_title}</h1>
                        <p class="text-slate-700">{t.mailbox_intro}</p>
                        {list.is_empty().then(|| view! { <p>{t.mailbox_empty}</p> })}
                        <ol class="space-y-4">
                            {list
                                .into_iter()
                                .map(|m| view! {
                                    <li class="rounded border border-slate-200 bg-white p-4">
                                        <p><span class="font-semibold">{t.mailbox_to}": "</span>{m.to}</p>
                                        <p><span class="font-semibold">{t.mailbox_subject}": "</span>{m.subject}</p>
                                        <pre class="mt-2 whitespace-pre-wrap break-words text-sm">{m.text}</pre>
                                    </li>
                                })
                                .collect_view()}
                        </ol>
                    </section>
                }
                .into_any(),
            }
        })
    };
    view! { <Suspense fallback=|| ()>{body}</Suspense> }
}
