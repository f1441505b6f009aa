use super::*;

fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn defaults_need_no_variables() {
    let config = Config::from_vars(&HashMap::new()).unwrap();
    assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
    assert_eq!(config.bind.to_string(), DEFAULT_BIND);
    assert_eq!(config.base_url, "http://127.0.0.1:3000");
    assert_eq!(config.storage, StorageConfig::Local("data/files".into()));
    assert_eq!(config.smtp_url, None);
    assert!(!config.secure_cookies());
    assert!(config.database_pool >= 3, "{}", config.database_pool);
}

#[test]
fn the_database_pool_can_be_sized() {
    let config = Config::from_vars(&vars(&[("SIAR_DATABASE_POOL", "12")])).unwrap();
    assert_eq!(config.database_pool, 12);
    assert_eq!(
        config.database_acquire_timeout,
        std::time::Duration::from_secs(10),
        "default"
    );
    let config = Config::from_vars(&vars(&[("SIAR_DATABASE_ACQUIRE_TIMEOUT_MS", "2500")])).unwrap();
    assert_eq!(
        config.database_acquire_timeout,
        std::time::Duration::from_millis(2500)
    );
}

#[test]
fn each_bad_value_names_its_variable() {
    let cases = [
        ("DATABASE_URL", "mysql://x"),
        ("SIAR_BIND", "localhost"),
        ("SIAR_BASE_URL", "siar.example.org"),
        ("SIAR_STORAGE", "ftp://files"),
        ("SIAR_SMTP_URL", "mail.example.org"),
        ("SIAR_LOG_FORMAT", "xml"),
        ("SIAR_DATABASE_SCHEMA", "drop table;"),
        ("SIAR_DATABASE_POOL", "0"),
        ("SIAR_DATABASE_POOL", "many"),
        ("SIAR_DATABASE_ACQUIRE_TIMEOUT_MS", "0"),
        ("SIAR_DATABASE_ACQUIRE_TIMEOUT_MS", "soon"),
    ];
    for (variable, value) in cases {
        let error = Config::from_vars(&vars(&[(variable, value)])).unwrap_err();
        assert_eq!(error.variable, variable);
        assert!(error.to_string().starts_with(variable), "{error}");
    }
}

#[test]
fn https_base_url_makes_cookies_secure_and_drops_trailing_slash() {
    let config =
        Config::from_vars(&vars(&[("SIAR_BASE_URL", "https://siar.example.org/")])).unwrap();
    assert_eq!(config.base_url, "https://siar.example.org");
    assert!(config.secure_cookies());
}

#[test]
fn secrets_are_redacted() {
    let config = Config::from_vars(&vars(&[
        ("DATABASE_URL", "postgres://siar:hunter2@db/siar"),
        ("SIAR_SMTP_URL", "smtp://mailer:pa55@mail.example.org:587"),
        ("SIAR_SECRET", "sealing-key-sealing-key-sealing-key"),
    ]))
    .unwrap();
    let printed = format!("{config:?}");
    assert!(
        !printed.contains("hunter2") && !printed.contains("pa55") && !printed.contains("sealing"),
        "{printed}"
    );
    assert!(printed.contains("postgres://siar:***@db/siar"));
    let error =
        Config::from_vars(&vars(&[("DATABASE_URL", "mysql://root:hunter2@db")])).unwrap_err();
    assert!(!error.to_string().contains("hunter2"));
}

#[test]
fn s3_storage_is_recognised() {
    let config = Config::from_vars(&vars(&[
        ("SIAR_STORAGE", "s3://siar-videos/contest"),
        ("AWS_SECRET_ACCESS_KEY", "hunter2"),
    ]))
    .unwrap();
    assert_eq!(
        config.storage,
        StorageConfig::S3(
            "s3://siar-videos/contest".into(),
            S3Settings(vec![("aws_secret_access_key".into(), "hunter2".into())])
        )
    );
    assert!(!format!("{config:?}").contains("hunter2"));
}

#[test]
fn a_short_secret_is_refused_without_being_echoed() {
    let error = Config::from_vars(&vars(&[("SIAR_SECRET", "short-secret")])).unwrap_err();
    assert_eq!(error.variable, "SIAR_SECRET");
    assert!(!error.to_string().contains("short-secret"), "{error}");
}
