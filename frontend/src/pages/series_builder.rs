//! The recurrence builder: start, length, how it repeats and when it stops, with the rule's
//! summary and next ten dates shown live as staff change it. It is a plain form too (`POST
//! /staff/programs/{slug}/series`): before the client loads, or without it, every field is
//! shown and the post creates the same series; once hydrated, only the chosen repeat's and
//! end's fields are.

use leptos::prelude::*;
use shared::Lang;
use shared::dto::programs::ProgramResponse;
use shared::dto::schedule::{PreviewRequest, PreviewResponse, SeriesInput, parse_local};
use shared::recurrence::{BuilderFields, Weekday};
use uuid::Uuid;

use crate::api::{ApiError, create_series, preview_series};
use crate::components::form::{
    Field, FieldError, FormStatus, call_or_posted, messages_for, optional, posted_messages,
    posted_saved,
};
use crate::format::dated_time_range;
use crate::i18n::tr;

/// The builder for a new series of `program`.
#[component]
pub fn SeriesBuilder(
    lang: Lang,
    program: ProgramResponse,
    on_saved: impl Fn() + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let program_id: Uuid = program.id;
    let tz = program.tz.clone();
    let start = RwSignal::new(String::new());
    let duration = RwSignal::new(program.default_duration_minutes.to_string());
    let frequency = RwSignal::new("weekly".to_owned());
    let interval = RwSignal::new("1".to_owned());
    let weekdays = RwSignal::new(Vec::<Weekday>::new());
    let monthly_nth = RwSignal::new("same".to_owned());
    let monthly_day = RwSignal::new(Weekday::Fr);
    let end_kind = RwSignal::new("never".to_owned());
    let until = RwSignal::new(String::new());
    let count = RwSignal::new("10".to_owned());
    let title = RwSignal::new(String::new());
    let host = RwSignal::new(String::new());

    let rule = move || {
        BuilderFields {
            frequency: &frequency.get(),
            interval: &interval.get(),
            weekdays: &weekdays.get(),
            monthly_nth: &monthly_nth.get(),
            monthly_day: monthly_day.get(),
            end_kind: &end_kind.get(),
            until: &until.get(),
            count: &count.get(),
        }
        .rule()
    };
    let request = {
        let tz = tz.clone();
        move || {
            let start_local = parse_local(&start.get()).ok()?;
            Some(PreviewRequest {
                tz: tz.clone(),
                start_local,
                duration_minutes: duration.get().trim().parse().unwrap_or(0),
                rule: rule(),
            })
        }
    };
    // The preview follows every change as it is typed. Effects run only in the browser, so
    // the server renders the empty state and never holds a forever-pending resource (a
    // `LocalResource` here left one server-rendered response in ten open after its last byte).
    let preview = RwSignal::new(None::<Result<Option<PreviewResponse>, ApiError>>);
    let asked = StoredValue::new(0u64);
    Effect::new(move |_| {
        let request = request();
        let ticket = asked.get_value() + 1;
        asked.set_value(ticket);
        leptos::task::spawn_local(async move {
            let answer = match request {
                Some(request) => preview_series(request).await.map(Some),
                None => Ok(None),
            };
            // An answer to an older request arriving late must not replace a newer one, and
            // one arriving after the builder left the page goes nowhere.
            if asked.try_get_value() == Some(ticket) {
                preview.try_set(Some(answer));
            }
        });
    });
    let save = Action::new(move |input: &SeriesInput| {
        let input = input.clone();
        async move { create_series(input).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            on_saved();
        }
    });
    // A plain post comes back marked `?form=series` with its errors, or `?saved=series`.
    let save_errors = call_or_posted(save.value(), posted_messages(lang, "series"));
    let saved_by_post = posted_saved().as_deref() == Some("series");
    let preview_errors = Signal::derive(move || match preview.get() {
        Some(Err(error)) => error.0.errors.clone(),
        _ => Default::default(),
    });
    let errors = Signal::derive(move || {
        let mut all = preview_errors.get();
        all.extend(save_errors.get());
        all
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let start_local = match parse_local(&start.get()) {
            Ok(t) => t,
            Err(_) => chrono::NaiveDateTime::MIN,
        };
        save.dispatch(SeriesInput {
            program_id,
            start_local,
            duration_minutes: duration.get().trim().parse().unwrap_or(0),
            rule: rule(),
            title: optional(title.get()),
            host: optional(host.get()),
        });
    };
    let rule_messages = Signal::derive(move || messages_for(&errors.get(), "rule"));
    // Effects run only in the browser: until then every part of the form shows.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let folded = move |shown: bool| hydrated.get() && !shown;
    let csrf = crate::i18n::use_viewer().csrf_token;
    let action = format!("/staff/programs/{}/series", program.slug);
    let zone = program.zone_label.clone();

    view! {
        <form class="card stack series-builder" method="post" action=action on:submit=submit novalidate aria-labelledby="builder-heading">
            <input type="hidden" name="csrf_token" value=csrf/>
            <h3 id="builder-heading">{tr(lang, "Seri baru", "New series")}</h3>
            <FormStatus result=save.value().into() saved=tr(lang, "Seri dibuat; sesi-sesinya sudah terjadwal.", "Series created; its sessions are scheduled.")/>
            {move || (saved_by_post && save.value().get().is_none()).then(|| view! {
                <p class="notice" role="status">{tr(lang, "Seri dibuat; sesi-sesinya sudah terjadwal.", "Series created; its sessions are scheduled.")}</p>
            })}
            <Field id="series-start" name="start_local" kind="datetime-local"
                label=tr(lang, "Sesi pertama", "First session") value=start errors
                hint=if lang == Lang::Id { "Waktu setempat program." } else { "The program's local time." }/>
            <p class="hint">{format!("{} ({})", zone, program.tz)}</p>
            <Field id="series-duration" name="duration_minutes" kind="number"
                label=tr(lang, "Durasi (menit)", "Length (minutes)") value=duration errors/>
            <div class="field">
                <label for="series-frequency">{tr(lang, "Berulang", "Repeats")}</label>
                <select id="series-frequency" name="frequency" on:change=move |ev| frequency.set(event_target_value(&ev))>
                    <option value="weekly" selected=move || frequency.get() == "weekly">{tr(lang, "Mingguan", "Weekly")}</option>
                    <option value="monthly" selected=move || frequency.get() == "monthly">{tr(lang, "Bulanan", "Monthly")}</option>
                    <option value="daily" selected=move || frequency.get() == "daily">{tr(lang, "Harian", "Daily")}</option>
                </select>
            </div>
            <Field id="series-interval" name="rule.interval" kind="number"
                label=tr(lang, "Setiap berapa (1 = setiap, 2 = selang satu)", "Every how many (1 = every, 2 = every other)") value=interval errors/>
                <fieldset class="weekdays" hidden=move || folded(frequency.get() == "weekly")>
                    <legend>{tr(lang, "Pada hari", "On")}</legend>
                    {Weekday::ALL.into_iter().map(|day| view! {
                        <label class="checkbox">
                            <input type="checkbox" name="weekday" value=day.code()
                                prop:checked=move || weekdays.get().contains(&day)
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    weekdays.update(|days| {
                                        days.retain(|d| *d != day);
                                        if on { days.push(day); }
                                    });
                                }/>
                            {day.name(lang)}
                        </label>
                    }).collect_view()}
                </fieldset>
                <div class="field" hidden=move || folded(frequency.get() == "monthly")>
                    <label for="series-monthly">{tr(lang, "Pada", "On the")}</label>
                    <select id="series-monthly" name="monthly_nth" on:change=move |ev| monthly_nth.set(event_target_value(&ev))>
                        <option value="same">{tr(lang, "tanggal yang sama", "same day of the month")}</option>
                        <option value="1">{tr(lang, "minggu pertama", "first")}</option>
                        <option value="2">{tr(lang, "minggu kedua", "second")}</option>
                        <option value="3">{tr(lang, "minggu ketiga", "third")}</option>
                        <option value="4">{tr(lang, "minggu keempat", "fourth")}</option>
                        <option value="-1">{tr(lang, "minggu terakhir", "last")}</option>
                    </select>
                    <label for="series-monthly-day">{tr(lang, "Hari", "Weekday")}</label>
                    <select id="series-monthly-day" name="monthly_day" on:change=move |ev| {
                        if let Some(day) = Weekday::from_code(&event_target_value(&ev)) { monthly_day.set(day) }
                    }>
                        {Weekday::ALL.into_iter().map(|day| view! {
                            <option value=day.code() selected=move || monthly_day.get() == day>{day.name(lang)}</option>
                        }).collect_view()}
                    </select>
                </div>
            <fieldset>
                <legend>{tr(lang, "Berakhir", "Ends")}</legend>
                {[("never", tr(lang, "Tidak pernah", "Never")), ("until", tr(lang, "Pada tanggal", "On a date")), ("count", tr(lang, "Setelah sejumlah sesi", "After a number of sessions"))]
                    .into_iter().map(|(value, label)| view! {
                        <label class="checkbox">
                            <input type="radio" name="end" value=value
                                checked=value == "never"
                                prop:checked=move || end_kind.get() == value
                                on:change=move |_| end_kind.set(value.to_owned())/>
                            {label}
                        </label>
                    }).collect_view()}
                <div hidden=move || folded(end_kind.get() == "until")>
                    <Field id="series-until" name="rule.end.until" kind="date" label=tr(lang, "Tanggal terakhir", "Last day") value=until errors/>
                </div>
                <div hidden=move || folded(end_kind.get() == "count")>
                    <Field id="series-count" name="rule.end.count" kind="number" label=tr(lang, "Jumlah sesi", "Number of sessions") value=count errors/>
                </div>
                <FieldError id="series-rule-error".into() messages=rule_messages/>
            </fieldset>
            <Field id="series-title" name="title" label=tr(lang, "Judul sesi (opsional)", "Session title (optional)") value=title errors/>
            <Field id="series-host" name="host" label=tr(lang, "Pembawa acara", "Host") value=host errors/>
            <section class="preview" aria-live="polite" aria-labelledby="preview-heading">
                <h4 id="preview-heading">{tr(lang, "Sepuluh tanggal berikutnya", "Next ten dates")}</h4>
                {move || match preview.get() {
                    Some(Ok(Some(p))) => view! {
                        <p id="rule-summary"><strong>{if lang == Lang::Id { p.summary_id.clone() } else { p.summary_en.clone() }}</strong></p>
                        <ol id="preview-dates">
                            {p.occurrences.iter().map(|o| view! {
                                <li>{dated_time_range(lang, o.start_local, o.end_local, &p.zone_label)}</li>
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                    Some(Err(e)) => view! { <p class="field-error">{e.0.title.clone()}</p> }.into_any(),
                    _ => view! { <p class="muted">{tr(lang, "Isi sesi pertama untuk melihat tanggal-tanggalnya.", "Fill in the first session to see its dates.")}</p> }.into_any(),
                }}
            </section>
            <button type="submit" class="button primary" disabled=move || save.pending().get()>
                {tr(lang, "Buat seri", "Create series")}
            </button>
        </form>
    }
}
