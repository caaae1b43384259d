-- Spotter's first PostgreSQL schema: people, diary entries (every version kept), saved checks.
-- Released migrations are never edited; a change of schema is a new numbered file.

CREATE TABLE person (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- TRUE for the one person of local use (made on first use), NULL for every other person.
    local       BOOLEAN CONSTRAINT person_local_unique UNIQUE CONSTRAINT person_local_check CHECK (local),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE diary_entry (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES person (id),
    entry_date   DATE NOT NULL,
    pain_now     INTEGER NOT NULL CONSTRAINT diary_entry_pain_now_check CHECK (pain_now BETWEEN 0 AND 10),
    trained      BOOLEAN NOT NULL,
    -- The entry JSON of spec/memory.md, as the diary writes it (kept as text, byte for byte).
    doc          TEXT NOT NULL CONSTRAINT diary_entry_doc_check CHECK (jsonb_typeof(doc::jsonb) = 'object'),
    recorded_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The version this one replaced, and when a later version replaced this one (NULL: current).
    replaces     BIGINT REFERENCES diary_entry (id),
    replaced_at  TIMESTAMPTZ
);

-- One current entry per person and date; replaced versions are history.
CREATE UNIQUE INDEX diary_entry_one_per_date ON diary_entry (person_id, entry_date) WHERE replaced_at IS NULL;
CREATE INDEX diary_entry_versions ON diary_entry (person_id, entry_date, id);

CREATE TABLE triage_check (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id    BIGINT NOT NULL REFERENCES person (id),
    check_date   DATE NOT NULL,
    answers      TEXT NOT NULL CONSTRAINT triage_check_answers_check CHECK (jsonb_typeof(answers::jsonb) = 'object'),
    tier         TEXT NOT NULL CONSTRAINT triage_check_tier_check CHECK (tier IN ('emergency', 'urgent', 'see_professional', 'self_care')),
    -- The result document shown when the check was saved (the triage JSON), if given.
    result       TEXT CONSTRAINT triage_check_result_check CHECK (result IS NULL OR result::jsonb IS NOT NULL),
    recorded_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX triage_check_by_date ON triage_check (person_id, check_date, id);
