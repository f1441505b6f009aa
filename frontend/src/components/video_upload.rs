//! The entry page's video uploader: a tus 1.0 client in the page (creation, then PATCH in
//! pieces; after a broken connection it asks the server for its offset with HEAD and goes
//! on). The upload's URL is kept in localStorage under the entry, file name and size, and the
//! server names the entry's unfinished upload too, so a closed tab, a reload or a lost signal
//! resumes where the server stopped. Progress is a `<progress>` bar and a live text for
//! screen readers with the bytes sent and, once the line's speed is known, the time left. Without JavaScript the form says
//! what to do instead.

use leptos::prelude::*;
use shared::dto::contests::UploadProgress;

use crate::i18n::{tr, use_viewer};

/// How long one PATCH should take: progress moves every few seconds on a 2 Mbit/s phone, and
/// a fast line is not slowed by round trips.
pub const CHUNK_SECONDS: f64 = 4.0;
/// The first piece, on a line of unknown speed: 20 s at 100 kbit/s, so it arrives even on
/// a poor signal.
pub const FIRST_CHUNK_BYTES: f64 = 256.0 * 1024.0;
/// Never smaller: a request's own overhead stays under a percent.
pub const MIN_CHUNK_BYTES: f64 = 64.0 * 1024.0;
/// Never larger: a fast line gains nothing more, and the browser holds each piece in memory.
pub const MAX_CHUNK_BYTES: f64 = 16.0 * 1024.0 * 1024.0;

/// Sizes each PATCH from how fast the last one went, to take about [`CHUNK_SECONDS`]. Grows at
/// most fourfold per piece (one lucky burst is no line speed) and halves after a broken one.
/// Used by the page and by the upload benchmark (`server/examples/bench_upload_link.rs`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChunkSizer {
    bytes: f64,
}

impl Default for ChunkSizer {
    fn default() -> Self {
        ChunkSizer {
            bytes: FIRST_CHUNK_BYTES,
        }
    }
}

impl ChunkSizer {
    /// The next piece's size in bytes (whole).
    pub fn bytes(&self) -> f64 {
        self.bytes.floor()
    }

    /// `sent` bytes arrived in `seconds`.
    pub fn sent(&mut self, sent: f64, seconds: f64) {
        let rate = sent / seconds.max(0.05);
        self.bytes = (rate * CHUNK_SECONDS)
            .min(self.bytes * 4.0)
            .clamp(MIN_CHUNK_BYTES, MAX_CHUNK_BYTES);
    }

    /// A piece broke off.
    pub fn broke(&mut self) {
        self.bytes = (self.bytes / 2.0).max(MIN_CHUNK_BYTES);
    }
}

/// The line's speed in bytes a second, smoothed over the pieces sent (0 until one arrived):
/// one fast or slow piece moves the estimate of the time left only a little.
pub fn smoothed_rate(previous: f64, bytes: f64, seconds: f64) -> f64 {
    let measured = bytes / seconds.max(0.05);
    if previous > 0.0 {
        0.7 * previous + 0.3 * measured
    } else {
        measured
    }
}

/// "Mengunggah: 42% · 12,3 dari 300,0 MiB · sisa sekitar 4 menit": the bytes that arrived and,
/// once the line's speed is known, the time left.
pub fn progress_text(lang: shared::Lang, sent: f64, total: f64, rate: f64) -> String {
    let mib = |bytes: f64| {
        let text = format!("{:.1}", bytes / (1024.0 * 1024.0));
        match lang {
            shared::Lang::Id => text.replace('.', ","),
            shared::Lang::En => text,
        }
    };
    let percent = if total > 0.0 {
        (sent / total * 100.0).floor()
    } else {
        0.0
    };
    let mut text = format!(
        "{}: {percent}% · {} {} {} MiB",
        tr(lang, "Mengunggah", "Uploading"),
        mib(sent),
        tr(lang, "dari", "of"),
        mib(total)
    );
    if rate > 0.0 && total > sent {
        let minutes = ((total - sent) / rate / 60.0).ceil();
        text.push_str(&match (lang, minutes <= 1.0) {
            (shared::Lang::Id, true) => " · sisa kurang dari 1 menit".to_owned(),
            (shared::Lang::En, true) => " · less than a minute left".to_owned(),
            (shared::Lang::Id, false) => format!(" · sisa sekitar {minutes} menit"),
            (shared::Lang::En, false) => format!(" · about {minutes} minutes left"),
        });
    }
    text
}

