"""Tables of the ``stories`` stage (namespace ``stories``).

``stories`` holds one row per story in the shape of the CONTRACT.md ``story`` record
(lists as JSON); ``articles.story_id`` (core) says which articles are in it.
``story_state`` holds what online clustering needs to resume (centroid, window);
``story_log`` records creations, merges and splits so that ids stay traceable;
``story_entities`` tallies the entities over each story's members.
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

# V3: exact resume. ``last_day`` (day number of the story's last article, NULL when
# undated) selects the live window as the session does; ``story_members`` keeps each
# member's vector (top terms, float32) so the nearest-article maps survive a restart.
STORIES_V3 = """
ALTER TABLE story_state ADD COLUMN last_day REAL;
UPDATE story_state SET last_day = (
    SELECT julianday(substr(s.last_published, 1, 10)) - 2440587.5
    FROM stories s WHERE s.id = story_state.story_id
);
CREATE INDEX story_state_last ON story_state(last_day);
CREATE TABLE story_members (
    id INTEGER PRIMARY KEY,         -- insertion order: the most recent members come last
    article_id TEXT NOT NULL,
    story_id TEXT NOT NULL,
    vec BLOB NOT NULL               -- uint32 keys then float32 values
);
CREATE INDEX story_members_story ON story_members(story_id);
"""

# V4: a story's row must cost the same at 10 members as at 10,000. ``story_entities``
# tallies each entity over a story's members as articles arrive (moved on merges,
# recounted on splits); the covering index serves the story-rows query without
# reading article bodies.
STORIES_V4 = """
CREATE TABLE story_entities (
    story_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    articles INTEGER NOT NULL,      -- member articles that mention the entity
    mentions INTEGER NOT NULL,      -- its mentions over those articles
    PRIMARY KEY (story_id, entity_id)
) WITHOUT ROWID;
INSERT INTO story_entities (story_id, entity_id, articles, mentions)
SELECT a.story_id, m.entity_id, COUNT(DISTINCT m.article_id), COUNT(*)
FROM mentions m JOIN articles a ON a.id = m.article_id
WHERE a.story_id IS NOT NULL AND m.entity_id IS NOT NULL
GROUP BY a.story_id, m.entity_id;
CREATE INDEX articles_story_rows
    ON articles(story_id, published_sort, publisher, aggregator, duplicate_of, title);
"""

# V5: stories whose row lags their members (a large story's row is recomputed once it
# has grown by a sixteenth; see ``assign.ROW_REFRESH_GROWTH``), brought up to date at
# the end of each ingest run.
STORIES_V5 = """
CREATE TABLE story_stale (
    story_id TEXT PRIMARY KEY
) WITHOUT ROWID;
"""

register("stories", [STORIES_V1, STORIES_V2, STORIES_V3, STORIES_V4, STORIES_V5])
