//! Where the catalogue lives: SQLite (`sqlite:PATH`, one file, the default) or PostgreSQL
//! (`postgres://USER@HOST:PORT/DB`, for a catalogue several counters share).
//!
//! Both run the same SQL. The schema is a list of numbered migrations (`migrations/*.sql`),
//! applied in order on open and recorded in `schema_migrations`; a database migrated by a
//! newer ailevel is refused rather than misread. Entries and events are only inserted:
//! nothing here updates or deletes a row.
//!
//! The code is synchronous (rusqlite, and the `postgres` client, which drives
//! tokio-postgres on a runtime of its own); the staff page calls it from blocking tasks.

use std::collections::BTreeSet;

use super::entry::{Entry, Event, Listed, NewEntry, key, with_states};
use crate::error::{Error, Result};

/// The schema, in order, as (version, SQLite SQL, PostgreSQL SQL): the same text where
/// portable SQL does, each backend's own where it does not (the search index). A released
/// migration is never edited: a change is a new one.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        include_str!("migrations/0001_catalog.sql"),
        include_str!("migrations/0001_catalog.sql"),
    ),
    (
        2,
        include_str!("migrations/0002_search_sqlite.sql"),
        include_str!("migrations/0002_search_postgres.sql"),
    ),
];

/// Searches shorter than this many characters (after folding) scan instead of using the
/// trigram index, which cannot answer them.
const TRIGRAM: usize = 3;

/// A value bound to or read from a statement: the only types the schema uses.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Text(String),
}

impl Val {
    fn text(&self) -> Option<String> {
        match self {
            Val::Text(s) => Some(s.clone()),
            Val::Int(i) => Some(i.to_string()),
            Val::Null => None,
        }
    }

    fn int(&self) -> i64 {
        match self {
            Val::Int(i) => *i,
            Val::Text(s) => s.parse().unwrap_or_default(),
            Val::Null => 0,
        }
    }
}

impl From<&str> for Val {
    fn from(s: &str) -> Val {
        Val::Text(s.to_string())
    }
}

impl From<&String> for Val {
    fn from(s: &String) -> Val {
        Val::Text(s.clone())
    }
}

impl From<Option<&String>> for Val {
    fn from(s: Option<&String>) -> Val {
        s.map_or(Val::Null, |s| Val::Text(s.clone()))
    }
}

impl From<i64> for Val {
    fn from(i: i64) -> Val {
        Val::Int(i)
    }
}

enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres(Box<postgres::Client>),
}

/// An open catalogue.
pub struct Store {
    conn: Conn,
    /// The URL as it may be shown: no password.
    shown: String,
}

/// Which entries to load.
#[derive(Debug, Clone)]
pub enum Filter {
    All,
    Cert(String),
    /// A vendor-and-model key ([`super::model_key`]).
    Model(String),
    /// Models whose folded model name is this, of any vendor.
    ModelName(String),
    Sku(String),
    /// Folded text the search key contains, at most `limit` entries.
    Search {
        text: String,
        limit: i64,
    },
}

const ENTRY_COLUMNS: &str = "seq, cert_id, vendor, model, firmware, category, level, provisional, \
     framework, lab_accreditation, lab_name_zh, lab_name_en, signing_key_id, issued, valid_until, \
     name_zh, name_en, results_sha256, added_at, added_by";