/// Where the uploader stands.
#[derive(Debug, Clone, PartialEq)]
pub enum UploadState {
    /// Nothing chosen yet.
    Idle,
    /// Sending.
    Sending,
    /// The connection broke; trying again (attempt number).
    Retrying(u32),
    /// All bytes arrived.
    Done,
    /// The server refused (its message).
    Failed(String),
}

/// The uploader for the entry with private `token`: an island, the entry page's client code.
#[island]
pub fn VideoUpload(
    /// The entry's private token.
    token: String,
    /// The contest's limit in bytes.
    max_bytes: i64,
    /// The `accept` attribute (`video/mp4,video/webm,…`).
    accept: String,
    /// An unfinished upload the server knows of.
    unfinished: Option<UploadProgress>,
) -> impl IntoView {
    let lang = use_viewer().lang;
    // The server's unfinished upload of this entry: resumed when the chosen file has its size.
    let hint = unfinished
        .as_ref()
        .map(|u| (u.url.clone(), u.length as f64));
    let sent = RwSignal::new(unfinished.as_ref().map_or(0.0, |u| u.received as f64));
    let total = RwSignal::new(unfinished.as_ref().map_or(0.0, |u| u.length as f64));
    // Bytes a second, as measured on the pieces sent (0 until the first arrives).
    let rate = RwSignal::new(0.0f64);
    let state = RwSignal::new(UploadState::Idle);
    let input = NodeRef::<leptos::html::Input>::new();
    let percent = move || {
        let total = total.get();
        if total > 0.0 {
            (sent.get() / total * 100.0).floor()
        } else {
            0.0
        }
    };
    let on_submit = {
        let token = token.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            #[cfg(feature = "hydrate")]
            {
                let Some(file) = input
                    .get()
                    .and_then(|element| element.files())
                    .and_then(|files| files.get(0))
                else {
                    return;
                };
                if file.size() > max_bytes as f64 {
                    let mib = max_bytes / (1024 * 1024);
                    state.set(UploadState::Failed(match lang {
                        shared::Lang::Id => format!("Berkas terlalu besar; maksimal {mib} MiB."),
                        shared::Lang::En => {
                            format!("The file is too large; the limit is {mib} MiB.")
                        }
                    }));
                    return;
                }
                let token = token.clone();
                let hint = hint.clone();
                leptos::task::spawn_local(async move {
                    tus::upload(file, token, hint, sent, total, rate, state).await;
                });
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (&token, max_bytes, &input, &hint);
        }
    };
    let busy = move || matches!(state.get(), UploadState::Sending | UploadState::Retrying(_));
    // Uploading needs this island's code: until it has hydrated (or with scripts off) the
    // button stays off and says why, so no click sends the form anywhere else.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let status_text = move || {
        if !hydrated.get() {
            return tr(
                lang,
                "Menyiapkan pengunggah… (memerlukan JavaScript)",
                "Getting the uploader ready… (needs JavaScript)",
            )
            .to_owned();
        }
        match state.get() {
        UploadState::Idle if total.get() > 0.0 => tr(
            lang,
            "Unggahan sebelumnya terhenti. Pilih berkas yang sama untuk melanjutkan dari posisi terakhir.",
            "An earlier upload stopped. Choose the same file to continue where it stopped.",
        )
        .to_owned(),
        UploadState::Idle => String::new(),
        UploadState::Sending => progress_text(lang, sent.get(), total.get(), rate.get()),
        UploadState::Retrying(attempt) => format!(
            "{} ({attempt})",
            tr(
                lang,
                "Koneksi terputus; mencoba lagi dan melanjutkan dari posisi terakhir",
                "Connection lost; retrying and continuing where it stopped"
            )
        ),
        UploadState::Done => tr(lang, "Video diterima utuh. Terima kasih!", "The whole video arrived. Thank you!").to_owned(),
        UploadState::Failed(message) => message,
    }
    };
    let failed = move || matches!(state.get(), UploadState::Failed(_));
    view! {
        <form class="stack" on:submit=on_submit data-testid="upload-form">
            <div class="field">
                <label for="video-file">{tr(lang, "Berkas video", "Video file")}</label>
                <p class="hint" id="video-file-hint">{tr(lang,
                    "Unggahan bisa terputus tanpa masalah: buka lagi halaman ini dan pilih berkas yang sama.",
                    "The upload may break off safely: open this page again and choose the same file.")}</p>
                <input id="video-file" type="file" accept=accept node_ref=input required
                    aria-describedby="video-file-hint"/>
            </div>
            <noscript>
                <p class="notice">{tr(lang,
                    "Mengunggah video memerlukan JavaScript. Aktifkan JavaScript di peramban Anda, atau buka tautan dari email di peramban lain (Chrome, Firefox).",
                    "Uploading the video needs JavaScript. Turn JavaScript on in your browser, or open the link from the e-mail in another browser (Chrome, Firefox).")}</p>
            </noscript>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || !hydrated.get() || busy()>{tr(lang, "Unggah video", "Upload video")}</button>
            </div>
            <progress max="100" value=percent aria-label=tr(lang, "Kemajuan unggahan", "Upload progress")
                data-testid="upload-progress"></progress>
            <p role="status" aria-live="polite" data-testid="upload-status" class:field-error=failed>{status_text}</p>
        </form>
    }
}

