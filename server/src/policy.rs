//! Who may do what, decided in one place. Every door (REST handler, plain form, server
//! function, staff page) names the [`Permission`] its work needs and asks [`require`]; this
//! table alone says which accounts hold it. Volunteers, partner links and entry links are not
//! accounts: their doors check the volunteer session or the token itself, and hold none of
//! these permissions.
//!
//! `server/tests/roles.rs` (every REST route) and `server/tests/server_functions.rs` (every
//! server function) pin the outcome for each role.

use shared::dto::auth::{Role, UserResponse};

use crate::error::AppError;

/// A named right of a staff account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Change one's own password: every account, judges included.
    ManageOwnAccount,
    /// Read and score the anonymous entries of one's assigned categories, declare a conflict.
    ScoreEntries,
    /// Read what staff see: drafts and archived programs, volunteers, partners, agreements,
    /// contests and their entries, reports, and the private staff calendar.
    ReadStaffData,
    /// Plan programs, sessions, series and days off.
    PlanSchedule,
    /// Volunteer roles, invitations, assignments, attendance, merges.
    CoordinateVolunteers,
    /// Partners, their private links, agreements and their documents.
    ManagePartners,
    /// Contests: set up, review entries, assign judges, publish results.
    RunContests,
    /// Read the letters Siar sent (which may carry sign-in links while no SMTP is set).
    ReadMailbox,
    /// Staff accounts: create, deactivate, set passwords, end their sessions.
    ManageAccounts,
}

impl Permission {
    /// Every permission (tests walk them).
    pub const ALL: [Permission; 9] = [
        Permission::ManageOwnAccount,
        Permission::ScoreEntries,
        Permission::ReadStaffData,
        Permission::PlanSchedule,
        Permission::CoordinateVolunteers,
        Permission::ManagePartners,
        Permission::RunContests,
        Permission::ReadMailbox,
        Permission::ManageAccounts,
    ];

    /// The least role that holds this permission; every higher role holds it too.
    pub const fn least_role(self) -> Role {
        match self {
            Permission::ManageOwnAccount | Permission::ScoreEntries => Role::Judge,
            Permission::ReadStaffData => Role::Viewer,
            Permission::PlanSchedule
            | Permission::CoordinateVolunteers
            | Permission::ManagePartners
            | Permission::RunContests
            | Permission::ReadMailbox => Role::Coordinator,
            Permission::ManageAccounts => Role::Admin,
        }
    }
}

/// Whether `user` (signed in or not) holds `permission`.
pub fn allows(user: Option<&UserResponse>, permission: Permission) -> bool {
    user.is_some_and(|user| user.role.includes(permission.least_role()))
}

/// The signed-in account if it holds `permission`; 401 when nobody is signed in, 403 when the
/// account lacks it.
pub fn require(
    user: Option<&UserResponse>,
    permission: Permission,
) -> Result<&UserResponse, AppError> {
    match user {
        None => Err(AppError::Unauthenticated),
        Some(user) if allows(Some(user), permission) => Ok(user),
        Some(_) => Err(AppError::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(role: Role) -> UserResponse {
        UserResponse {
            id: uuid::Uuid::nil(),
            email: "staf@siar.test".into(),
            name: "Staf".into(),
            role,
            active: true,
        }
    }

    #[test]
    fn each_role_holds_exactly_the_permissions_at_or_below_it() {
        let judge: Vec<_> = Permission::ALL
            .into_iter()
            .filter(|p| allows(Some(&account(Role::Judge)), *p))
            .collect();
        assert_eq!(
            judge,
            [Permission::ManageOwnAccount, Permission::ScoreEntries],
            "a judge scores and keeps their own account, nothing else"
        );
        assert!(!allows(
            Some(&account(Role::Viewer)),
            Permission::PlanSchedule
        ));
        assert!(allows(
            Some(&account(Role::Viewer)),
            Permission::ReadStaffData
        ));
        assert!(!allows(
            Some(&account(Role::Coordinator)),
            Permission::ManageAccounts
        ));
        assert!(
            Permission::ALL
                .into_iter()
                .all(|p| allows(Some(&account(Role::Admin)), p))
        );
        assert!(Permission::ALL.into_iter().all(|p| !allows(None, p)));
        assert!(matches!(
            require(None, Permission::ReadStaffData),
            Err(AppError::Unauthenticated)
        ));
        assert!(matches!(
            require(Some(&account(Role::Judge)), Permission::ReadStaffData),
            Err(AppError::Forbidden)
        ));
    }
}