impl Store {
    /// Open (creating a SQLite file when needed) and migrate.
    pub fn open(url: &str) -> Result<Store> {
        let shown = redact(url);
        let conn = if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(Error::Usage(format!(
                    "`{url}`: give a file, e.g. sqlite:catalog.db"
                )));
            }
            let c = rusqlite::Connection::open(path).map_err(|e| Error::Catalog {
                db: shown.clone(),
                message: format!("cannot open: {e}"),
            })?;
            c.busy_timeout(std::time::Duration::from_secs(10))
                .and_then(|()| c.execute_batch("PRAGMA foreign_keys = ON;"))
                .map_err(|e| Error::Catalog {
                    db: shown.clone(),
                    message: e.to_string(),
                })?;
            Conn::Sqlite(c)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut config: postgres::Config = url
                .parse()
                .map_err(|e| Error::Usage(format!("`{shown}` is not a PostgreSQL URL: {e}")))?;
            if config.get_connect_timeout().is_none() {
                config.connect_timeout(std::time::Duration::from_secs(10));
            }
            let client = config
                .connect(postgres::NoTls)
                .map_err(|e| Error::Catalog {
                    db: shown.clone(),
                    message: format!("cannot connect: {}", crate::error::chain(&e)),
                })?;
            Conn::Postgres(Box::new(client))
        } else {
            return Err(Error::Usage(format!(
                "`{shown}`: the catalogue is `sqlite:PATH` or `postgres://USER@HOST:PORT/DB`"
            )));
        };
        let mut store = Store { conn, shown };
        store.migrate()?;
        Ok(store)
    }

    /// The database as it may be printed.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    pub fn backend(&self) -> &'static str {
        match self.conn {
            Conn::Sqlite(_) => "sqlite",
            Conn::Postgres(_) => "postgres",
        }
    }

    fn err(&self, sql: &str, e: impl std::fmt::Display) -> Error {
        let first = sql.split_whitespace().take(4).collect::<Vec<_>>().join(" ");
        Error::Catalog {
            db: self.shown.clone(),
            message: format!("{e} (in `{first} …`)"),
        }
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        let r = match &mut self.conn {
            Conn::Sqlite(c) => c.execute_batch(sql).map_err(|e| e.to_string()),
            Conn::Postgres(c) => c.batch_execute(sql).map_err(|e| crate::error::chain(&e)),
        };
        r.map_err(|e| self.err(sql, e))
    }

    /// Run a statement with `$1`, `$2`… parameters; returns the rows changed.
    pub fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64> {
        let r = match &mut self.conn {
            Conn::Sqlite(c) => c
                .execute(
                    &sqlite_sql(sql),
                    rusqlite::params_from_iter(params.iter().map(to_sqlite)),
                )
                .map(|n| n as u64)
                .map_err(|e| e.to_string()),
            Conn::Postgres(c) => {
                let owned = to_postgres(params);
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    owned.iter().map(|b| b.as_ref()).collect();
                c.execute(sql, &refs).map_err(|e| crate::error::chain(&e))
            }
        };
        r.map_err(|e| self.err(sql, e))
    }

    /// Rows of a query with `$1`, `$2`… parameters.
    pub fn query(&mut self, sql: &str, params: &[Val]) -> Result<Vec<Vec<Val>>> {
        let r = match &mut self.conn {
            Conn::Sqlite(c) => sqlite_query(c, &sqlite_sql(sql), params),
            Conn::Postgres(c) => {
                let owned = to_postgres(params);
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    owned.iter().map(|b| b.as_ref()).collect();
                c.query(sql, &refs)
                    .map_err(|e| crate::error::chain(&e))
                    .and_then(|rows| rows.iter().map(postgres_row).collect())
            }
        };
        r.map_err(|e| self.err(sql, e))
    }

    /// Run `f` in a transaction: committed when it returns `Ok`, rolled back otherwise.
    /// Every transaction here writes, so it holds the write lock from its first statement:
    /// on SQLite `BEGIN IMMEDIATE` (a deferred one that read first could not upgrade while
    /// another writer waits, and would fail at once instead of waiting its turn); on
    /// PostgreSQL an advisory lock, since sequence numbers are the previous maximum plus one
    /// and two writers must not read the same maximum.
    pub fn transaction<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        let begun = match self.conn {
            Conn::Sqlite(_) => self.batch("BEGIN IMMEDIATE"),
            Conn::Postgres(_) => self.batch("BEGIN; SELECT pg_advisory_xact_lock(17714)"),
        };
        if let Err(e) = begun {
            // A lock that could not be had leaves PostgreSQL's transaction open and aborted.
            let _ = self.batch("ROLLBACK");
            return Err(e);
        }
        match f(self) {
            Ok(v) => {
                self.batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.batch("ROLLBACK");
                Err(e)
            }
        }
    }

    fn migrate(&mut self) -> Result<()> {
        let newest = MIGRATIONS.last().map_or(0, |m| m.0);
        let check = |s: &Store, applied: &BTreeSet<i64>| match applied.last() {
            Some(v) if *v > newest => Err(Error::Catalog {
                db: s.shown.clone(),
                message: format!(
                    "its schema is at version {v}, newer than this ailevel knows ({newest}): use a newer ailevel"
                ),
            }),
            _ => Ok(()),
        };
        // A catalogue already up to date is only read: it may be a read-only file, and
        // readers need not queue behind writers.
        let versions = |s: &mut Store| -> Result<BTreeSet<i64>> {
            Ok(s.query("SELECT version FROM schema_migrations", &[])?
                .iter()
                .map(|r| r[0].int())
                .collect())
        };
        if let Ok(applied) = versions(self) {
            check(self, &applied)?;
            if MIGRATIONS.iter().all(|m| applied.contains(&m.0)) {
                return Ok(());
            }
        }
        // Under the write lock: of two processes opening a new catalogue at once, one
        // migrates and the other waits, then finds nothing to do.
        self.transaction(|s| {
            s.batch(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
            )?;
            let applied = versions(s)?;
            check(s, &applied)?;
            for (version, sqlite, postgres) in MIGRATIONS {
                if applied.contains(version) {
                    continue;
                }
                let sql = match s.conn {
                    Conn::Sqlite(_) => sqlite,
                    Conn::Postgres(_) => postgres,
                };
                s.batch(sql)?;
                s.exec(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                    &[Val::Int(*version), Val::Text(now())],
                )?;
            }
            Ok(())
        })
    }

    /// The schema versions applied, oldest first.
    pub fn schema_versions(&mut self) -> Result<Vec<i64>> {
        Ok(self
            .query(
                "SELECT version FROM schema_migrations ORDER BY version",
                &[],
            )?
            .iter()
            .map(|r| r[0].int())
            .collect())
    }

    /// Trust a lab's public key; `false` when it was trusted already.
    pub fn trust(&mut self, key_id: &str, pem: &str, note: Option<&String>) -> Result<bool> {
        let known = self.query(
            "SELECT key_id FROM trusted_keys WHERE key_id = $1",
            &[key_id.into()],
        )?;
        if !known.is_empty() {
            return Ok(false);
        }
        self.exec(
            "INSERT INTO trusted_keys (key_id, public_pem, note, added_at) VALUES ($1, $2, $3, $4)",
            &[key_id.into(), pem.into(), note.into(), Val::Text(now())],
        )?;
        Ok(true)
    }

    /// The trusted keys' PEM texts with their ids.
    pub fn trusted_keys(&mut self) -> Result<Vec<(String, String)>> {
        Ok(self
            .query(
                "SELECT key_id, public_pem FROM trusted_keys ORDER BY key_id",
                &[],
            )?
            .into_iter()
            .map(|r| {
                (
                    r[0].text().unwrap_or_default(),
                    r[1].text().unwrap_or_default(),
                )
            })
            .collect())
    }

    /// Insert a verified entry with its SKUs and an `added` event. An id already present is
    /// refused: a certificate is added once.
    pub fn add(&mut self, new: &NewEntry) -> Result<i64> {
        let e = &new.entry;
        self.transaction(|s| {
            // Checked under the write lock: two counters adding one certificate at once
            // get one entry and one refusal.
            if !s
                .query(
                    "SELECT cert_id FROM entries WHERE cert_id = $1",
                    &[(&e.cert_id).into()],
                )?
                .is_empty()
            {
                return Err(Error::Usage(format!(
                    "certificate {} is already in the catalogue; an entry is never replaced",
                    e.cert_id
                )));
            }
            let seq = s.query("SELECT COALESCE(MAX(seq), 0) + 1 FROM entries", &[])?[0][0].int();
            s.exec(
                &format!(
                    "INSERT INTO entries ({ENTRY_COLUMNS}, model_key, search_key, envelope, results) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
                     $17, $18, $19, $20, $21, $22, $23, $24)"
                ),
                &[
                    Val::Int(seq),
                    (&e.cert_id).into(),
                    (&e.vendor).into(),
                    (&e.model).into(),
                    (&e.firmware).into(),
                    (&e.category).into(),
                    e.level.as_ref().into(),
                    Val::Int(i64::from(e.provisional)),
                    (&e.framework).into(),
                    (&e.lab_accreditation).into(),
                    (&e.lab_name_zh).into(),
                    (&e.lab_name_en).into(),
                    (&e.signing_key_id).into(),
                    (&e.issued).into(),
                    e.valid_until.as_ref().into(),
                    e.name_zh.as_ref().into(),
                    e.name_en.as_ref().into(),
                    (&e.results_sha256).into(),
                    (&e.added_at).into(),
                    e.added_by.as_ref().into(),
                    Val::Text(e.model_key()),
                    Val::Text(e.search_key()),
                    (&new.envelope).into(),
                    (&new.results).into(),
                ],
            )?;
            let mut seen = BTreeSet::new();
            for sku in &e.skus {
                if seen.insert(sku.clone()) {
                    s.exec(
                        "INSERT INTO skus (cert_id, sku, sku_key) VALUES ($1, $2, $3)",
                        &[(&e.cert_id).into(), sku.into(), Val::Text(key(sku))],
                    )?;
                }
            }
            s.event(&e.cert_id, "added", None, None, e.added_by.as_ref())?;
            Ok(seq)
        })
    }

    /// Append an event to an entry's history.
    fn event(
        &mut self,
        cert_id: &str,
        kind: &str,
        date: Option<&String>,
        reason: Option<&String>,
        actor: Option<&String>,
    ) -> Result<()> {
        let seq = self.query("SELECT COALESCE(MAX(seq), 0) + 1 FROM events", &[])?[0][0].int();
        self.exec(
            "INSERT INTO events (seq, cert_id, at, kind, date, reason, actor) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                Val::Int(seq),
                cert_id.into(),
                Val::Text(now()),
                kind.into(),
                date.into(),
                reason.into(),
                actor.into(),
            ],
        )?;
        Ok(())
    }

    /// Revoke a certificate from `date` (`YYYY-MM-DD`) with a reason. A certificate already
    /// revoked is refused: the first revocation stands.
    pub fn revoke(
        &mut self,
        cert_id: &str,
        date: &str,
        reason: &str,
        actor: Option<&String>,
    ) -> Result<()> {
        self.transaction(|s| {
            // Under the write lock, so of two revocations at once the second sees the first.
            let found = s.load(&Filter::Cert(cert_id.to_string()))?;
            let Some(e) = found.first() else {
                return Err(Error::Usage(format!(
                    "certificate {cert_id} is not in the catalogue"
                )));
            };
            if let Some(r) = e.events.iter().find(|ev| ev.kind == "revoked") {
                return Err(Error::Usage(format!(
                    "certificate {cert_id} was already revoked from {} ({})",
                    r.date.as_deref().unwrap_or("?"),
                    r.reason.as_deref().unwrap_or("")
                )));
            }
            s.event(
                cert_id,
                "revoked",
                Some(&date.to_string()),
                Some(&reason.to_string()),
                actor,
            )
        })
    }

    /// Entries matching `filter`, oldest first, with their SKUs and events.
    pub fn load(&mut self, filter: &Filter) -> Result<Vec<Entry>> {
        let (cond, params, limit): (&str, Vec<Val>, Option<i64>) = match filter {
            Filter::All => ("1 = 1", vec![], None),
            Filter::Cert(id) => ("cert_id = $1", vec![id.into()], None),
            Filter::Model(k) => ("model_key = $1", vec![k.into()], None),
            Filter::ModelName(m) => (
                "model_key LIKE $1 ESCAPE '\\'",
                vec![Val::Text(format!("%\n{}", like_escape(m)))],
                None,
            ),
            Filter::Sku(s) => (
                "cert_id IN (SELECT cert_id FROM skus WHERE sku_key = $1)",
                vec![Val::Text(key(s))],
                None,
            ),
            Filter::Search { text, limit } => {
                let folded = key(text);
                // SQLite's FTS5 trigram index answers a substring of three characters or
                // more; PostgreSQL's pg_trgm index serves the LIKE itself.
                if matches!(self.conn, Conn::Sqlite(_)) && folded.chars().count() >= TRIGRAM {
                    (
                        "seq IN (SELECT rowid FROM entries_search WHERE entries_search MATCH $1)",
                        vec![Val::Text(fts_phrase(&folded))],
                        Some(*limit),
                    )
                } else {
                    (
                        "search_key LIKE $1 ESCAPE '\\'",
                        vec![Val::Text(format!("%{}%", like_escape(&folded)))],
                        Some(*limit),
                    )
                }
            }
        };
        let limit = limit.map_or(String::new(), |n| format!(" LIMIT {n}"));
        let rows = self.query(
            &format!("SELECT {ENTRY_COLUMNS} FROM entries WHERE {cond} ORDER BY seq{limit}"),
            &params,
        )?;
        let mut entries: Vec<Entry> = rows.iter().map(|r| entry_of(r)).collect();
        if entries.is_empty() {
            return Ok(entries);
        }
        // SKUs and events of the entries loaded: all of them for a whole export, else by id.
        let ids: Vec<Val> = entries.iter().map(|e| (&e.cert_id).into()).collect();
        let (sku_rows, event_rows) = if matches!(filter, Filter::All) {
            (
                self.query("SELECT cert_id, sku FROM skus ORDER BY cert_id, sku", &[])?,
                self.query(
                    "SELECT cert_id, seq, at, kind, date, reason, actor FROM events ORDER BY seq",
                    &[],
                )?,
            )
        } else {
            let mut skus = Vec::new();
            let mut events = Vec::new();
            for chunk in ids.chunks(200) {
                let marks = (1..=chunk.len())
                    .map(|i| format!("${i}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                skus.extend(self.query(
                    &format!("SELECT cert_id, sku FROM skus WHERE cert_id IN ({marks}) ORDER BY cert_id, sku"),
                    chunk,
                )?);
                events.extend(self.query(
                    &format!("SELECT cert_id, seq, at, kind, date, reason, actor FROM events WHERE cert_id IN ({marks}) ORDER BY seq"),
                    chunk,
                )?);
            }
            (skus, events)
        };
        let by_id: std::collections::HashMap<String, usize> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.cert_id.clone(), i))
            .collect();
        for r in sku_rows {
            if let Some(i) = by_id.get(&r[0].text().unwrap_or_default()) {
                entries[*i].skus.push(r[1].text().unwrap_or_default());
            }
        }
        for r in event_rows {
            if let Some(i) = by_id.get(&r[0].text().unwrap_or_default()) {
                entries[*i].events.push(Event {
                    seq: r[1].int(),
                    at: r[2].text().unwrap_or_default(),
                    kind: r[3].text().unwrap_or_default(),
                    date: r[4].text(),
                    reason: r[5].text(),
                    actor: r[6].text(),
                });
            }
        }
        Ok(entries)
    }

    /// Every entry of the models of `entries` (for their states).
    pub fn siblings(&mut self, entries: &[Entry]) -> Result<Vec<Entry>> {
        let keys: BTreeSet<String> = entries.iter().map(Entry::model_key).collect();
        let mut out = Vec::new();
        for k in keys {
            out.extend(self.load(&Filter::Model(k))?);
        }
        Ok(out)
    }

    /// The stored envelope and results file of a certificate.
    pub fn documents(&mut self, cert_id: &str) -> Result<Option<(String, String)>> {
        Ok(self
            .query(
                "SELECT envelope, results FROM entries WHERE cert_id = $1",
                &[cert_id.into()],
            )?
            .first()
            .map(|r| {
                (
                    r[0].text().unwrap_or_default(),
                    r[1].text().unwrap_or_default(),
                )
            }))
    }

    /// The entry whose results file hashes to `sha256`, if any.
    pub fn by_digest(&mut self, sha256: &str) -> Result<Option<String>> {
        Ok(self
            .query(
                "SELECT cert_id FROM entries WHERE results_sha256 = $1 ORDER BY seq",
                &[sha256.into()],
            )?
            .first()
            .and_then(|r| r[0].text()))
    }

    pub fn count(&mut self) -> Result<i64> {
        Ok(self.query("SELECT COUNT(*) FROM entries", &[])?[0][0].int())
    }
}

