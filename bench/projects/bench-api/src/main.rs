//! bench-api: a small but real-shaped HTTP service used by the benchmark (bench/run.sh).
//! `bench-api --version` prints the version; `bench-api serve` listens on $PORT (default 8080)
//! with GET /health and GET /items/{id}; a database URL is optional (sqlx pool, lazy).
use std::net::SocketAddr;

use axum::{extract::Path, routing::get, Json, Router};
use clap::{Parser, Subcommand};
use serde::Serialize;

#[derive(Parser)]
#[command(name = "bench-api", version, about = "Benchmark HTTP service")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve HTTP
    Serve {
        #[arg(long, env = "PORT", default_value_t = 8080)]
        port: u16,
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
    },
}

#[derive(Serialize)]
struct Item {
    id: uuid::Uuid,
    name: String,
    created: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, thiserror::Error)]
enum AppError {
    #[error("bad id: {0}")]
    BadId(String),
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

async fn item(Path(id): Path<String>) -> Result<Json<Item>, (axum::http::StatusCode, String)> {
    let id = uuid::Uuid::parse_str(&id)
        .map_err(|_| AppError::BadId(id.clone()))
        .map_err(|e| (axum::http::StatusCode::BAD_REQUEST, e.to_string()))?;
    Ok(Json(Item { id, name: "item".into(), created: chrono::Utc::now() }))
}

fn app() -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/items/{id}", get(item))
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .json()
        .init();
    match cli.command {
        None => {
            println!("bench-api {} (try --help)", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Some(Command::Serve { port, database_url }) => {
            if let Some(url) = database_url {
                let pool = sqlx::postgres::PgPoolOptions::new().max_connections(5).connect_lazy(&url)?;
                tracing::info!(size = pool.size(), "database pool (lazy)");
            }
            let _client = reqwest::Client::builder().user_agent("bench-api").build()?;
            let addr = SocketAddr::from(([0, 0, 0, 0], port));
            let listener = tokio::net::TcpListener::bind(addr).await?;
            tracing::info!(%addr, "listening");
            axum::serve(listener, app()).await?;
            Ok(())
        }
    }
}