#[cfg(feature = "hydrate")]
mod tus {
    //! The protocol, over `fetch`.

    use base64::Engine;
    use leptos::prelude::*;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{File, Headers, RequestInit, Response};

    use super::{ChunkSizer, UploadState, smoothed_rate};

    /// Why a request did not work.
    enum Failure {
        /// The network failed or the server had trouble: try again.
        Transient,
        /// The server refused, with its message: stop.
        Refused(String),
    }

    /// Not the file's date: a file picked again (or re-shared by a phone's gallery) may get a
    /// new one.
    fn storage_key(token: &str, file: &File) -> String {
        format!("siar-upload:{token}:{}:{}", file.name(), file.size())
    }

    fn local_storage() -> Option<web_sys::Storage> {
        window().local_storage().ok().flatten()
    }

    async fn send(
        url: &str,
        method: &str,
        headers: &[(&str, String)],
        body: Option<&JsValue>,
    ) -> Result<Response, Failure> {
        let init = RequestInit::new();
        init.set_method(method);
        let list = Headers::new().map_err(|_| Failure::Transient)?;
        list.set("Tus-Resumable", "1.0.0")
            .map_err(|_| Failure::Transient)?;
        for (name, value) in headers {
            list.set(name, value).map_err(|_| Failure::Transient)?;
        }
        init.set_headers(&list);
        if let Some(body) = body {
            init.set_body(body);
        }
        let response = JsFuture::from(window().fetch_with_str_and_init(url, &init))
            .await
            .map_err(|_| Failure::Transient)?;
        let response: Response = response.dyn_into().map_err(|_| Failure::Transient)?;
        let status = response.status();
        if status >= 500 {
            return Err(Failure::Transient);
        }
        if status >= 400 {
            return Err(Failure::Refused(problem_text(&response).await));
        }
        Ok(response)
    }

