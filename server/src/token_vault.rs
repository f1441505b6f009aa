//! Private link tokens at rest: a partner's page, a contest entry, a calendar feed.
//!
//! These are bearer secrets that Siar must show again later (the partner link on the staff
//! page, the entrant's link in each letter, the calendar URL on "My sessions"), so a one-way
//! hash alone, as sign-in links and sessions use, is not enough. A row keeps two things of a
//! token: its SHA-256 ([`lookup_key`]), the only thing a request's token is compared with, and
//! the token sealed with ChaCha20-Poly1305 ([`TokenVault::seal`]) under a key the database does
//! not hold when `SIAR_SECRET` is set. A copy of the tables then opens no link.
//!
//! A sealed value reads `v1.<key id>.<base64url(nonce ‖ ciphertext)>`; the key id lets a vault
//! open values sealed under its earlier key (the generated one, before `SIAR_SECRET` was set)
//! while start-up reseals them (`services::private_links`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use chrono::Utc;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};
use sha2::{Digest as _, Sha256};

use crate::db::entities::instance_secrets;
use crate::error::{AppError, AppResult};

/// The name of the generated key in `instance_secrets`.
const GENERATED_KEY_NAME: &str = "token_vault_key";
/// The format tag of a sealed value.
const VERSION: &str = "v1";
const NONCE_BYTES: usize = 12;

/// The SHA-256 (hex) of a token: what the database compares a presented token with.
pub fn lookup_key(token: &str) -> String {
    crate::auth::sha256_hex(token)
}

