//! The `siar` command line: `serve`, `migrate`, `admin create`.

use clap::{Args, Parser, Subcommand};
use shared::dto::auth::Role;

/// Siar: program scheduling for library outreach.
#[derive(Debug, Parser)]
#[command(name = "siar", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (migrates the database first).
    Serve {
        /// Seed demo programs and staff logins into an empty database first, and print them.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage staff accounts.
    Admin {
        /// The admin action.
        #[command(subcommand)]
        action: AdminAction,
    },
}

/// Staff account actions.
#[derive(Debug, Subcommand)]
pub enum AdminAction {
    /// Create a staff account (an admin unless --role says otherwise). The password is read
    /// from standard input, so it can be piped in by a script.
    Create(CreateAdmin),
}

/// `siar admin create`.
#[derive(Debug, Args)]
pub struct CreateAdmin {
    /// E-mail address, used to sign in.
    #[arg(long)]
    pub email: String,
    /// Display name.
    #[arg(long)]
    pub name: String,
    /// Role: admin, coordinator or viewer.
    #[arg(long, default_value = "admin", value_parser = parse_role)]
    pub role: Role,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| "expected admin, coordinator or viewer".to_owned())
}
