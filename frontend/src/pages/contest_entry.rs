//! The entrant's private pages, reached by the link in the receipt mail:
//! `/contest-entry/{token}` (where the entry stands, the video upload, the result) and
//! `/contest-entry/{token}/certificate` (a printable certificate once results are out).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::dto::contests::{Certificate, EntryStatus, WINNING_PLACES};
use shared::words::{EntryState, WindowState};

use crate::api::{ApiError, get_certificate, get_entry_status};
use crate::components::client::ClientScripts;
use crate::components::video_upload::VideoUpload;
use crate::i18n::{strings, tr, use_viewer};

fn mib(bytes: i64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// `/contest-entry/{token}`.
#[component]
pub fn ContestEntryPage() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let data = Resource::new(token, get_entry_status);
    let registered = use_query_map().get_untracked().get("registered").is_some();
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || {
                let token = token();
                Suspend::new(async move {
                    let entry: EntryStatus = data.await?;
                    let title = format!("{} · {} {}", entry.contest.name, tr(lang, "Karya no.", "Entry no."), entry.number);
                    let accept = entry.contest.formats.iter().map(|f| f.mime()).collect::<Vec<_>>().join(",");
                    let can_upload = entry.contest.window == WindowState::Open || entry.upload.is_some();
                    let certificate = (entry.state == EntryState::Result).then(|| format!("/contest-entry/{token}/certificate"));
                    Ok::<_, ApiError>(view! {
                        <Title text=title.clone()/>
                        <h1>{title}</h1>
                        {registered.then(|| view! {
                            <p class="notice" role="status">{tr(lang,
                                "Pendaftaran diterima. Tanda terima dengan tautan halaman ini sudah dikirim ke email Anda; simpan tautannya.",
                                "Registered. A receipt with this page's link was sent to your e-mail; keep the link.")}</p>
                        })}
                        <dl class="facts">
                            <dt>{tr(lang, "Peserta", "Entrant")}</dt><dd>{entry.entrant_name.clone()}</dd>
                            <dt>{tr(lang, "Judul", "Title")}</dt><dd>{entry.title.clone()}</dd>
                            <dt>{tr(lang, "Kategori", "Category")}</dt><dd>{entry.category.clone()}</dd>
                            <dt>{tr(lang, "Status", "State")}</dt><dd><strong data-testid="entry-state">{entry.state.label(lang)}</strong></dd>
                            {entry.review_reason.clone().map(|reason| view! {
                                <dt>{tr(lang, "Alasan", "Reason")}</dt><dd>{reason}</dd>
                            })}
                            {entry.video.clone().map(|video| view! {
                                <dt>{tr(lang, "Video", "Video")}</dt>
                                <dd data-testid="video-info">{format!("{} · {} · {}", video.file_name, video.format.label(lang), mib(video.size_bytes))}</dd>
                            })}
                            {entry.result.clone().map(|result| view! {
                                <dt>{tr(lang, "Hasil", "Result")}</dt>
                                <dd data-testid="entry-result">{format!("{} {} / {} · {:.2}", tr(lang, "Peringkat", "Rank"), result.rank, result.of, result.score)}</dd>
                            })}
                        </dl>
                        {certificate.map(|href| view! {
                            <p><a class="button" href=href>{tr(lang, "Sertifikat (cetak)", "Certificate (print)")}</a></p>
                        })}
                        {(can_upload && entry.state != EntryState::Result).then(|| view! {
                            <section aria-labelledby="upload-heading">
                                <h2 id="upload-heading">{if entry.video.is_some() {
                                    tr(lang, "Ganti video", "Replace the video")
                                } else {
                                    tr(lang, "Unggah video", "Upload the video")
                                }}</h2>
                                <VideoUpload token=token.clone() max_bytes=entry.contest.max_video_bytes
                                    accept=accept.clone() unfinished=entry.upload.clone()/>
                                <ClientScripts/>
                            </section>
                        })}
                    })
                })
            }}
        </Suspense>
    }
}

fn place_text(lang: shared::Lang, place: u32) -> String {
    match lang {
        shared::Lang::Id => format!("Juara {place}"),
        shared::Lang::En => match place {
            1 => "First place".to_owned(),
            2 => "Second place".to_owned(),
            _ => "Third place".to_owned(),
        },
    }
}

/// `/contest-entry/{token}/certificate`: print it, or save it as PDF from the print dialog.
#[component]
pub fn CertificatePage() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let data = Resource::new(token, get_certificate);
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                let certificate: Certificate = data.await?;
                let heading = match certificate.winning_place.filter(|p| *p <= WINNING_PLACES) {
                    Some(place) => place_text(lang, place),
                    None => tr(lang, "Peserta", "Participant").to_owned(),
                };
                Ok::<_, ApiError>(view! {
                    <Title text=format!("{} · {}", tr(lang, "Sertifikat", "Certificate"), certificate.entrant_name)/>
                    <article class="certificate" data-testid="certificate">
                        <p class="certificate-kicker">{tr(lang, "Sertifikat", "Certificate")}</p>
                        <h1>{certificate.entrant_name.clone()}</h1>
                        <p>{certificate.school.clone()}</p>
                        <p class="certificate-place">{heading}</p>
                        <p>{certificate.contest.clone()}" · "{certificate.category.clone()}</p>
                        <p>"“"{certificate.title.clone()}"”"</p>
                        <p>{tr(lang, "Perpustakaan Kota Makassar", "Makassar City Library")}" · "{certificate.published_at.format("%Y-%m-%d").to_string()}</p>
                    </article>
                    <p class="no-print">{tr(lang, "Gunakan menu Cetak peramban untuk mencetak atau menyimpan sebagai PDF.", "Use the browser's Print menu to print it or save it as PDF.")}</p>
                })
            })}
        </Suspense>
    }
}