/// The entries `filter` selects, with their states on `date`.
pub fn listed(store: &mut Store, filter: &Filter, date: chrono::NaiveDate) -> Result<Vec<Listed>> {
    let entries = store.load(filter)?;
    let siblings = store.siblings(&entries)?;
    Ok(with_states(entries, &siblings, date))
}

fn entry_of(r: &[Val]) -> Entry {
    let t = |i: usize| r[i].text().unwrap_or_default();
    Entry {
        seq: r[0].int(),
        cert_id: t(1),
        vendor: t(2),
        model: t(3),
        firmware: t(4),
        category: t(5),
        level: r[6].text(),
        provisional: r[7].int() != 0,
        framework: t(8),
        lab_accreditation: t(9),
        lab_name_zh: t(10),
        lab_name_en: t(11),
        signing_key_id: t(12),
        issued: t(13),
        valid_until: r[14].text(),
        name_zh: r[15].text(),
        name_en: r[16].text(),
        skus: Vec::new(),
        results_sha256: t(17),
        added_at: t(18),
        added_by: r[19].text(),
        events: Vec::new(),
    }
}

/// `%`, `_` and the escape itself, escaped for `LIKE … ESCAPE '\'`.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `text` as one FTS5 phrase: quoted, its quotes doubled, so no character is query syntax.
fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// `$1` → `?1`: SQLite's numbered parameters, so one SQL text serves both.
fn sqlite_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

