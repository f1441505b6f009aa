//! Password hashing with argon2id (the argon2 crate's default: m = 19 MiB, t = 2, p = 1, as
//! OWASP recommends). Hashing is CPU-bound, so it runs on the blocking pool, off the async
//! workers.

use anyhow::{Context, anyhow};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use tokio::sync::OnceCell;

/// Hashes `password` into a PHC string (`$argon2id$v=19$…`) with a fresh random salt.
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| anyhow!("argon2 hashing failed: {e}"))
    })
    .await
    .context("password hashing task failed")?
}

/// Whether `password` matches the stored PHC string.
pub async fn verify(password: String, stored: String) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| anyhow!("stored password hash is malformed: {e}"))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .context("password verification task failed")?
}

/// Spends the same time as checking a real account's password, so that the answer's timing
/// does not tell whether an e-mail address has an account.
pub async fn verify_against_dummy(password: String) -> anyhow::Result<()> {
    static DUMMY: OnceCell<String> = OnceCell::const_new();
    let dummy = DUMMY
        .get_or_try_init(|| hash("not a real password".into()))
        .await?;
    verify(password, dummy.clone()).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_salted_argon2id_and_verify() {
        let first = hash("kata sandi rahasia".into()).await.unwrap();
        let second = hash("kata sandi rahasia".into()).await.unwrap();
        assert!(first.starts_with("$argon2id$"), "{first}");
        assert_ne!(first, second, "each hash has its own salt");
        assert!(
            verify("kata sandi rahasia".into(), first.clone())
                .await
                .unwrap()
        );
        assert!(!verify("kata sandi salah!!".into(), first).await.unwrap());
    }

    #[tokio::test]
    async fn a_corrupt_stored_hash_is_an_error_not_a_match() {
        assert!(
            verify("anything at all".into(), "not-a-hash".into())
                .await
                .is_err()
        );
    }
}
