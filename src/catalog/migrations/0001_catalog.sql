-- The catalogue's first schema. Portable SQL: SQLite and PostgreSQL run these statements
-- as they are. Integers are BIGINT (INTEGER affinity in SQLite), flags are 0/1, dates and
-- times are ISO 8601 text, sequence numbers are assigned by the statements that insert.

CREATE TABLE trusted_keys (
    key_id TEXT PRIMARY KEY,
    public_pem TEXT NOT NULL,
    note TEXT,
    added_at TEXT NOT NULL
);

CREATE TABLE entries (
    cert_id TEXT PRIMARY KEY,
    seq BIGINT NOT NULL UNIQUE,
    vendor TEXT NOT NULL,
    model TEXT NOT NULL,
    firmware TEXT NOT NULL,
    category TEXT NOT NULL,
    level TEXT,
    provisional BIGINT NOT NULL,
    framework TEXT NOT NULL,
    lab_accreditation TEXT NOT NULL,
    lab_name_zh TEXT NOT NULL,
    lab_name_en TEXT NOT NULL,
    signing_key_id TEXT NOT NULL,
    issued TEXT NOT NULL,
    valid_until TEXT,
    name_zh TEXT,
    name_en TEXT,
    results_sha256 TEXT NOT NULL,
    model_key TEXT NOT NULL,
    search_key TEXT NOT NULL,
    added_at TEXT NOT NULL,
    added_by TEXT,
    envelope TEXT NOT NULL,
    results TEXT NOT NULL
);

CREATE INDEX entries_model_key ON entries (model_key);

CREATE TABLE skus (
    cert_id TEXT NOT NULL REFERENCES entries (cert_id),
    sku TEXT NOT NULL,
    sku_key TEXT NOT NULL,
    PRIMARY KEY (cert_id, sku)
);

CREATE INDEX skus_sku_key ON skus (sku_key);

CREATE TABLE events (
    seq BIGINT PRIMARY KEY,
    cert_id TEXT NOT NULL REFERENCES entries (cert_id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    date TEXT,
    reason TEXT,
    actor TEXT
);

CREATE INDEX events_cert_id ON events (cert_id);
