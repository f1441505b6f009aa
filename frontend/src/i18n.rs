//! User-facing strings, Indonesian first, English second. Each language is one `Strings`
//! value, so a string missing in either language does not compile.

use leptos::prelude::*;
use shared::Lang;
use shared::dto::auth::Viewer;

/// Every string the pages show.
pub struct Strings {
    pub site_tagline: &'static str,
    pub skip_to_content: &'static str,
    pub nav_home: &'static str,
    pub nav_dashboard: &'static str,
    pub nav_users: &'static str,
    pub nav_sign_in: &'static str,
    pub nav_sign_out: &'static str,
    pub nav_menu: &'static str,
    pub nav_label: &'static str,
    pub language_label: &'static str,
    pub home_title: &'static str,
    pub home_lead: &'static str,
    pub home_programs_heading: &'static str,
    pub home_schedule_link: &'static str,
    pub login_title: &'static str,
    pub login_email: &'static str,
    pub login_password: &'static str,
    pub login_submit: &'static str,
    pub login_error_invalid: &'static str,
    pub login_error_locked: &'static str,
    pub login_show_password: &'static str,
    pub dashboard_title: &'static str,
    pub dashboard_welcome: &'static str,
    pub dashboard_role: &'static str,
    pub dashboard_empty: &'static str,
    pub users_title: &'static str,
    pub users_name: &'static str,
    pub users_email: &'static str,
    pub users_role: &'static str,
    pub users_status: &'static str,
    pub users_active: &'static str,
    pub users_inactive: &'static str,
    pub users_create_hint: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub error_title: &'static str,
    pub loading: &'static str,
    pub footer: &'static str,
}

const ID: Strings = Strings {
    site_tagline: "Jadwal program literasi Perpustakaan Kota Makassar",
    skip_to_content: "Langsung ke isi",
    nav_home: "Beranda",
    nav_dashboard: "Dasbor",
    nav_users: "Akun staf",
    nav_sign_in: "Masuk",
    nav_sign_out: "Keluar",
    nav_menu: "Menu",
    nav_label: "Navigasi utama",
    language_label: "Bahasa",
    home_title: "Siar: program literasi daring",
    home_lead: "Siaran dongeng setiap Sabtu, dapur baca bersama ibu-ibu relawan, talkshow duta baca, dan lomba bercerita tahunan — semua jadwalnya di satu tempat.",
    home_programs_heading: "Program kami",
    home_schedule_link: "Lihat jadwal semua sesi",
    login_title: "Masuk staf",
    login_email: "Email",
    login_password: "Kata sandi",
    login_submit: "Masuk",
    login_error_invalid: "Email atau kata sandi salah.",
    login_error_locked: "Terlalu banyak percobaan gagal. Coba lagi dalam 10 menit.",
    login_show_password: "Tampilkan kata sandi",
    dashboard_title: "Dasbor staf",
    dashboard_welcome: "Selamat datang",
    dashboard_role: "Peran Anda",
    dashboard_empty: "Rencanakan program dan seri di halaman Program; lihat semua sesi di Kalender.",
    users_title: "Akun staf",
    users_name: "Nama",
    users_email: "Email",
    users_role: "Peran",
    users_status: "Status",
    users_active: "Aktif",
    users_inactive: "Nonaktif",
    users_create_hint: "Akun baru dibuat lewat API (POST /api/v1/users) atau perintah `siar admin create`.",
    not_found_title: "Halaman tidak ditemukan",
    not_found_body: "Alamat ini tidak ada di Siar.",
    error_title: "Terjadi kesalahan",
    loading: "Memuat…",
    footer: "Dinas Perpustakaan dan Kearsipan Kota Makassar",
};

const EN: Strings = Strings {
    site_tagline: "Reading-programme schedule of the Makassar City Library",
    skip_to_content: "Skip to content",
    nav_home: "Home",
    nav_dashboard: "Dashboard",
    nav_users: "Staff accounts",
    nav_sign_in: "Sign in",
    nav_sign_out: "Sign out",
    nav_menu: "Menu",
    nav_label: "Main navigation",
    language_label: "Language",
    home_title: "Siar: online reading programmes",
    home_lead: "A storytelling broadcast every Saturday, a cooking-and-reading show with volunteer reading mothers, talk shows with reading ambassadors and a yearly storytelling contest — every schedule in one place.",
    home_programs_heading: "Our programmes",
    home_schedule_link: "See the schedule of every session",
    login_title: "Staff sign-in",
    login_email: "E-mail",
    login_password: "Password",
    login_submit: "Sign in",
    login_error_invalid: "Wrong e-mail address or password.",
    login_error_locked: "Too many failed attempts. Try again in 10 minutes.",
    login_show_password: "Show password",
    dashboard_title: "Staff dashboard",
    dashboard_welcome: "Welcome",
    dashboard_role: "Your role",
    dashboard_empty: "Plan programmes and series under Programs; see every session in the Calendar.",
    users_title: "Staff accounts",
    users_name: "Name",
    users_email: "E-mail",
    users_role: "Role",
    users_status: "Status",
    users_active: "Active",
    users_inactive: "Deactivated",
    users_create_hint: "New accounts are created through the API (POST /api/v1/users) or the `siar admin create` command.",
    not_found_title: "Page not found",
    not_found_body: "This address does not exist in Siar.",
    error_title: "Something went wrong",
    loading: "Loading…",
    footer: "Makassar City Library and Archives Office",
};

/// The strings of `lang`.
pub fn strings(lang: Lang) -> &'static Strings {
    match lang {
        Lang::Id => &ID,
        Lang::En => &EN,
    }
}

/// The viewer: language, signed-in staff, CSRF token. The app provides it on the server; an
/// island in the browser reads what the server embedded in the page.
pub fn use_viewer() -> Viewer {
    use_context::<Viewer>().unwrap_or_else(crate::app::current_viewer)
}

/// The strings in the viewer's language.
pub fn use_strings() -> &'static Strings {
    strings(use_viewer().lang)
}

/// A string given in both languages at the place it is used, for page-specific text.
pub fn tr(lang: Lang, id: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}
