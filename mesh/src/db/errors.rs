//! What a database error means, read from sea-orm's and the database's own report: unreachable, a unique
//! violation, a transaction aborted to be run again, a pool that gave no connection in time. One home for these
//! readings, which imports nothing of the crate: [`crate::db`] retries and waits by them, [`crate::error`] maps
//! errors to [`crate::Error`] by them, and [`crate::metrics`] counts errors by them.

/// The database's own report inside a sea-orm error, if the database answered at all.
fn database_error(
    err: &sea_orm::DbErr,
) -> Option<&(dyn sea_orm::sqlx::error::DatabaseError + 'static)> {
    use sea_orm::{DbErr, RuntimeErr};
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                sea_orm::sqlx::Error::Database(db_err) => Some(db_err.as_ref()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether PostgreSQL aborted the transaction to break a deadlock or a serialisation conflict: the same
/// transaction run again succeeds.
pub fn is_transient(err: &sea_orm::DbErr) -> bool {
    database_error(err)
        .and_then(|e| e.code())
        .is_some_and(|code| matches!(&*code, "40P01" | "40001"))
}

/// Whether a unique index refused the row: somebody else stored the same thing first.
pub fn is_unique_violation(err: &sea_orm::DbErr) -> bool {
    database_error(err).is_some_and(|e| e.is_unique_violation())
}

/// The table whose unique index refused a row: PostgreSQL names it; SQLite says
/// `UNIQUE constraint failed: table.column`.
fn duplicate_table(err: &sea_orm::DbErr) -> Option<String> {
    let e = database_error(err)?;
    if let Some(table) = e.table() {
        return Some(table.to_owned());
    }
    let columns = e.message().rsplit(": ").next()?;
    columns.split('.').next().map(str::to_owned)
}

/// What a unique violation tells the user, by the table whose rule it broke.
pub(crate) fn duplicate_message(err: &sea_orm::DbErr) -> String {
    let what = match duplicate_table(err).as_deref() {
        Some("data_products") => "a data product with this slug already exists in this domain",
        Some("domains") => "a domain with this slug already exists",
        Some("teams") => "a team with this slug already exists",
        Some("memberships") => "this person is already a member of the team",
        Some("output_ports") => "this product already has an output port with this slug",
        Some("data_contracts") => "this product already has a contract with this id",
        Some("users") => "a user with this email already exists",
        Some("identities") => "this sign-in is already linked to a user",
        Some("subscriptions") => "this team already has an open request or access for this port",
        Some("waivers") => "a waiver for this policy is already waiting for a steward",
        Some("policies") => "this policy key is already used in this scope",
        Some("tags") => "this tag already exists",
        _ => "this already exists",
    };
    format!("{what} (someone may just have made the same change)")
}

/// Whether an error says the database cannot be reached right now (no connection within the acquire timeout, a
/// refused or dropped connection, PostgreSQL shutting down or full, a SQLite file that cannot be opened or read),
/// as opposed to a fault in what was asked. The same request may succeed in a moment.
pub fn is_unreachable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    use sea_orm::{DbErr, RuntimeErr};
    let sqlx = match err {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => e.as_ref(),
        _ => return false,
    };
    match sqlx {
        Sqlx::Io(_)
        | Sqlx::Tls(_)
        | Sqlx::PoolTimedOut
        | Sqlx::PoolClosed
        | Sqlx::WorkerCrashed => true,
        Sqlx::Database(db_err) => {
            let code = db_err.code().unwrap_or_default();
            match db_err.try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>() {
                // SQLITE_IOERR (10), SQLITE_CANTOPEN (14), SQLITE_NOTADB (26), with their extended codes.
                Some(_) => code
                    .parse::<i32>()
                    .is_ok_and(|c| matches!(c & 0xff, 10 | 14 | 26)),
                // Connection exceptions (08…), admin or crash shutdown and "cannot connect now" (57P01-03),
                // too many connections (53300).
                None => {
                    code.starts_with("08")
                        || matches!(&*code, "57P01" | "57P02" | "57P03" | "53300")
                }
            }
        }
        _ => false,
    }
}

/// Whether a request for a pooled connection waited the whole acquire timeout and got none (the pool was
/// exhausted, or every new connection failed): one kind of [`is_unreachable`].
pub fn is_acquire_timeout(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr};
    match err {
        DbErr::ConnectionAcquire(ConnAcquireErr::Timeout) => true,
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            matches!(e.as_ref(), sea_orm::sqlx::Error::PoolTimedOut)
        }
        _ => false,
    }
}
