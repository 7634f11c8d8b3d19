use crate::AppError;
use leptos::prelude::*;

/// Saves the profile form. The language chosen here also becomes the interface language.
#[server(prefix = "/api", endpoint = "account/update_profile")]
pub async fn update_profile(
    full_name: String,
    title: String,
    admission_date: String,
    birth_date: String,
    rule_set: String,
    language: String,
    /// Asked of a new firm's owner on the first profile only; `names_firm` says the form
    /// asked (an empty name then counts as missing, not as absent).
    #[server(default)]
    names_firm: Option<String>,
    #[server(default)] firm_name: Option<String>,
    #[server(default)] org_number: Option<String>,
    #[server(default)] history_from: String,
) -> Result<(), AppError> {
    use crate::backend::account::{self, ProfileInput};
    let call = crate::api::support::call()?;
    let viewer = call.viewer().await?;
    let input = ProfileInput {
        full_name,
        title,
        admission_date,
        birth_date,
        rule_set,
        language,
        firm_name: firm_name.or(names_firm.map(|_| String::new())),
        org_number,
        history_from,
    };
    account::update_profile(&call.state, &viewer, &call.meta, call.lang, &input)
        .await
        .map_err(|e| call.fail(e))?;
    if let Some(lang) = crate::i18n::Lang::from_code(&input.language) {
        let secure = call.state.config.http.public_url.is_https();
        let cookie = crate::i18n::lang_cookie(lang, secure);
        call.apply(&crate::backend::auth::flows::CookieChange {
            set_cookie: Some(cookie),
        })?;
    }
    call.redirect("/account/profile?saved=1");
    Ok(())
}
