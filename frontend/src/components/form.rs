//! Form pieces: a labelled input that shows the server's message for its field, and the
//! error summary at the top of a form. Messages arrive in the viewer's language.

use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::api::ApiError;

/// Messages per field name, as the server's problem document lists them.
pub type FieldMessages = BTreeMap<String, Vec<String>>;

/// The field messages of a failed call (none for a success).
pub fn messages_of<T>(result: Option<&Result<T, ApiError>>) -> FieldMessages {
    match result {
        Some(Err(error)) => error.0.errors.clone(),
        _ => FieldMessages::new(),
    }
}

/// The messages for `name` and the fields under it (`rule` also shows `rule.end`).
pub fn messages_for(all: &FieldMessages, name: &str) -> Vec<String> {
    all.iter()
        .filter(|(field, _)| *field == name || field.starts_with(&format!("{name}.")))
        .flat_map(|(_, messages)| messages.clone())
        .collect()
}

/// A labelled input bound to `value`, with its field's messages under it.
#[component]
pub fn Field(
    /// Unique id on the page.
    #[prop(into)]
    id: String,
    /// The field name the server reports errors under.
    name: &'static str,
    /// The label.
    label: &'static str,
    /// The bound value.
    value: RwSignal<String>,
    /// The form's field messages.
    #[prop(into)]
    errors: Signal<FieldMessages>,
    /// The input type.
    #[prop(default = "text")]
    kind: &'static str,
    /// A hint under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// Required.
    #[prop(optional)]
    required: bool,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let messages = move || messages_for(&errors.get(), name);
    let invalid = move || (!messages().is_empty()).then_some("true");
    let described = {
        let error_id = error_id.clone();
        let hint_id = hint_id.clone();
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if !messages().is_empty() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            // `value` for the page as the server sends it (a form sent before the client
            // loads keeps what is stored); `prop:value` keeps the box and the signal in step.
            <input id=id name=name type=kind required=required
                value=value.get_untracked()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=invalid aria-describedby=described/>
            <FieldError id=error_id messages=Signal::derive(messages)/>
        </div>
    }
}

/// The messages under one field.
#[component]
pub fn FieldError(id: String, #[prop(into)] messages: Signal<Vec<String>>) -> impl IntoView {
    view! {
        <Show when=move || !messages.get().is_empty()>
            <p class="field-error" id=id.clone()>{move || messages.get().join(" ")}</p>
        </Show>
    }
}

/// The outcome of a form's last submission: the problem's title, or a success note.
#[component]
pub fn FormStatus<T: Clone + Send + Sync + 'static>(
    result: Signal<Option<Result<T, ApiError>>>,
    /// Shown after success.
    saved: &'static str,
) -> impl IntoView {
    move || match result.get() {
        Some(Err(error)) => view! {
            <p class="alert" role="alert">{error.0.title.clone()}" "{error.0.detail.clone()}</p>
        }
        .into_any(),
        Some(Ok(_)) => view! { <p class="notice" role="status">{saved}</p> }.into_any(),
        None => ().into_any(),
    }
}

/// `None` for a blank text, else the trimmed text.
pub fn optional(value: String) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// The field errors a plain form post sent back as `?errors=<JSON>`, as messages in `lang`.
pub fn query_messages(lang: shared::Lang) -> FieldMessages {
    crate::page_url::query()
        .get("errors")
        .and_then(|json| serde_json::from_str::<shared::FieldErrors>(&json).ok())
        .map(|errors| errors.messages(lang))
        .unwrap_or_default()
}

/// The field errors a plain post of the form named `form` sent back
/// (`?form=<form>&errors=<JSON>`), for a page with several forms; none for another form's.
pub fn posted_messages(lang: shared::Lang, form: &str) -> FieldMessages {
    let query = crate::page_url::query();
    if query.get("form").as_deref() == Some(form) {
        query_messages(lang)
    } else {
        FieldMessages::new()
    }
}

/// What a plain post came back saying was saved (`?saved=<what>`).
pub fn posted_saved() -> Option<String> {
    crate::page_url::query().get("saved")
}

/// A form's messages: its last call's through the client, else what its plain post (sent
/// before the client loaded, or without it) came back with.
pub fn call_or_posted<T: Clone + Send + Sync + 'static>(
    call: impl Get<Value = Option<Result<T, ApiError>>> + Send + Sync + 'static,
    posted: FieldMessages,
) -> Signal<FieldMessages> {
    Signal::derive(move || match call.get() {
        Some(result) => messages_of(Some(&result)),
        None => posted.clone(),
    })
}