fn to_sqlite(v: &Val) -> rusqlite::types::Value {
    match v {
        Val::Null => rusqlite::types::Value::Null,
        Val::Int(i) => rusqlite::types::Value::Integer(*i),
        Val::Text(s) => rusqlite::types::Value::Text(s.clone()),
    }
}

fn sqlite_query(
    c: &rusqlite::Connection,
    sql: &str,
    params: &[Val],
) -> std::result::Result<Vec<Vec<Val>>, String> {
    let mut stmt = c.prepare_cached(sql).map_err(|e| e.to_string())?;
    let n = stmt.column_count();
    let mut rows = stmt
        .query(rusqlite::params_from_iter(params.iter().map(to_sqlite)))
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(|e| e.to_string())? {
        let mut vals = Vec::with_capacity(n);
        for i in 0..n {
            vals.push(
                match row
                    .get::<_, rusqlite::types::Value>(i)
                    .map_err(|e| e.to_string())?
                {
                    rusqlite::types::Value::Integer(i) => Val::Int(i),
                    rusqlite::types::Value::Text(s) => Val::Text(s),
                    rusqlite::types::Value::Real(f) => Val::Text(f.to_string()),
                    rusqlite::types::Value::Null | rusqlite::types::Value::Blob(_) => Val::Null,
                },
            );
        }
        out.push(vals);
    }
    Ok(out)
}

