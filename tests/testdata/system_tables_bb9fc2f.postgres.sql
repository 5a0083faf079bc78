-- sluice's own tables, in schema public
CREATE SCHEMA IF NOT EXISTS "public";
CREATE TABLE IF NOT EXISTS "public"."sluice_load_history" (
  path text NOT NULL,        -- the file as given to sluice load
  checksum text NOT NULL,    -- XXH3-128 of the uncompressed content
  event_type text NOT NULL,
  rows bigint NOT NULL,
  errors bigint NOT NULL,
  loaded_at timestamp NOT NULL,
  landed_as text NOT NULL,   -- the permanent copy in the landing zone
  PRIMARY KEY (event_type, landed_as)
);
CREATE INDEX IF NOT EXISTS sluice_load_history_by_content ON "public"."sluice_load_history" (event_type, checksum);
CREATE TABLE IF NOT EXISTS "public"."sluice_load_errors" (
  event_type text NOT NULL,
  file text NOT NULL,        -- the file as given to sluice load
  line bigint NOT NULL,
  landed_as text,            -- its permanent copy in the landing zone
  error text NOT NULL,
  raw text,
  at timestamp NOT NULL
);
CREATE TABLE IF NOT EXISTS "public"."sluice_merge_errors" (
  event_type text NOT NULL,
  seq bigint NOT NULL,
  item_index bigint,         -- element of the flattened array; NULL without flatten
  column_name text NOT NULL,
  value text,
  error text NOT NULL,
  at timestamp NOT NULL
);
CREATE TABLE IF NOT EXISTS "public"."sluice_streams" (
  staging_table text PRIMARY KEY,
  event_type text NOT NULL,
  position bigint NOT NULL DEFAULT 0,  -- seq of the last merged staging row
  merged_at timestamp
);
CREATE TABLE IF NOT EXISTS "public"."sluice_columns" (  -- the catalog as last applied
  table_name text NOT NULL,
  column_name text NOT NULL,
  type text NOT NULL,
  key_position integer,      -- 1-based position in the primary key; NULL if not a key column
  PRIMARY KEY (table_name, column_name)
);
CREATE TABLE IF NOT EXISTS "public"."sluice_task_runs" (  -- every finished run of a task, and every skipped fire
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task text NOT NULL,
  scheduled_for timestamp NOT NULL,  -- the fire time (or when `sluice tasks run` asked)
  started timestamp,                 -- NULL for a skipped fire
  finished timestamp,
  status text NOT NULL,              -- succeeded, failed or skipped
  rows bigint,                       -- rows the task changed
  error text,
  attempts integer NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS sluice_task_runs_by_task ON "public"."sluice_task_runs" (task, id);
CREATE TABLE IF NOT EXISTS "public"."sluice_task_state" (  -- what `sluice tasks suspend|resume` persisted
  task text PRIMARY KEY,
  suspended integer NOT NULL DEFAULT 0,
  changed_at timestamp
);
CREATE TABLE IF NOT EXISTS "public"."sluice_exceptions" (  -- corrected copies of events (sluice exceptions add)
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_type text NOT NULL,
  event_id text NOT NULL,       -- the values of the event's id: paths (one, or a JSON array)
  payload jsonb NOT NULL,       -- the corrected event, which replaces every delivery of the id
  arrived_after bigint,       -- a backfill (its event was never delivered) arrives after this staging seq
  reason text NOT NULL,
  added_by text NOT NULL,
  added_at timestamp NOT NULL,
  removed_by text,              -- NULL while in force
  removed_at timestamp,
  removed_reason text
);
CREATE INDEX IF NOT EXISTS sluice_exceptions_by_event ON "public"."sluice_exceptions" (event_type, event_id);
CREATE TABLE IF NOT EXISTS "public"."sluice_exclusions" (  -- events removed from the final tables (sluice exclusions add)
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_type text NOT NULL,
  event_id text NOT NULL,
  seq bigint,                 -- one delivery only (staging seq), as dedupe excludes; NULL: every delivery
  delivery text,              -- that delivery's landed file and line, LANDED_AS:LINE
  reason text NOT NULL,
  added_by text NOT NULL,
  added_at timestamp NOT NULL,
  removed_by text,              -- NULL while in force
  removed_at timestamp,
  removed_reason text
);
CREATE INDEX IF NOT EXISTS sluice_exclusions_by_event ON "public"."sluice_exclusions" (event_type, event_id);
CREATE TABLE IF NOT EXISTS "public"."sluice_corrections_pending" (  -- ids whose corrections changed since the last merge
  change bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_type text NOT NULL,
  event_id text NOT NULL
);
CREATE TABLE IF NOT EXISTS "public"."sluice_load_error_fixes" (  -- lines that failed to load, fixed (sluice load-errors import)
  event_type text NOT NULL,
  landed_as text NOT NULL,      -- the line's landed file and line number, as in sluice_load_errors
  line bigint NOT NULL,
  payload text NOT NULL,        -- the fixed line
  imported_by text NOT NULL,
  imported_at timestamp NOT NULL,
  replayed_at timestamp         -- NULL until sluice replay --load-errors loads it
);