/// A plain form field's error line and the attributes that tie it to its input.
pub struct PlainError {
    /// `aria-invalid`.
    pub invalid: Option<&'static str>,
    /// `aria-describedby`.
    pub described_by: Option<String>,
    /// The message line, if any.
    pub line: Option<AnyView>,
}

/// The error of field `name` (input id `id`) among `all`.
pub fn plain_error(all: &FieldMessages, name: &str, id: &str) -> PlainError {
    let messages = messages_for(all, name);
    if messages.is_empty() {
        return PlainError {
            invalid: None,
            described_by: None,
            line: None,
        };
    }
    let error_id = format!("{id}-error");
    PlainError {
        invalid: Some("true"),
        described_by: Some(error_id.clone()),
        line: Some(
            view! { <p class="field-error" id=error_id>{messages.join(" ")}</p> }.into_any(),
        ),
    }
}

/// A labelled plain-form input named `name`, with id `{prefix}-{name}` and its error line.
pub fn plain_input(
    errors: &FieldMessages,
    prefix: &str,
    name: &'static str,
    label: &'static str,
    value: String,
    kind: &'static str,
    required: bool,
) -> AnyView {
    let id = format!("{prefix}-{name}");
    let error = plain_error(errors, name, &id);
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id name=name type=kind value=value required=required
                aria-invalid=error.invalid aria-describedby=error.described_by/>
            {error.line}
        </div>
    }
    .into_any()
}

/// A `<textarea>`'s text, to be its child. tachys (0.2.19) writes a textarea's children
/// unescaped on the server, as it does script's and style's, so `</textarea>` in a stored
/// text would end the element and the rest would become markup. Escaped there (the browser
/// decodes it back into the box); in the browser a child is a text node already. Every
/// textarea takes its text through here (`every_prefilled_textarea_escapes_its_text` checks).
pub fn textarea_text(text: String) -> String {
    #[cfg(feature = "ssr")]
    {
        html_escape::encode_text(&text).into_owned()
    }
    #[cfg(not(feature = "ssr"))]
    {
        text
    }
}

/// A labelled plain-form text box named `name`, with id `{prefix}-{name}`, an optional hint
/// and its error line.
pub fn plain_textarea(
    errors: &FieldMessages,
    prefix: &str,
    name: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
    value: String,
) -> AnyView {
    let id = format!("{prefix}-{name}");
    let hint_id = format!("{id}-hint");
    let error = plain_error(errors, name, &id);
    let described: Vec<String> = [hint.map(|_| hint_id.clone()), error.described_by]
        .into_iter()
        .flatten()
        .collect();
    let described = (!described.is_empty()).then(|| described.join(" "));
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            <textarea id=id name=name rows="3" aria-invalid=error.invalid aria-describedby=described>{textarea_text(value)}</textarea>
            {error.line}
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod textarea_tests {
    use std::path::Path;

    /// Every `.rs` file under `dir`.
    fn sources(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut found = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(sources(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
        found
    }

    #[test]
    fn every_prefilled_textarea_escapes_its_text() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut raw = Vec::new();
        let mut checked = 0;
        for file in sources(&src) {
            let text = std::fs::read_to_string(&file).unwrap();
            // Split so that this line is not a match itself.
            for (at, _) in text.match_indices(concat!("<text", "area id")) {
                let Some(open_end) = text[at..].find('>') else {
                    continue;
                };
                let rest = &text[at + open_end + 1..];
                let Some(close) = rest.find("</textarea>") else {
                    continue;
                };
                let child = rest[..close].trim();
                checked += 1;
                if !child.is_empty() && !child.starts_with("{textarea_text(") {
                    raw.push(format!("{}: {child}", file.display()));
                }
            }
        }
        assert!(checked >= 3, "found only {checked} textareas");
        assert!(
            raw.is_empty(),
            "textarea text not through textarea_text: {raw:?}"
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_closing_tag_in_the_text_stays_text_on_the_server() {
        assert_eq!(
            super::textarea_text("a</textarea><b>&".to_owned()),
            "a&lt;/textarea&gt;&lt;b&gt;&amp;"
        );
    }
}