fn to_postgres(params: &[Val]) -> Vec<Box<dyn postgres::types::ToSql + Sync>> {
    params
        .iter()
        .map(|v| -> Box<dyn postgres::types::ToSql + Sync> {
            match v {
                Val::Null => Box::new(None::<String>),
                Val::Int(i) => Box::new(*i),
                Val::Text(s) => Box::new(s.clone()),
            }
        })
        .collect()
}

fn postgres_row(row: &postgres::Row) -> std::result::Result<Vec<Val>, String> {
    use postgres::types::Type;
    (0..row.len())
        .map(|i| {
            let ty = row.columns()[i].type_();
            let v = if *ty == Type::INT8 {
                row.try_get::<_, Option<i64>>(i).map(|v| v.map(Val::Int))
            } else if *ty == Type::INT4 {
                row.try_get::<_, Option<i32>>(i)
                    .map(|v| v.map(|x| Val::Int(i64::from(x))))
            } else {
                row.try_get::<_, Option<String>>(i)
                    .map(|v| v.map(Val::Text))
            };
            v.map(|v| v.unwrap_or(Val::Null))
                .map_err(|e| crate::error::chain(&e))
        })
        .collect()
}

/// The URL without its password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_and_urls_are_rewritten_as_each_backend_needs() {
        assert_eq!(
            sqlite_sql("SELECT '$x' WHERE a = $1 AND b = $12"),
            "SELECT '$x' WHERE a = ?1 AND b = ?12"
        );
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/cat"),
            "postgres://app:***@db:5432/cat"
        );
        assert_eq!(redact("postgres://app@db/cat"), "postgres://app@db/cat");
        assert_eq!(like_escape("50%_a\\"), "50\\%\\_a\\\\");
    }

    #[test]
    fn the_search_index_is_built_for_entries_added_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("c.db").display());
        let mut s = Store::open(&url).unwrap();
        let mut e = super::super::entry::tests::entry(0, "OLD-1", "1.0", "2026-06-01");
        e.name_zh = Some("旧款手机".into());
        s.add(&NewEntry {
            entry: e,
            envelope: "{}".into(),
            results: "{}".into(),
        })
        .unwrap();
        // The catalogue as migration 1 left it: entries, no index.
        s.batch(
            "DROP TRIGGER entries_search_insert; DROP TABLE entries_search; \
             DELETE FROM schema_migrations WHERE version = 2",
        )
        .unwrap();
        drop(s);
        let mut s = Store::open(&url).unwrap();
        assert_eq!(s.schema_versions().unwrap(), vec![1, 2]);
        let found = s
            .load(&Filter::Search {
                text: "款手机".into(),
                limit: 10,
            })
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].cert_id, "OLD-1");
    }

    #[test]
    fn a_newer_schema_is_refused_and_bad_urls_say_what_is_expected() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("c.db").display());
        let mut s = Store::open(&url).unwrap();
        assert_eq!(s.schema_versions().unwrap(), vec![1, 2]);
        s.exec(
            "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
            &[Val::Int(99), "x".into()],
        )
        .unwrap();
        drop(s);
        let err = Store::open(&url).err().unwrap().to_string();
        assert!(err.contains("version 99"), "{err}");
        assert!(matches!(Store::open("mysql://x"), Err(Error::Usage(_))));
        assert!(matches!(Store::open("sqlite:"), Err(Error::Usage(_))));
    }
}
