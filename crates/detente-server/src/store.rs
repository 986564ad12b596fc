//! Where the record is kept: an append-only table of submissions per agreement, and
//! the server's checkpoint after each append.
//!
//! The server speaks to storage through the small [`Store`] trait, so that a second
//! backend (PostgreSQL, next) is one more implementation over the same migrations
//! (`migrations/`, portable SQL), not a second code path through the server. The
//! SQLite store runs in WAL mode with `synchronous=FULL`: a transaction's commit
//! returns only once it is on disk, and [`Store::append`] returns only after the commit,
//! so every append the server acknowledges survives a crash or a kill -9.

use std::future::Future;
use std::pin::Pin;
use std::str::FromStr as _;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Row as _;

/// A future a store returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// One stored submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEntry {
    /// Its index in the agreement's log, from 0.
    pub seq: u64,
    /// The submission's bytes as received (UTF-8 JSON).
    pub submission: String,
    /// `SHA-256(0x00 ‖ submission)`, in base64.
    pub leaf_hash: String,
}

/// One stored checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCheckpoint {
    /// The tree size it signs.
    pub size: u64,
    /// The signed note.
    pub note: String,
}

/// Why storage failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another writer stored an entry at that index first.
    #[error("an entry is already stored at index {seq}")]
    Taken {
        /// The index.
        seq: u64,
    },
    /// The database URL names no backend this build has.
    #[error("`{0}`: only sqlite: URLs are served so far (sqlite://PATH, sqlite::memory:)")]
    Unsupported(String),
    /// A stored number is out of range.
    #[error("row {row}: {message}")]
    Corrupt {
        /// The row's index.
        row: i64,
        /// What is wrong.
        message: String,
    },
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The migrations failed.
    #[error("database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Storage for the record of every agreement a server serves.
pub trait Store: Send + Sync {
    /// The agreement's entries, by index.
    fn entries<'a>(&'a self, agreement: &'a str) -> StoreFuture<'a, Vec<StoredEntry>>;
    /// The agreement's checkpoints, by size.
    fn checkpoints<'a>(&'a self, agreement: &'a str) -> StoreFuture<'a, Vec<StoredCheckpoint>>;
    /// Stores an entry and the checkpoint after it in one transaction, returning once
    /// it is committed (durably). Refused with [`StoreError::Taken`] if the index is
    /// taken; then nothing is stored.
    fn append<'a>(
        &'a self,
        agreement: &'a str,
        entry: &'a StoredEntry,
        checkpoint: &'a StoredCheckpoint,
    ) -> StoreFuture<'a, ()>;
}

/// Opens the store a URL names, creating an SQLite file if it is missing, and brings
/// its schema up to date.
pub async fn open(url: &str) -> Result<Box<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        return Ok(Box::new(SqliteStore::open(url).await?));
    }
    Err(StoreError::Unsupported(url.into()))
}

/// The embedded store: one SQLite file.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url`, in WAL mode with
    /// `synchronous=FULL`, and runs the migrations.
    pub async fn open(url: &str) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(SqliteStore { pool })
    }
}

fn to_u64(row: i64, value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt { row, message: format!("negative number {value}") })
}

fn to_i64(value: u64) -> i64 {
    // Logs never reach 2^63 entries; saturating keeps the conversion total.
    i64::try_from(value).unwrap_or(i64::MAX)
}

impl Store for SqliteStore {
    fn entries<'a>(&'a self, agreement: &'a str) -> StoreFuture<'a, Vec<StoredEntry>> {
        Box::pin(async move {
            let rows = sqlx::query(
                "SELECT seq, submission, leaf_hash FROM events WHERE agreement = $1 ORDER BY seq",
            )
            .bind(agreement)
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    let seq: i64 = row.try_get("seq")?;
                    Ok(StoredEntry {
                        seq: to_u64(seq, seq)?,
                        submission: row.try_get("submission")?,
                        leaf_hash: row.try_get("leaf_hash")?,
                    })
                })
                .collect()
        })
    }

    fn checkpoints<'a>(&'a self, agreement: &'a str) -> StoreFuture<'a, Vec<StoredCheckpoint>> {
        Box::pin(async move {
            let rows = sqlx::query("SELECT size, note FROM checkpoints WHERE agreement = $1 ORDER BY size")
                .bind(agreement)
                .fetch_all(&self.pool)
                .await?;
            rows.iter()
                .map(|row| {
                    let size: i64 = row.try_get("size")?;
                    Ok(StoredCheckpoint { size: to_u64(size, size)?, note: row.try_get("note")? })
                })
                .collect()
        })
    }

    fn append<'a>(
        &'a self,
        agreement: &'a str,
        entry: &'a StoredEntry,
        checkpoint: &'a StoredCheckpoint,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut tx = self.pool.begin().await?;
            let inserted = sqlx::query(
                "INSERT INTO events (agreement, seq, submission, leaf_hash) VALUES ($1, $2, $3, $4)",
            )
            .bind(agreement)
            .bind(to_i64(entry.seq))
            .bind(&entry.submission)
            .bind(&entry.leaf_hash)
            .execute(&mut *tx)
            .await;
            match inserted {
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    return Err(StoreError::Taken { seq: entry.seq })
                }
                other => other?,
            };
            sqlx::query("INSERT INTO checkpoints (agreement, size, note) VALUES ($1, $2, $3)")
                .bind(agreement)
                .bind(to_i64(checkpoint.size))
                .bind(&checkpoint.note)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }
}
