//! `cargo xtask migrate`: the store's own migrator ([`telemetry_store::migration::Migrator`])
//! applied to, reverted from or listed for one database.

use std::fmt;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use sea_orm_migration::MigratorTrait;
use telemetry_store::Store;
use telemetry_store::migration::{Migrator, known_migrations};

use crate::db;
use crate::exit::Refused;

/// `cargo xtask migrate …`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Database URL: `sqlite://PATH` or `postgres://USER@HOST/DB` [default: the server's
    /// default SQLite file]
    #[arg(long, global = true, env = db::DATABASE_URL_ENV)]
    pub database_url: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub action: MigrateAction,
}

/// The migrate actions.
#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply pending migrations (all, or up to and including `--to NAME`).
    Up {
        /// Last migration to apply, by its full name (see `status`).
        #[arg(long, value_name = "NAME")]
        to: Option<String>,
    },
    /// Revert the last N applied migrations.
    Down {
        /// How many to revert.
        #[arg(default_value_t = 1)]
        n: u32,
    },
    /// List applied and pending migrations, one line each.
    Status,
    /// Drop every table and apply every migration again (deletes all data).
    Fresh {
        /// Required for anything but a SQLite file.
        #[arg(long)]
        yes: bool,
    },
}

/// Whether a migration is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationLine {
    /// Its name.
    pub name: String,
    /// Applied to the database.
    pub applied: bool,
}

impl fmt::Display for MigrationLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.applied { "applied" } else { "pending" };
        write!(f, "{state:<8} {}", self.name)
    }
}

/// Runs `cargo xtask migrate`.
pub fn run(args: MigrateArgs) -> Result<()> {
    let url = db::url_or_default(args.database_url)?;
    println!("database: {}", db::redact(&url));
    match args.action {
        MigrateAction::Up { to } => report(up(&url, to.as_deref())?, "applied"),
        MigrateAction::Down { n } => report(down(&url, n)?, "reverted"),
        MigrateAction::Status => {
            let lines = status(&url)?;
            let pending = lines.iter().filter(|l| !l.applied).count();
            for line in &lines {
                println!("{line}");
            }
            println!("{} applied, {pending} pending", lines.len() - pending);
            Ok(())
        }
        MigrateAction::Fresh { yes } => report(fresh(&url, yes)?, "applied"),
    }
}

fn report(names: Vec<String>, verb: &str) -> Result<()> {
    if names.is_empty() {
        println!("nothing to do");
    }
    for name in &names {
        println!("{verb:<8} {name}");
    }
    Ok(())
}

/// Connects (refusing a schema newer than this code, as the server does).
async fn connect(url: &str) -> Result<Store> {
    Store::connect(url).await.with_context(|| {
        format!(
            "cannot open {}; check --database-url or {}",
            db::redact(url),
            db::DATABASE_URL_ENV
        )
    })
}

/// Every known migration, applied or pending.
pub fn status(url: &str) -> Result<Vec<MigrationLine>> {
    db::runtime()?.block_on(async {
        let store = connect(url).await?;
        let applied = store.applied_migrations().await?;
        store.close().await?;
        Ok(known_migrations()
            .into_iter()
            .map(|name| MigrationLine {
                applied: applied.contains(&name),
                name,
            })
            .collect())
    })
}

/// Applies pending migrations, all or up to `to`; returns the names applied.
pub fn up(url: &str, to: Option<&str>) -> Result<Vec<String>> {
    db::runtime()?.block_on(async {
        let store = connect(url).await?;
        let before = store.applied_migrations().await?;
        let steps = match to {
            Some(name) => Some(steps_to(name, before.len())?),
            None => None,
        };
        if steps != Some(0) {
            Migrator::up(store.connection(), steps).await?;
        }
        let after = store.applied_migrations().await?;
        store.close().await?;
        Ok(after.into_iter().filter(|n| !before.contains(n)).collect())
    })
}

/// How many migrations to apply so that `name` is the last applied one.
fn steps_to(name: &str, applied: usize) -> Result<u32> {
    let known = known_migrations();
    let Some(index) = known.iter().position(|n| n == name) else {
        return Err(Refused(format!(
            "no migration is named {name:?}; `cargo xtask migrate status` lists them:\n  {}",
            known.join("\n  ")
        ))
        .into());
    };
    if index < applied {
        bail!(Refused(format!(
            "{name} is already applied ({applied} migrations are); use `migrate down` to go back"
        )));
    }
    Ok((index + 1 - applied) as u32)
}

/// Reverts the last `n` applied migrations; returns their names, newest first.
pub fn down(url: &str, n: u32) -> Result<Vec<String>> {
    db::runtime()?.block_on(async {
        let store = connect(url).await?;
        let before = store.applied_migrations().await?;
        if n > 0 && !before.is_empty() {
            Migrator::down(store.connection(), Some(n)).await?;
        }
        let after = store.applied_migrations().await?;
        store.close().await?;
        Ok(before
            .into_iter()
            .rev()
            .filter(|name| !after.contains(name))
            .collect())
    })
}

/// Drops every table and applies every migration; refused without `yes` on anything but a
/// SQLite file.
pub fn fresh(url: &str, yes: bool) -> Result<Vec<String>> {
    if !yes && !db::is_sqlite_file(url) {
        bail!(Refused(format!(
            "`migrate fresh` deletes every table of {}; add --yes if that is what you want",
            db::redact(url)
        )));
    }
    db::runtime()?.block_on(async {
        let store = connect(url).await?;
        Migrator::fresh(store.connection()).await?;
        let applied = store.applied_migrations().await?;
        store.close().await?;
        Ok(applied)
    })
}