    /// The problem document's most useful line.
    async fn problem_text(response: &Response) -> String {
        let text = match response.text() {
            Ok(promise) => JsFuture::from(promise)
                .await
                .ok()
                .and_then(|t| t.as_string()),
            Err(_) => None,
        };
        let problem = text.and_then(|t| serde_json::from_str::<shared::Problem>(&t).ok());
        match problem {
            Some(problem) => problem
                .errors
                .values()
                .flatten()
                .next()
                .cloned()
                .or(problem.detail)
                .unwrap_or(problem.title),
            None => format!("HTTP {}", response.status()),
        }
    }

    fn header_number(response: &Response, name: &str) -> Option<f64> {
        response.headers().get(name).ok().flatten()?.parse().ok()
    }

    async fn offset(url: &str) -> Result<f64, Failure> {
        let response = send(url, "HEAD", &[], None).await?;
        header_number(&response, "Upload-Offset").ok_or(Failure::Transient)
    }

    async fn create(token: &str, file: &File) -> Result<String, Failure> {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let metadata = format!("entry {},filename {}", b64(token), b64(&file.name()));
        let response = send(
            "/uploads/tus/",
            "POST",
            &[
                ("Upload-Length", format!("{}", file.size())),
                ("Upload-Metadata", metadata),
            ],
            None,
        )
        .await?;
        response
            .headers()
            .get("Location")
            .ok()
            .flatten()
            .ok_or(Failure::Transient)
    }

