//! `/staff/users`: the staff accounts (admins only), and what an admin does to one: deactivate
//! or reactivate it, set a new password, end its sessions. Plain forms, so every action works
//! without JavaScript; the answer comes back as `?done=` or `?error=` on this page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::list_users;
use crate::components::table_region::table_region;
use crate::i18n::{strings, tr, use_viewer};
use shared::Lang;

/// What `?done=` says.
fn done_message(lang: Lang, done: &str) -> Option<&'static str> {
    Some(match done {
        "deactivated" => tr(
            lang,
            "Akun dinonaktifkan; semua sesinya berakhir.",
            "Account deactivated; all its sessions have ended.",
        ),
        "activated" => tr(
            lang,
            "Akun diaktifkan lagi. Pemiliknya perlu masuk kembali.",
            "Account reactivated. Its owner signs in again.",
        ),
        "password" => tr(
            lang,
            "Kata sandi baru disimpan; semua sesi akun itu berakhir.",
            "New password saved; all sessions of that account have ended.",
        ),
        "signed-out" => tr(
            lang,
            "Semua sesi akun itu berakhir.",
            "All sessions of that account have ended.",
        ),
        _ => return None,
    })
}

/// What `?error=` says.
fn error_message(lang: Lang, error: &str) -> &'static str {
    match error {
        "own-account" => tr(
            lang,
            "Anda tidak dapat menonaktifkan akun Anda sendiri.",
            "You cannot deactivate your own account.",
        ),
        "password" => tr(
            lang,
            "Kata sandi baru minimal 12 karakter.",
            "The new password needs at least 12 characters.",
        ),
        _ => tr(
            lang,
            "Tindakan itu tidak dapat dilakukan.",
            "That could not be done.",
        ),
    }
}

/// The staff account list with each account's actions.
#[component]
pub fn UsersPage() -> impl IntoView {
    let viewer = use_viewer();
    let lang = viewer.lang;
    let t = strings(lang);
    let me = viewer.user.as_ref().map(|u| u.id);
    let csrf = viewer.csrf_token.clone();
    let query = use_query_map().get_untracked();
    let done = query.get("done").and_then(|d| done_message(lang, &d));
    let error = query.get("error").map(|e| error_message(lang, &e));
    let users = Resource::new(|| (), |_| list_users());
    view! {
        <Title text=t.users_title/>
        <h1>{t.users_title}</h1>
        {done.map(|m| view! { <p class="notice" role="status" data-testid="users-done">{m}</p> })}
        {error.map(|m| view! { <p class="alert" role="alert" data-testid="users-error">{m}</p> })}
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || {
                let csrf = csrf.clone();
                Suspend::new(async move {
                    users.await.map(|users| view! {
                        {table_region(tr(lang, "Pengguna", "Users"), view! {
                            <table>
                                <thead><tr>
                                    <th scope="col">{t.users_name}</th>
                                    <th scope="col">{t.users_email}</th>
                                    <th scope="col">{t.users_role}</th>
                                    <th scope="col">{t.users_status}</th>
                                    <th scope="col">{tr(lang, "Tindakan", "Actions")}</th>
                                </tr></thead>
                                <tbody>
                                    {users.into_iter().map(|u| {
                                        let id = u.id;
                                        let is_me = me == Some(id);
                                        let toggle = if u.active { "deactivate" } else { "activate" };
                                        let toggle_label = if u.active {
                                            tr(lang, "Nonaktifkan", "Deactivate")
                                        } else {
                                            tr(lang, "Aktifkan", "Reactivate")
                                        };
                                        let password_id = format!("password-{id}");
                                        view! {
                                            <tr id=format!("user-{id}")>
                                                <td>{u.name.clone()}</td>
                                                <td>{u.email.clone()}</td>
                                                <td>{u.role.label(lang)}</td>
                                                <td>{if u.active { t.users_active } else { t.users_inactive }}</td>
                                                <td class="stack">
                                                    {(!is_me).then(|| view! {
                                                        <form method="post" action=format!("/staff/users/{id}/{toggle}")>
                                                            <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                                            <button type="submit" class="button" data-testid=format!("{toggle}-{id}")
                                                                aria-label=format!("{toggle_label}: {}", u.name)>{toggle_label}</button>
                                                        </form>
                                                        <form method="post" action=format!("/staff/users/{id}/sign-out")>
                                                            <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                                            <button type="submit" class="button" aria-label=format!("{}: {}", tr(lang, "Akhiri semua sesi", "End all sessions"), u.name)>
                                                                {tr(lang, "Akhiri semua sesi", "End all sessions")}
                                                            </button>
                                                        </form>
                                                    })}
                                                    <form method="post" action=format!("/staff/users/{id}/password")>
                                                        <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                                        <label for=password_id.clone()>{format!("{} ({})", tr(lang, "Kata sandi baru", "New password"), u.name)}</label>
                                                        <input id=password_id type="password" name="password" minlength="12" required autocomplete="new-password"/>
                                                        <button type="submit" class="button">{tr(lang, "Simpan kata sandi", "Save password")}</button>
                                                    </form>
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        })}
                    })
                })
            }}
        </Suspense>
        <p class="muted">{t.users_create_hint}</p>
    }
}
