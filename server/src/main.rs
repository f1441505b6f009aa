//! `siar`: loads the configuration, starts logging and runs the chosen subcommand.

use std::io::Read;

use anyhow::Context;
use clap::Parser;
use server::app::{App, shutdown_signal};
use server::cli::{AdminAction, Cli, Command, CreateAdmin};
use server::config::Config;
use server::{db, demo, services, telemetry};
use shared::dto::auth::CreateUserRequest;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::from_env()?;
    telemetry::init(config.log_format);
    match cli.command {
        Command::Serve { demo } => serve(config, demo).await,
        Command::Migrate => {
            let db = db::connect(&config).await?;
            db::migrate(&db).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Admin {
            action: AdminAction::Create(args),
        } => create_admin(config, args).await,
    }
}

async fn serve(config: Config, seed_demo: bool) -> anyhow::Result<()> {
    let app = App::build(config).await?;
    let base_url = app.state().config.base_url.clone();
    if seed_demo {
        let seeded = demo::seed(&app.state().db, &base_url).await?;
        println!(
            "\nSiar demo {}",
            if seeded {
                "data seeded"
            } else {
                "(database already has data)"
            }
        );
        println!("  Staff logins (sign in at {base_url}/login):");
        for login in demo::DEMO_LOGINS {
            println!(
                "    {:<12} {:<28} {}",
                login.role.as_str(),
                login.email,
                login.password
            );
        }
        println!(
            "  Contest: {base_url}/contests/{} (judges score at {base_url}/judge)",
            demo::DEMO_CONTEST
        );
        println!(
            "  Volunteer: {} (sign-in link in {base_url}/staff/mailbox, or ask for one at {base_url}/volunteer)",
            demo::DEMO_VOLUNTEER
        );
    }
    let addr = app.local_addr()?;
    println!("\nSiar is running at {base_url}  (listening on {addr}; Ctrl-C stops it)\n");
    tracing::info!(%addr, "listening");
    app.serve(shutdown_signal()).await
}

async fn create_admin(config: Config, args: CreateAdmin) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    let db = db::connect(&config).await?;
    db::migrate(&db).await?;
    let request = CreateUserRequest {
        email: args.email,
        name: args.name,
        role: Some(args.role),
        password,
    };
    match services::users::create_user(&db, request, chrono::Utc::now()).await {
        Ok(user) => {
            println!("created {} account {}", user.role.as_str(), user.email);
            Ok(())
        }
        Err(server::error::AppError::Invalid(errors)) => {
            for (field, messages) in errors.messages(shared::Lang::En) {
                eprintln!("{field}: {}", messages.join(" "));
            }
            anyhow::bail!("the account was not created")
        }
        Err(other) => Err(anyhow::anyhow!("{other}")),
    }
}
