//! `/staff/users`: the list of staff accounts (admins only).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::list_users;
use crate::i18n::{strings, use_viewer};

/// The staff account list.
#[component]
pub fn UsersPage() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let users = Resource::new(|| (), |_| list_users());
    view! {
        <Title text=t.users_title/>
        <h1>{t.users_title}</h1>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                users.await.map(|users| view! {
                    <div class="table-wrap">
                        <table>
                            <thead><tr>
                                <th scope="col">{t.users_name}</th>
                                <th scope="col">{t.users_email}</th>
                                <th scope="col">{t.users_role}</th>
                                <th scope="col">{t.users_status}</th>
                            </tr></thead>
                            <tbody>
                                {users.into_iter().map(|u| view! {
                                    <tr>
                                        <td>{u.name}</td>
                                        <td>{u.email}</td>
                                        <td>{u.role.label(lang)}</td>
                                        <td>{if u.active { t.users_active } else { t.users_inactive }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                })
            })}
        </Suspense>
        <p class="muted">{t.users_create_hint}</p>
    }
}
