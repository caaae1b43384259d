-- Spotter's first SQLite schema: people, diary entries (every version kept), saved checks.
-- Released migrations are never edited; a change of schema is a new numbered file.

CREATE TABLE person (
    id          INTEGER PRIMARY KEY,
    -- 1 for the one person of local use (made on first use), NULL for every other person.
    local       INTEGER UNIQUE CHECK (local = 1),
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE TABLE diary_entry (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES person (id),
    entry_date   TEXT NOT NULL CHECK (entry_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    pain_now     INTEGER NOT NULL CHECK (pain_now BETWEEN 0 AND 10),
    trained      INTEGER NOT NULL CHECK (trained IN (0, 1)),
    -- The entry JSON of spec/memory.md, as the diary writes it.
    doc          TEXT NOT NULL CHECK (json_valid(doc) AND json_type(doc) = 'object'),
    recorded_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    -- The version this one replaced, and when a later version replaced this one (NULL: current).
    replaces     INTEGER REFERENCES diary_entry (id),
    replaced_at  TEXT
) STRICT;

-- One current entry per person and date; replaced versions are history.
CREATE UNIQUE INDEX diary_entry_one_per_date ON diary_entry (person_id, entry_date) WHERE replaced_at IS NULL;
CREATE INDEX diary_entry_versions ON diary_entry (person_id, entry_date, id);

CREATE TABLE triage_check (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES person (id),
    check_date   TEXT NOT NULL CHECK (check_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    answers      TEXT NOT NULL CHECK (json_valid(answers) AND json_type(answers) = 'object'),
    tier         TEXT NOT NULL CHECK (tier IN ('emergency', 'urgent', 'see_professional', 'self_care')),
    -- The result document shown when the check was saved (the triage JSON), if given.
    result       TEXT CHECK (result IS NULL OR json_valid(result)),
    recorded_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX triage_check_by_date ON triage_check (person_id, check_date, id);
