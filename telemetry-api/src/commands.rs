//! What each command does.

use std::net::SocketAddr;

use anyhow::{Context, bail};
use telemetry_api::config::ServerConfig;
use telemetry_api::demo;
use telemetry_api::server::{Server, ensure_project, shutdown_signal};
use telemetry_store::{Project, Store};

use crate::cli::{KeysCommand, ProjectsCommand};

/// Slug of the project `--demo` writes into when not in dev mode.
const DEMO_PROJECT_SLUG: &str = "demo";

/// `serve`.
pub(crate) async fn serve(config: ServerConfig, demo: bool) -> anyhow::Result<()> {
    let server = Server::bind(config)
        .await
        .context("cannot start the server")?;
    let addr = server.local_addr();
    println!("ai-telemetry listening on http://{addr}");
    println!("  Trace explorer:    http://{addr}/");
    println!("  OTLP/HTTP traces:  http://{addr}/v1/traces");
    println!("  OTLP/HTTP logs:    http://{addr}/v1/logs");
    if let Some(grpc) = server.grpc_addr() {
        println!("  OTLP/gRPC:         http://{grpc}");
    }
    println!("  GraphiQL:          http://{addr}/graphql");
    if server.dev_project().is_some() {
        println!("  --dev: requests without credentials use the `default` project");
    }
    if demo {
        spawn_demo(&server, addr).await?;
    }
    server.run(shutdown_signal()).await?;
    Ok(())
}

/// Seeds the demo traces in the background once the server serves.
async fn spawn_demo(server: &Server, addr: SocketAddr) -> anyhow::Result<()> {
    let store = server.state().store.clone();
    let project = match server.dev_project() {
        Some(project) => project,
        None => ensure_project(&store, DEMO_PROJECT_SLUG).await?,
    };
    let target = loopback_of(addr);
    tokio::spawn(async move {
        match demo::seed(&store, project, target).await {
            Ok(spans) => println!(
                "demo: {spans} spans of {} agent conversations ingested; open http://{target}/",
                demo::CONVERSATIONS
            ),
            Err(err) => eprintln!("demo: seeding failed: {err}"),
        }
    });
    Ok(())
}

/// Where to reach a server listening on `addr` from this machine.
fn loopback_of(addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], addr.port()))
    } else {
        addr
    }
}

/// Opens and migrates the store for an administration command.
async fn open(database_url: &str) -> anyhow::Result<Store> {
    let store = Store::connect(database_url).await?;
    store.migrate().await?;
    Ok(store)
}

/// `projects …`.
pub(crate) async fn projects(database_url: &str, command: ProjectsCommand) -> anyhow::Result<()> {
    let store = open(database_url).await?;
    match command {
        ProjectsCommand::Create { name } => {
            if store.project_by_slug(&name).await?.is_some() {
                bail!("project {name:?} already exists");
            }
            let project = store.create_project(&name, &name).await?;
            println!("created project {} (id {})", project.slug, project.id);
        }
        ProjectsCommand::List => {
            for project in store.list_projects().await? {
                println!("{}\t{}", project.id, project.slug);
            }
        }
    }
    store.close().await?;
    Ok(())
}

/// `keys …`.
pub(crate) async fn keys(database_url: &str, command: KeysCommand) -> anyhow::Result<()> {
    let store = open(database_url).await?;
    match command {
        KeysCommand::Create { project, name } => {
            let project = find_project(&store, &project).await?;
            let key = store.create_api_key(project.id, &name).await?;
            println!(
                "created key {} ({:?}) for project {}; the secret below is shown only once:",
                key.key.id, key.key.name, project.slug
            );
            println!("{}", key.secret);
        }
        KeysCommand::List { project } => list_keys(&store, project.as_deref()).await?,
        KeysCommand::Revoke { project, id } => {
            let project = find_project(&store, &project).await?;
            if !store.revoke_api_key(project.id, id).await? {
                bail!("no live key {id} in project {}", project.slug);
            }
            println!("revoked key {id} of project {}", project.slug);
        }
    }
    store.close().await?;
    Ok(())
}

async fn list_keys(store: &Store, project: Option<&str>) -> anyhow::Result<()> {
    let projects = match project {
        Some(slug) => vec![find_project(store, slug).await?],
        None => store.list_projects().await?,
    };
    println!("id\tproject\tname\tprefix\tstatus");
    for project in projects {
        for key in store.list_api_keys(project.id).await? {
            let status = if key.revoked_at.is_some() {
                "revoked"
            } else {
                "live"
            };
            println!(
                "{}\t{}\t{}\t{}…\t{status}",
                key.id, project.slug, key.name, key.prefix
            );
        }
    }
    Ok(())
}

async fn find_project(store: &Store, slug: &str) -> anyhow::Result<Project> {
    store.project_by_slug(slug).await?.with_context(|| {
        format!("no project named {slug:?} (create it with `projects create {slug}`)")
    })
}