    async fn pause(ms: i32) {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        });
        let _ = JsFuture::from(promise).await;
    }

    /// Sends `file` for the entry `token`, resuming a stored upload of the same file.
    pub async fn upload(
        file: File,
        token: String,
        hint: Option<(String, f64)>,
        sent: RwSignal<f64>,
        total: RwSignal<f64>,
        rate: RwSignal<f64>,
        state: RwSignal<UploadState>,
    ) {
        let key = storage_key(&token, &file);
        let size = file.size();
        if let (Some((url, length)), Some(storage)) = (hint, local_storage())
            && length == size
            && storage.get_item(&key).ok().flatten().is_none()
        {
            let _ = storage.set_item(&key, &url);
        }
        total.set(size);
        state.set(UploadState::Sending);
        let mut attempt = 0u32;
        let mut sizer = ChunkSizer::default();
        loop {
            match run(&file, &token, &key, size, (sent, rate), state, &mut sizer).await {
                Ok(()) => {
                    if let Some(storage) = local_storage() {
                        let _ = storage.remove_item(&key);
                    }
                    sent.set(size);
                    state.set(UploadState::Done);
                    return;
                }
                Err(Failure::Refused(message)) => {
                    if let Some(storage) = local_storage() {
                        let _ = storage.remove_item(&key);
                    }
                    state.set(UploadState::Failed(message));
                    return;
                }
                Err(Failure::Transient) => {
                    sizer.broke();
                    attempt += 1;
                    state.set(UploadState::Retrying(attempt));
                    // 1, 2, 4 … 30 seconds: patient with a phone that lost its signal.
                    let wait = (1000 * 2i32.pow(attempt.min(5) - 1)).min(30_000);
                    pause(wait).await;
                    state.set(UploadState::Sending);
                }
            }
        }
    }

    async fn run(
        file: &File,
        token: &str,
        key: &str,
        size: f64,
        (sent, rate): (RwSignal<f64>, RwSignal<f64>),
        state: RwSignal<UploadState>,
        sizer: &mut ChunkSizer,
    ) -> Result<(), Failure> {
        let stored = local_storage().and_then(|s| s.get_item(key).ok().flatten());
        let (url, mut at) = match stored {
            Some(url) => match offset(&url).await {
                Ok(at) => (url, at),
                // Gone (cleaned up after too long, or finished): start again.
                Err(Failure::Refused(_)) => (create(token, file).await?, 0.0),
                Err(other) => return Err(other),
            },
            None => (create(token, file).await?, 0.0),
        };
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(key, &url);
        }
        sent.set(at);
        while at < size {
            let end = (at + sizer.bytes()).min(size);
            let started = js_sys::Date::now();
            let piece = file
                .slice_with_f64_and_f64(at, end)
                .map_err(|_| Failure::Transient)?;
            let response = send(
                &url,
                "PATCH",
                &[
                    ("Upload-Offset", format!("{at}")),
                    ("Content-Type", "application/offset+octet-stream".to_owned()),
                ],
                Some(&piece.into()),
            )
            .await;
            match response {
                Ok(response) => {
                    let from = at;
                    at = header_number(&response, "Upload-Offset").ok_or(Failure::Transient)?;
                    let seconds = (js_sys::Date::now() - started) / 1000.0;
                    sizer.sent(at - from, seconds);
                    rate.update(|r| *r = smoothed_rate(*r, at - from, seconds));
                    sent.set(at);
                    state.set(UploadState::Sending);
                }
                // Another request moved the offset (a retry raced this one): ask and go on.
                Err(Failure::Refused(_)) if offset(&url).await.is_ok_and(|o| o != at) => {
                    at = offset(&url).await?;
                }
                Err(other) => return Err(other),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_take_a_few_seconds_on_a_slow_phone_and_grow_on_a_fast_line() {
        // 2 Mbit/s: 250,000 bytes a second.
        let mut slow = ChunkSizer::default();
        for _ in 0..5 {
            let bytes = slow.bytes();
            slow.sent(bytes, bytes / 250_000.0);
        }
        assert_eq!(slow.bytes(), 250_000.0 * CHUNK_SECONDS);
        // Fast: grows fourfold per piece up to the ceiling, not in one jump.
        let mut fast = ChunkSizer::default();
        fast.sent(fast.bytes(), 0.01);
        assert_eq!(fast.bytes(), FIRST_CHUNK_BYTES * 4.0);
        for _ in 0..10 {
            fast.sent(fast.bytes(), 0.01);
        }
        assert_eq!(fast.bytes(), MAX_CHUNK_BYTES);
    }

    #[test]
    fn progress_says_the_bytes_sent_and_the_time_left_once_the_speed_is_known() {
        let mib = 1024.0 * 1024.0;
        assert_eq!(
            progress_text(shared::Lang::Id, 12.3 * mib, 300.0 * mib, 0.0),
            "Mengunggah: 4% · 12,3 dari 300,0 MiB"
        );
        // 2 Mbit/s with 287.7 MiB to go: 1,207 s, about 21 minutes.
        assert_eq!(
            progress_text(shared::Lang::En, 12.3 * mib, 300.0 * mib, 250_000.0),
            "Uploading: 4% · 12.3 of 300.0 MiB · about 21 minutes left"
        );
        assert_eq!(
            progress_text(shared::Lang::Id, 299.0 * mib, 300.0 * mib, 250_000.0),
            "Mengunggah: 99% · 299,0 dari 300,0 MiB · sisa kurang dari 1 menit"
        );
        // One slow piece after a steady line moves the estimate by a third, not all the way.
        assert_eq!(
            smoothed_rate(250_000.0, 100_000.0, 4.0),
            0.7 * 250_000.0 + 0.3 * 25_000.0
        );
        assert_eq!(smoothed_rate(0.0, 1_000_000.0, 4.0), 250_000.0);
    }

    #[test]
    fn a_broken_piece_halves_the_next_down_to_the_floor() {
        let mut sizer = ChunkSizer::default();
        sizer.broke();
        assert_eq!(sizer.bytes(), FIRST_CHUNK_BYTES / 2.0);
        for _ in 0..20 {
            sizer.broke();
        }
        assert_eq!(sizer.bytes(), MIN_CHUNK_BYTES);
        // A stall (nothing arrived) does not go below the floor either.
        sizer.sent(0.0, 30.0);
        assert_eq!(sizer.bytes(), MIN_CHUNK_BYTES);
    }
}
