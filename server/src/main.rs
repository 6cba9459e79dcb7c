//! `agora`: serve the marketplace, migrate the database, or load the demo mesh.
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use agora::config::Config;
use agora::startup::{open_database, Application};
use agora::telemetry;

// Server-side rendering allocates many small strings on every thread; mimalloc keeps that from contending the
// way glibc's allocator does (measured with `make bench`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "agora", version, about = "Agora, the data-mesh marketplace")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the web app and API (the default).
    Serve,
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Load the demo mesh (idempotent: existing rows are kept).
    Seed {
        /// Also generate this many realistic data products (with domains and teams to hold them), for
        /// benchmarks and demos at scale. Not idempotent: each run adds this many more.
        #[arg(long)]
        products: Option<usize>,
    },
    /// Import ODCS data contracts from a YAML file or a folder of them (idempotent).
    Import {
        /// A .yaml file or a folder of .yaml files.
        path: std::path::PathBuf,
        /// The product to import into, as DOMAIN/PRODUCT (default: the contract's `domain` and `dataProduct`).
        #[arg(long)]
        product: Option<String>,
    },
    /// Export a product's data contract as ODCS v3.1.0 YAML (or the product as ODPS with --odps).
    Export {
        /// DOMAIN/PRODUCT
        product: String,
        /// Export the product with its ports as an ODPS v1.0.0 document.
        #[arg(long)]
        odps: bool,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// API tokens for scripts and CI.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Write a consistent copy of the SQLite database to FILE, also while Agora serves (PostgreSQL: use pg_dump).
    Backup {
        /// The backup file to write.
        file: std::path::PathBuf,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Replace the SQLite database with a backup made by `agora backup`, then migrate it. Stop every `agora`
    /// process using the database first (PostgreSQL: use pg_restore).
    Restore {
        /// The backup file to restore.
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for a user and print its secret (shown once).
    Create {
        /// The user's (verified) email.
        #[arg(long)]
        user: String,
        /// Comma-separated scopes: read, write, results.
        #[arg(long, default_value = "read")]
        scopes: String,
        /// A name to recognise it by at /settings/tokens.
        #[arg(long, default_value = "command line")]
        name: String,
        /// Days until it expires (1 to 366).
        #[arg(long, default_value_t = 30)]
        days: i64,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command.unwrap_or(Command::Serve)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("agora: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), String> {
    let config = Config::from_env().map_err(|e| e.to_string())?;
    telemetry::init(config.log_format);
    match command {
        Command::Serve => {
            let app = Application::build(config)
                .await
                .map_err(|e| e.to_string())?;
            tracing::info!("Agora is serving on http://{}", app.addr());
            app.run_until_stopped().await.map_err(|e| e.to_string())
        }
        Command::Migrate => {
            open_database(&config).await.map_err(|e| e.to_string())?;
            tracing::info!("database is up to date");
            Ok(())
        }
        Command::Seed { products } => {
            let db = open_database(&config).await.map_err(|e| e.to_string())?;
            let report = mesh::demo::seed::seed_demo(&db)
                .await
                .map_err(|e| format!("seeding failed: {e}"))?;
            tracing::info!("demo mesh loaded: {report}");
            if let Some(n) = products.filter(|n| *n > 0) {
                let started = std::time::Instant::now();
                let generated = mesh::demo::generate::generate(&db, n)
                    .await
                    .map_err(|e| format!("generating products failed: {e}"))?;
                tracing::info!("{generated} in {:.1} s", started.elapsed().as_secs_f64());
            }
            Ok(())
        }
        Command::Import { path, product } => {
            let db = open_database(&config).await.map_err(|e| e.to_string())?;
            agora::cli::import(&db, &path, product.as_deref()).await
        }
        Command::Export { product, odps, out } => {
            let db = open_database(&config).await.map_err(|e| e.to_string())?;
            agora::cli::export(&db, &product, odps, out.as_deref()).await
        }
        Command::Backup { file, force } => {
            let report = agora::cli::backup(&config.database_url, &file, force).await?;
            println!("{report}");
            Ok(())
        }
        Command::Restore { file } => {
            let report = agora::cli::restore(&config, &file).await?;
            println!("{report}");
            Ok(())
        }
        Command::Token(TokenCommand::Create {
            user,
            scopes,
            name,
            days,
        }) => {
            let db = open_database(&config).await.map_err(|e| e.to_string())?;
            let secret = agora::cli::create_token(&db, &user, &scopes, &name, days).await?;
            println!("{secret}");
            Ok(())
        }
    }
}
