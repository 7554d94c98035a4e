//! The server's life: open and migrate the store, bind, serve, and shut down gracefully
//! (stop accepting, finish in-flight requests, commit what was accepted, exit).

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use telemetry_store::{ProjectId, Store, StoreOptions};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::auth::{Auth, DEV_PROJECT_SLUG};
use crate::config::ServerConfig;
use crate::grpc::{self, GrpcIngest};
use crate::ingest::IngestState;
use crate::pipeline::Pipeline;
use crate::state::AppState;
use crate::{live, retention, router};

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// `--dev` was asked for on an address other machines can reach.
    #[error(
        "--dev accepts unauthenticated requests and is only allowed on a loopback address, not {0}"
    )]
    DevNotLoopback(SocketAddr),
    /// The store could not be opened or migrated.
    #[error(transparent)]
    Store(#[from] telemetry_store::Error),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Serving failed.
    #[error("serving failed: {0}")]
    Serve(#[source] std::io::Error),
    /// Serving OTLP/gRPC failed.
    #[error("serving OTLP/gRPC failed: {0}")]
    Grpc(#[source] tonic::transport::Error),
}

/// The OTLP/gRPC side of a server: its socket and services.
struct GrpcPart {
    listener: TcpListener,
    local_addr: SocketAddr,
    services: GrpcIngest,
}

/// A server bound to its address, ready to [`run`](Server::run).
pub struct Server {
    config: ServerConfig,
    listener: TcpListener,
    local_addr: SocketAddr,
    app: Router,
    grpc: Option<GrpcPart>,
    state: AppState,
    writer: JoinHandle<()>,
    /// Tasks publishing the spans other servers on the database committed (PostgreSQL).
    listeners: Option<(JoinHandle<()>, JoinHandle<()>)>,
    dev_project: Option<ProjectId>,
}

impl Server {
    /// Opens the store (migrating it; refusing a schema newer than this code), starts the
    /// write pipeline and binds the listen address.
    pub async fn bind(config: ServerConfig) -> Result<Server, ServerError> {
        let mut addresses = std::iter::once(config.listen).chain(config.grpc_listen);
        if config.dev
            && let Some(open) = addresses.find(|a| !a.ip().is_loopback())
        {
            return Err(ServerError::DevNotLoopback(open));
        }
        let store = open_store(&config).await?;
        let dev_project = match config.dev {
            true => Some(ensure_project(&store, DEV_PROJECT_SLUG).await?),
            false => None,
        };
        let state = match &config.read_database_url {
            Some(url) => AppState::new(store.clone()).with_reads(open_replica(url, &config).await?),
            None => AppState::new(store.clone()),
        };
        let (pipeline, writer) = Pipeline::start(store.clone(), state.live.clone(), &config.limits);
        let listeners = live::listen(store.clone(), state.live.clone(), pipeline.origin());
        let ingest = IngestState {
            pipeline,
            limits: config.limits,
        };
        let auth = Auth::new(store, dev_project);
        let services = GrpcIngest {
            ingest: ingest.clone(),
            auth: auth.clone(),
        };
        let app = router::app(state.clone(), ingest, auth);
        let listener = bind(config.listen).await?;
        let local_addr = listener.local_addr().map_err(ServerError::Serve)?;
        let grpc = match config.grpc_listen {
            Some(addr) => {
                let listener = bind(addr).await?;
                let local_addr = listener.local_addr().map_err(ServerError::Serve)?;
                Some(GrpcPart {
                    listener,
                    local_addr,
                    services,
                })
            }
            None => None,
        };
        Ok(Server {
            config,
            listener,
            local_addr,
            app,
            grpc,
            state,
            writer,
            listeners,
            dev_project,
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The address OTLP/gRPC listens on, when it is served.
    pub fn grpc_addr(&self) -> Option<SocketAddr> {
        self.grpc.as_ref().map(|grpc| grpc.local_addr)
    }

    /// The shared state (store and live feed).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The project anonymous requests act for, in `--dev` mode.
    pub fn dev_project(&self) -> Option<ProjectId> {
        self.dev_project
    }

    /// Serves until `shutdown` completes, then stops accepting, lets in-flight requests
    /// finish (at most the configured shutdown timeout), commits what was accepted and
    /// closes the store.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServerError> {
        let Server {
            config,
            listener,
            app,
            grpc,
            state,
            writer,
            listeners,
            local_addr,
            ..
        } = self;
        let (stop_tx, stop_rx) = watch::channel(false);
        let retention = config.retention_days.map(|days| {
            tokio::spawn(retention::run(
                state.store.clone(),
                days,
                config.retention_interval,
                stop_rx.clone(),
            ))
        });
        let optimizer = tokio::spawn(retention::optimize(
            state.store.clone(),
            config.optimize_interval,
            stop_rx.clone(),
        ));
        let partitions = tokio::spawn(retention::partitions(state.store.clone(), stop_rx.clone()));
        tracing::info!(%local_addr, "listening");
        if let Some(grpc) = &grpc {
            tracing::info!(local_addr = %grpc.local_addr, "OTLP/gRPC listening");
        }
        let result = serve(
            listener,
            app,
            grpc,
            shutdown,
            stop_tx,
            stop_rx,
            config.shutdown_timeout,
        )
        .await;
        if let Some(task) = retention {
            task.abort();
        }
        optimizer.abort();
        partitions.abort();
        if let Some((receive, publish)) = listeners {
            receive.abort();
            publish.abort();
        }
        finish_writer(writer, config.shutdown_timeout).await;
        drop(state);
        result
    }
}

/// Serves until the shutdown future fires and the connections are done (or the timeout
/// after the signal passed).
async fn serve(
    listener: TcpListener,
    app: Router,
    grpc: Option<GrpcPart>,
    shutdown: impl Future<Output = ()> + Send + 'static,
    stop_tx: watch::Sender<bool>,
    mut stop_rx: watch::Receiver<bool>,
    timeout: Duration,
) -> Result<(), ServerError> {
    let signal = async move {
        shutdown.await;
        tracing::info!("shutting down: no new connections, finishing in-flight requests");
        let _ = stop_tx.send(true);
    };
    let grpc_stop = stop_rx.clone();
    let http = axum::serve(listener, app)
        .with_graceful_shutdown(signal)
        .into_future();
    let http = async move { http.await.map_err(ServerError::Serve) };
    let grpc = async move {
        let Some(GrpcPart {
            listener, services, ..
        }) = grpc
        else {
            return Ok(());
        };
        let stopped = stopped(grpc_stop);
        grpc::serve(listener, services, stopped)
            .await
            .map_err(ServerError::Grpc)
    };
    let serving = async move { tokio::try_join!(http, grpc).map(|_| ()) };
    let deadline = async move {
        let _ = stop_rx.wait_for(|stopped| *stopped).await;
        tokio::time::sleep(timeout).await;
    };
    tokio::select! {
        result = serving => result,
        () = deadline => {
            tracing::warn!(?timeout, "shutdown timeout: abandoning open connections");
            Ok(())
        }
    }
}

/// Completes once the stop flag is raised (or its sender is gone).
async fn stopped(mut stop: watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}

/// Binds a listen address.
async fn bind(addr: SocketAddr) -> Result<TcpListener, ServerError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Bind { addr, source })
}

/// Waits for the writer to commit what was accepted.
async fn finish_writer(writer: JoinHandle<()>, timeout: Duration) {
    match tokio::time::timeout(timeout, writer).await {
        Ok(Ok(())) => tracing::info!("every accepted span is committed"),
        Ok(Err(err)) => tracing::error!(error = %err, "the write pipeline failed"),
        Err(_) => tracing::error!(?timeout, "the write pipeline did not drain in time"),
    }
}

/// Connects and migrates.
async fn open_store(config: &ServerConfig) -> Result<Store, ServerError> {
    let options = StoreOptions {
        max_connections: config.db_max_connections,
        ..StoreOptions::default()
    };
    let store = Store::connect_with(&config.database_url, options).await?;
    store.migrate().await?;
    Ok(store)
}

/// Connects to a read replica (never migrated: it follows the primary; a replica whose
/// schema is newer than this code is refused like the primary).
async fn open_replica(url: &str, config: &ServerConfig) -> Result<Store, ServerError> {
    let options = StoreOptions {
        max_connections: config.db_max_connections,
        ..StoreOptions::default()
    };
    Ok(Store::connect_with(url, options).await?)
}

/// The project with this slug, created when missing.
pub async fn ensure_project(
    store: &Store,
    slug: &str,
) -> Result<ProjectId, telemetry_store::Error> {
    if let Some(project) = store.project_by_slug(slug).await? {
        return Ok(project.id);
    }
    match store.create_project(slug, slug).await {
        Ok(project) => Ok(project.id),
        Err(err) => match store.project_by_slug(slug).await? {
            Some(project) => Ok(project.id),
            None => Err(err),
        },
    }
}

/// Completes on SIGTERM or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}
