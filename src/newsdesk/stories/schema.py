"""Tables of the ``stories`` stage (namespace ``stories``).

``stories`` holds one row per story in the shape of the CONTRACT.md ``story`` record
(lists as JSON); ``articles.story_id`` (core) says which articles are in it.
``story_state`` holds what online clustering needs to resume (centroid, window);
``story_log`` records creations, merges and splits so that ids stay traceable.
"""

from newsdesk.store.migrations import register

STORIES_V1 = """
CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    title TEXT,
    summary TEXT,                   -- short extractive summary
    first_published TEXT,
    last_published TEXT,
    publishers TEXT NOT NULL DEFAULT '[]',           -- JSON list of outlets
    independent_sources TEXT NOT NULL DEFAULT '[]',  -- JSON list: outlets with their own article
    article_count INTEGER NOT NULL DEFAULT 0,
    copy_count INTEGER NOT NULL DEFAULT 0,
    entities TEXT NOT NULL DEFAULT '[]',             -- JSON [{id, name, type, count}]
    merged_into TEXT,                                -- set when this story was merged away
    created_run INTEGER,
    updated_run INTEGER
);
CREATE INDEX stories_last ON stories(last_published);
CREATE TABLE story_state (
    story_id TEXT PRIMARY KEY REFERENCES stories(id),
    state BLOB NOT NULL             -- the clusterer's own serialised state
);
CREATE TABLE story_log (
    id INTEGER PRIMARY KEY,
    story_id TEXT NOT NULL,
    action TEXT NOT NULL,           -- create, merge, split
    other_id TEXT,
    run_id INTEGER,
    at TEXT NOT NULL
);
"""

# V2: clusterer-wide state (the document frequencies behind the idf).
STORIES_V2 = """
CREATE TABLE story_meta (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
"""

register("stories", [STORIES_V1, STORIES_V2])
