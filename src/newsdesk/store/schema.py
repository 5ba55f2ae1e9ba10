"""The core tables: raw inputs, articles (with FTS5), annotations, entities, runs.

Stage-specific state (the dedup LSH index, story centroids) lives in the stages'
own namespaces; see ``newsdesk.dedup.index`` and ``newsdesk.stories.schema``.
"""

from newsdesk.store.migrations import register

CORE_V1 = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL DEFAULT 'running',   -- running, done, failed
    args TEXT,                                -- JSON: paths and options
    files_read INTEGER NOT NULL DEFAULT 0,
    articles_added INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE skips (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    source TEXT NOT NULL,
    reason TEXT NOT NULL
);
-- Every input document as read, zlib-compressed, keyed by the hash of its bytes
-- and of the options that shape its reading, so re-ingesting adds nothing.
CREATE TABLE raw (
    hash TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL,
    added_run INTEGER REFERENCES runs(id)
);
CREATE TABLE articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    raw_hash TEXT REFERENCES raw(hash),
    source TEXT NOT NULL,
    input_id TEXT,
    url TEXT,
    title TEXT,
    subtitle TEXT,
    published TEXT,
    published_precision TEXT,
    published_sort TEXT,            -- published, or '' when unknown (for ordering)
    authors TEXT NOT NULL DEFAULT '[]',
    agencies TEXT NOT NULL DEFAULT '[]',
    publisher TEXT,
    aggregator TEXT,
    language TEXT,
    text TEXT NOT NULL,
    duplicate_of TEXT,
    story_id TEXT,
    removed TEXT NOT NULL DEFAULT '[]',     -- JSON [{text, reason}]
    offset_map TEXT NOT NULL DEFAULT '[]',  -- JSON [[clean_start, raw_start, length]]
    similarity TEXT,                        -- JSON {other_id: score}, optional
    run_id INTEGER REFERENCES runs(id)
);
CREATE INDEX articles_published ON articles(published_sort);
CREATE INDEX articles_publisher ON articles(publisher);
CREATE INDEX articles_story ON articles(story_id);
CREATE INDEX articles_duplicate ON articles(duplicate_of);
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='rowid', tokenize='porter unicode61'
);
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;

CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    article_count INTEGER NOT NULL DEFAULT 0,
    mention_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX entities_name ON entities(name);
CREATE TABLE mentions (
    article_id TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    type TEXT NOT NULL,
    cluster INTEGER NOT NULL,
    entity_id TEXT REFERENCES entities(id)
);
CREATE INDEX mentions_article ON mentions(article_id);
CREATE INDEX mentions_entity ON mentions(entity_id);

-- The same words from the same speaker in several articles are one statement.
CREATE TABLE statements (
    id TEXT PRIMARY KEY,
    speaker TEXT,
    speaker_entity_id TEXT,
    text TEXT NOT NULL,
    first_published TEXT,
    quote_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE quotes (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    speaker TEXT,
    speaker_entity_id TEXT,
    speaker_mention TEXT,
    speaker_start INTEGER,
    speaker_end INTEGER,
    cue TEXT,
    medium TEXT,
    statement_id TEXT
);
CREATE INDEX quotes_article ON quotes(article_id);
CREATE INDEX quotes_speaker ON quotes(speaker_entity_id);
CREATE INDEX quotes_statement ON quotes(statement_id);
CREATE TABLE timexes (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    type TEXT NOT NULL,
    value TEXT NOT NULL
);
CREATE INDEX timexes_article ON timexes(article_id);
-- Timeline entries: a sentence with a normalised date.
CREATE TABLE events (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    date TEXT NOT NULL,            -- TIMEX3 value: 2025-04-07, 2025-03, 2025-W14
    precision TEXT NOT NULL,       -- day, week, month, quarter, season, year
    sort_date TEXT NOT NULL,       -- first day of the period, for ordering
    start INTEGER NOT NULL,        -- the sentence's offsets in the article text
    end INTEGER NOT NULL,
    what TEXT NOT NULL,
    who TEXT,                      -- JSON list of entity names
    quote_id TEXT,
    timex_id TEXT
);
CREATE INDEX events_article ON events(article_id);
CREATE INDEX events_sort ON events(sort_date);
"""

# V2: indexes the web pages need (an outlet's articles by date; quotes by speaker name).
CORE_V2 = """
CREATE INDEX articles_publisher_published ON articles(publisher, published_sort);
CREATE INDEX quotes_speaker_name ON quotes(speaker);
"""

register("core", [CORE_V1, CORE_V2])
