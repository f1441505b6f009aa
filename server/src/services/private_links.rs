//! Private link tokens kept as `token_vault` wants them: rows written before tokens were sealed
//! hold the plain token, and rows sealed under an earlier key (the generated one, before
//! `SIAR_SECRET` was set) must move to the current key. Every instance runs this at start-up;
//! a row changes only if it still holds what was read, so instances starting together do not
//! undo each other's work, and the links people already have keep working.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::db::entities::{contest_entries, partners, users, volunteers};
use crate::error::AppResult;
use crate::token_vault::{TokenVault, lookup_key};

/// Seals every stored token that is not sealed under the vault's current key; returns how many
/// rows changed. Fails (and so stops start-up) if a token is sealed under a key the vault lacks:
/// a changed `SIAR_SECRET` would otherwise break every link one request at a time.
pub async fn seal_stored_tokens(db: &DatabaseConnection, vault: &TokenVault) -> AppResult<u64> {
    let changed = reseal::<users::Entity>(
        db,
        vault,
        users::Column::Id,
        users::Column::CalendarToken,
        users::Column::CalendarTokenSealed,
    )
    .await?
        + reseal::<volunteers::Entity>(
            db,
            vault,
            volunteers::Column::Id,
            volunteers::Column::CalendarToken,
            volunteers::Column::CalendarTokenSealed,
        )
        .await?
        + reseal::<partners::Entity>(
            db,
            vault,
            partners::Column::Id,
            partners::Column::AccessToken,
            partners::Column::AccessTokenSealed,
        )
        .await?
        + reseal::<contest_entries::Entity>(
            db,
            vault,
            contest_entries::Column::Id,
            contest_entries::Column::AccessToken,
            contest_entries::Column::AccessTokenSealed,
        )
        .await?;
    if changed > 0 {
        tracing::info!("sealed {changed} private link tokens under the current key");
    }
    Ok(changed)
}

async fn reseal<E: EntityTrait>(
    db: &DatabaseConnection,
    vault: &TokenVault,
    id: E::Column,
    token: E::Column,
    sealed: E::Column,
) -> AppResult<u64> {
    let stale: Vec<(Uuid, String, Option<String>)> = E::find()
        .select_only()
        .column(id)
        .column(token)
        .column(sealed)
        .filter(token.is_not_null())
        .filter(
            Condition::any()
                .add(sealed.is_null())
                .add(sealed.not_like(format!("{}%", vault.current_prefix()))),
        )
        .into_tuple()
        .all(db)
        .await?;
    let mut changed = 0;
    for (row, stored, was_sealed) in stale {
        let (plain, unchanged) = match &was_sealed {
            // Written before sealing: the column holds the token itself.
            None => (
                stored.clone(),
                Condition::all().add(sealed.is_null()).add(token.eq(stored)),
            ),
            Some(old) => (
                vault.open(old)?,
                Condition::all().add(sealed.eq(old.clone())),
            ),
        };
        changed += E::update_many()
            .col_expr(token, Expr::value(lookup_key(&plain)))
            .col_expr(sealed, Expr::value(vault.seal(&plain)))
            .filter(id.eq(row))
            .filter(unchanged)
            .exec(db)
            .await?
            .rows_affected;
    }
    Ok(changed)
}
