-- A trigram index for the counter's substring search (PostgreSQL half of migration 2).
-- pg_trgm's GIN operator class serves `search_key LIKE '%…%'` as it is, so the query and
-- its results do not change; the index only spares the scan. pg_trgm is a trusted
-- extension (PostgreSQL 13 and later): the database's owner may create it.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX entries_search_trgm ON entries USING gin (search_key gin_trgm_ops);