/// Whether `token` has the shape of a private link token (43 URL-safe characters): anything
/// else cannot match, so it skips the query.
pub fn is_token_shaped(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A token just made: the secret for the link, and what to store of it.
pub struct IssuedToken {
    /// Goes into the link, never into the database.
    pub token: String,
    /// [`lookup_key`] of `token`.
    pub lookup: String,
    /// `token` sealed under the current key.
    pub sealed: String,
}

struct SealingKey {
    id: String,
    cipher: ChaCha20Poly1305,
}

impl SealingKey {
    fn derive(secret: &[u8]) -> SealingKey {
        let key: [u8; 32] = Sha256::new()
            .chain_update(b"siar token vault v1\0")
            .chain_update(secret)
            .finalize()
            .into();
        let id = crate::auth::sha256_hex(&URL_SAFE_NO_PAD.encode(key))[..8].to_owned();
        SealingKey {
            id,
            cipher: ChaCha20Poly1305::new(&Key::from(key)),
        }
    }
}

/// Seals and opens private link tokens; cheap to clone, shared by every request.
#[derive(Clone)]
pub struct TokenVault {
    keys: std::sync::Arc<Keys>,
}

struct Keys {
    /// Seals; its id marks every new value.
    current: SealingKey,
    /// Opens values sealed before the current key took over.
    earlier: Option<SealingKey>,
}

impl TokenVault {
    /// The vault of this deployment: keyed by `secret` (`SIAR_SECRET`) when set, else by a key
    /// generated once into the database, the same for every instance on it.
    pub async fn load(db: &DatabaseConnection, secret: Option<&str>) -> AppResult<TokenVault> {
        let generated = match secret {
            Some(_) => stored_key(db).await?,
            None => Some(generated_key(db).await?),
        };
        let generated = generated.map(|key| SealingKey::derive(key.as_bytes()));
        let keys = match secret {
            Some(secret) => Keys {
                current: SealingKey::derive(secret.as_bytes()),
                earlier: generated,
            },
            None => Keys {
                current: generated.ok_or_else(|| unusable("the generated key is missing"))?,
                earlier: None,
            },
        };
        Ok(TokenVault {
            keys: std::sync::Arc::new(keys),
        })
    }

    /// A vault with a fixed secret (unit tests).
    #[cfg(test)]
    pub fn with_secret(secret: &str) -> TokenVault {
        TokenVault {
            keys: std::sync::Arc::new(Keys {
                current: SealingKey::derive(secret.as_bytes()),
                earlier: None,
            }),
        }
    }

    /// A fresh random token, ready to store.
    pub fn issue(&self) -> IssuedToken {
        let token = crate::auth::random_token();
        IssuedToken {
            lookup: lookup_key(&token),
            sealed: self.seal(&token),
            token,
        }
    }

    /// `token` encrypted under the current key with a random nonce.
    pub fn seal(&self, token: &str) -> String {
        use rand::RngCore as _;
        let key = &self.keys.current;
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rng().fill_bytes(&mut nonce);
        // Encryption into a Vec fails only on a length overflow, impossible for a token.
        let ciphertext = key
            .cipher
            .encrypt(&Nonce::from(nonce), token.as_bytes())
            .unwrap_or_default();
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&ciphertext);
        format!("{VERSION}.{}.{}", key.id, URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The token inside `sealed`; an internal error if it was sealed under a key this vault
    /// does not have, or altered.
    pub fn open(&self, sealed: &str) -> AppResult<String> {
        let mut parts = sealed.splitn(3, '.');
        let (Some(VERSION), Some(id), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(unusable("a sealed token has an unknown format"));
        };
        let key = [Some(&self.keys.current), self.keys.earlier.as_ref()]
            .into_iter()
            .flatten()
            .find(|key| key.id == id)
            .ok_or_else(|| unusable("a token is sealed under a key this server lacks"))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| unusable("a sealed token is not base64"))?;
        let Some((nonce, ciphertext)) = bytes.split_first_chunk::<NONCE_BYTES>() else {
            return Err(unusable("a sealed token is too short"));
        };
        let plain = key
            .cipher
            .decrypt(&Nonce::from(*nonce), ciphertext)
            .map_err(|_| unusable("a sealed token does not open: altered, or another key"))?;
        String::from_utf8(plain).map_err(|_| unusable("a sealed token is not text"))
    }

    /// How every value sealed under the current key begins (`v1.<key id>.`); a stored value
    /// without it still needs sealing again.
    pub fn current_prefix(&self) -> String {
        format!("{VERSION}.{}.", self.keys.current.id)
    }
}

fn unusable(why: &'static str) -> AppError {
    AppError::Internal(anyhow::anyhow!(why))
}

async fn stored_key(db: &DatabaseConnection) -> AppResult<Option<String>> {
    Ok(instance_secrets::Entity::find_by_id(GENERATED_KEY_NAME)
        .one(db)
        .await?
        .map(|row| row.value))
}

/// The generated key, made by whichever instance asks first.
async fn generated_key(db: &DatabaseConnection) -> AppResult<String> {
    instance_secrets::Entity::insert(instance_secrets::ActiveModel {
        name: Set(GENERATED_KEY_NAME.to_owned()),
        value: Set(crate::auth::random_token()),
        created_at: Set(Utc::now()),
    })
    .on_conflict_do_nothing_on([instance_secrets::Column::Name])
    .exec_without_returning(db)
    .await?;
    stored_key(db)
        .await?
        .ok_or_else(|| unusable("the generated key is missing"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_token_opens_only_with_its_key_and_never_shows_the_token() {
        let vault = TokenVault::with_secret("a-secret-of-at-least-thirty-two-chars");
        let issued = vault.issue();
        assert!(is_token_shaped(&issued.token));
        assert_eq!(issued.lookup, lookup_key(&issued.token));
        assert_eq!(issued.lookup.len(), 64);
        assert!(!issued.sealed.contains(&issued.token));
        assert_eq!(vault.open(&issued.sealed).unwrap(), issued.token);
        // Random nonces: the same token seals differently each time.
        assert_ne!(vault.seal(&issued.token), vault.seal(&issued.token));

        let other = TokenVault::with_secret("another-secret-of-thirty-two-chars!!");
        assert!(other.open(&issued.sealed).is_err());
        assert!(issued.sealed.starts_with(&vault.current_prefix()));
        assert!(!issued.sealed.starts_with(&other.current_prefix()));

        let mut altered = issued.sealed.clone();
        let last = altered
            .pop()
            .map_or('A', |c| if c == 'A' { 'B' } else { 'A' });
        altered.push(last);
        assert!(vault.open(&altered).is_err());
        assert!(vault.open("v1.nonsense").is_err());
        assert!(vault.open("").is_err());
    }
}
