//! Demo data for `siar serve --demo`: seeded only into an empty database, so restarting the
//! demo never duplicates or overwrites anything.

use sea_orm::DatabaseConnection;
use shared::dto::auth::{CreateUserRequest, Role};

use crate::services;

/// A demo staff login, printed at start-up.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// Role of the account.
    pub role: Role,
    /// E-mail address.
    pub email: &'static str,
    /// Password.
    pub password: &'static str,
}

/// The demo's staff accounts, one per role.
pub const DEMO_LOGINS: [DemoLogin; 3] = [
    DemoLogin {
        role: Role::Admin,
        email: "admin@siar.example",
        password: "siar-demo-admin",
    },
    DemoLogin {
        role: Role::Coordinator,
        email: "koordinator@siar.example",
        password: "siar-demo-koordinator",
    },
    DemoLogin {
        role: Role::Viewer,
        email: "pemantau@siar.example",
        password: "siar-demo-pemantau",
    },
];

/// Seeds the demo data if the database has no staff yet; says whether it did.
pub async fn seed(db: &DatabaseConnection) -> anyhow::Result<bool> {
    if services::users::any_exist(db).await? {
        return Ok(false);
    }
    let names = [
        "Admin Perpustakaan",
        "Koordinator Program",
        "Pemantau Program",
    ];
    for (login, name) in DEMO_LOGINS.iter().zip(names) {
        let request = CreateUserRequest {
            email: login.email.into(),
            name: name.into(),
            role: Some(login.role),
            password: login.password.into(),
        };
        services::users::create_user(db, request, chrono::Utc::now())
            .await
            .map_err(|e| anyhow::anyhow!("seeding demo account {}: {e}", login.email))?;
    }
    Ok(true)
}
