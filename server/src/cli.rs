//! `agora import` and `agora export`: contracts in files, for GitOps and scripts; `agora token create`: an API
//! token for a user, for CI.
use std::path::{Path, PathBuf};

use mesh::access::Viewer;
use mesh::contracts::Outcome;
use mesh::DatabaseConnection;

fn contract_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    if path.is_file() {
        return Ok(vec![path.to_owned()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Imports every YAML file of `path` (a file or a folder). Prints one line per file; a file with problems
/// changes nothing and its problems are listed with their lines. Fails if any file failed.
pub async fn import(
    db: &DatabaseConnection,
    path: &Path,
    product: Option<&str>,
) -> Result<(), String> {
    let files = contract_files(path)?;
    if files.is_empty() {
        return Err(format!("no .yaml files in {}", path.display()));
    }
    let viewer = Viewer::system();
    let mut failed = 0;
    for file in &files {
        let name = file.display();
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                println!("{name}: cannot read: {e}");
                failed += 1;
                continue;
            }
        };
        match mesh::contracts::import_into_named_product(db, &viewer, &text, product).await {
            Ok((target, imported)) => {
                let verb = match imported.outcome {
                    Outcome::Created => "created",
                    Outcome::Updated => "updated",
                    Outcome::Unchanged => "unchanged",
                };
                println!("{name}: {verb} contract {} of {target}", imported.odcs_id);
            }
            Err(mesh::Error::Invalid(problems)) => {
                failed += 1;
                println!("{name}: not imported");
                for p in problems {
                    println!("  {}: {}", p.field, p.message);
                }
            }
            Err(err) => {
                failed += 1;
                println!("{name}: not imported: {err}");
            }
        }
    }
    if failed > 0 {
        return Err(format!(
            "{failed} of {} files could not be imported",
            files.len()
        ));
    }
    Ok(())
}

/// Prints (or writes) the ODCS contract, or the ODPS product document, of `domain/product`.
pub async fn export(
    db: &DatabaseConnection,
    product: &str,
    odps: bool,
    out: Option<&Path>,
) -> Result<(), String> {
    let (domain, slug) = product
        .split_once('/')
        .ok_or_else(|| "name the product as DOMAIN/PRODUCT".to_string())?;
    let viewer = Viewer::system();
    let text = if odps {
        mesh::odps::yaml(db, &viewer, domain, slug)
            .await
            .map_err(|e| e.to_string())?
    } else {
        let id = mesh::products::id_of(db, &viewer, domain, slug)
            .await
            .map_err(|e| e.to_string())?;
        mesh::contracts::export_yaml(db, id, None)
            .await
            .map_err(|e| e.to_string())?
            .1
    };
    match out {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// Creates an API token for the user with `email` (for scripts and CI: there is no session to create it in).
/// Returns the secret; it is shown once and stored hashed, like the tokens made at /settings/tokens.
pub async fn create_token(
    db: &DatabaseConnection,
    email: &str,
    scopes: &str,
    name: &str,
    days: i64,
) -> Result<String, String> {
    let user = mesh::identity::find_by_email(db, email)
        .await
        .map_err(|e| format!("{email}: {e}"))?;
    let viewer = mesh::access::viewer_for(db, &user)
        .await
        .map_err(|e| e.to_string())?;
    let new = mesh::tokens::NewToken {
        name: name.to_owned(),
        scopes: scopes
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        expires_in_days: days,
    };
    match mesh::tokens::create(db, &viewer, &new).await {
        Ok((secret, _)) => Ok(secret),
        Err(mesh::Error::Invalid(problems)) => Err(problems
            .iter()
            .map(|p| format!("{}: {}", p.field, p.message))
            .collect::<Vec<_>>()
            .join("; ")),
        Err(err) => Err(err.to_string()),
    }
}
