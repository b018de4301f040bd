-- A trigram index for the counter's substring search (SQLite half of migration 2).
-- Contentless: it holds only the trigrams of `entries.search_key`, under the entry's `seq`
-- (not its rowid, which VACUUM may renumber in a table without an INTEGER PRIMARY KEY).
-- The search key is folded already (lower case, full-width folded, no whitespace), so the
-- tokenizer is case-sensitive: a match is exactly a substring of the key, as LIKE found.
-- Entries are never updated or deleted, so an insert trigger keeps it complete.

CREATE VIRTUAL TABLE entries_search USING fts5(
    search_key,
    content = '',
    tokenize = 'trigram case_sensitive 1'
);

INSERT INTO entries_search (rowid, search_key) SELECT seq, search_key FROM entries;

CREATE TRIGGER entries_search_insert AFTER INSERT ON entries
BEGIN
    INSERT INTO entries_search (rowid, search_key) VALUES (new.seq, new.search_key);
END;
