//! Staff accounts, roles and sign-in.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Lang;

/// A staff role. Each role includes the rights of the roles below it:
/// `admin` > `coordinator` > `viewer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Scores contest entries of the categories they are assigned to; sees nothing else.
    Judge,
    /// Reads everything staff can see, changes nothing.
    Viewer,
    /// Plans programs and sessions.
    Coordinator,
    /// Manages staff accounts and everything else.
    Admin,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 4] = [Role::Judge, Role::Viewer, Role::Coordinator, Role::Admin];

    fn rank(self) -> u8 {
        match self {
            Role::Judge => 0,
            Role::Viewer => 1,
            Role::Coordinator => 2,
            Role::Admin => 3,
        }
    }

    /// Whether this role has at least the rights of `required`.
    pub fn includes(self, required: Role) -> bool {
        self.rank() >= required.rank()
    }

    /// The name stored in the database and sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Judge => "judge",
            Role::Viewer => "viewer",
            Role::Coordinator => "coordinator",
            Role::Admin => "admin",
        }
    }

    /// Parses the stored name.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// The role's name for people.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Role::Judge, Lang::Id) => "Juri",
            (Role::Judge, Lang::En) => "Judge",
            (Role::Viewer, Lang::Id) => "Pemantau",
            (Role::Viewer, Lang::En) => "Viewer",
            (Role::Coordinator, Lang::Id) => "Koordinator",
            (Role::Coordinator, Lang::En) => "Coordinator",
            (Role::Admin, Lang::Id) => "Admin",
            (Role::Admin, Lang::En) => "Administrator",
        }
    }
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    /// The staff member's e-mail address.
    pub email: String,
    /// The password.
    pub password: String,
}

/// A staff account as others see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserResponse {
    /// The account's id.
    pub id: Uuid,
    /// E-mail address, used to sign in.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Whether the account may sign in.
    pub active: bool,
}

/// The answer to a successful sign-in: who signed in, and the token that state-changing
/// requests of this session must carry in the `X-CSRF-Token` header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// The signed-in account.
    pub user: UserResponse,
    /// The CSRF token for this browser.
    pub csrf_token: String,
}

/// `POST /api/v1/users`: a new staff account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUserRequest {
    /// E-mail address, unique among staff.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Option<Role>,
    /// Initial password, at least 12 characters.
    pub password: String,
}

/// `PUT /api/v1/users/{id}/password`: an admin sets a new password for an account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetPasswordRequest {
    /// The new password, at least 12 characters.
    pub password: String,
}

/// `PUT /api/v1/auth/password`: the signed-in person changes their own password.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    /// The password now, to prove who is asking.
    pub current_password: String,
    /// The new password, at least 12 characters.
    pub new_password: String,
}

/// The answer to a password change: this session goes on under a new CSRF token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChanged {
    /// The token for the `X-CSRF-Token` header from now on.
    pub csrf_token: String,
}

/// Who is looking at a page: the language, the signed-in staff member if any, and the CSRF
/// token that every form on the page must send back. The default is an anonymous visitor
/// reading Indonesian.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Viewer {
    /// The language pages are shown in.
    pub lang: Lang,
    /// The signed-in staff member.
    pub user: Option<UserResponse>,
    /// The token to put in the hidden `csrf_token` field of every form.
    pub csrf_token: String,
    /// The public URL of the site, without a trailing slash (for feed links and QR codes).
    #[serde(default)]
    pub base_url: String,
    /// The signed-in volunteer.
    #[serde(default)]
    pub volunteer: Option<crate::dto::volunteers::VolunteerBrief>,
    /// What a refused plain form sent, for the page it was sent back to (shown once).
    #[serde(default)]
    pub form_echo: Option<FormEcho>,
}

/// The fields a plain (JavaScript-free) form sent, carried to the page it returns to through
/// the session, never in the URL: names, e-mail addresses and phone numbers must not end up
/// in browser history, request logs or a referrer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FormEcho {
    /// Which form sent them (a page shows only its own).
    pub form: String,
    /// The fields as sent, in order (a repeated name is a list, e.g. checkboxes).
    pub values: Vec<(String, String)>,
}

impl FormEcho {
    /// The echo of `form`, when that is the form it came from.
    pub fn of<'a>(echo: Option<&'a FormEcho>, form: &str) -> Option<&'a FormEcho> {
        echo.filter(|echo| echo.form == form)
    }

    /// The first value of field `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every value of field `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.values
            .iter()
            .filter(move |(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}
