-- sluice's own tables
CREATE TABLE IF NOT EXISTS sluice_load_history (
  path TEXT NOT NULL,        -- the file as given to sluice load
  checksum TEXT NOT NULL,    -- XXH3-128 of the uncompressed content
  event_type TEXT NOT NULL,
  rows INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  loaded_at TEXT NOT NULL,
  landed_as TEXT NOT NULL,   -- the permanent copy in the landing zone
  PRIMARY KEY (event_type, landed_as)
);
CREATE INDEX IF NOT EXISTS sluice_load_history_by_content ON sluice_load_history (event_type, checksum);
CREATE TABLE IF NOT EXISTS sluice_load_errors (
  event_type TEXT NOT NULL,
  file TEXT NOT NULL,        -- the file as given to sluice load
  line INTEGER NOT NULL,
  landed_as TEXT,            -- its permanent copy in the landing zone
  error TEXT NOT NULL,
  raw TEXT,
  at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sluice_merge_errors (
  event_type TEXT NOT NULL,
  seq INTEGER NOT NULL,
  item_index INTEGER,        -- element of the flattened array; NULL without flatten
  column_name TEXT NOT NULL,
  value TEXT,
  error TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sluice_streams (
  staging_table TEXT PRIMARY KEY,
  event_type TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0,  -- seq of the last merged staging row
  merged_at TEXT
);
CREATE TABLE IF NOT EXISTS sluice_columns (  -- the catalog as last applied
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  type TEXT NOT NULL,
  key_position INTEGER,      -- 1-based position in the primary key; NULL if not a key column
  PRIMARY KEY (table_name, column_name)
);
CREATE TABLE IF NOT EXISTS sluice_task_runs (  -- every finished run of a task, and every skipped fire
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task TEXT NOT NULL,
  scheduled_for TEXT NOT NULL,  -- the fire time (or when `sluice tasks run` asked)
  started TEXT,                 -- NULL for a skipped fire
  finished TEXT,
  status TEXT NOT NULL,         -- succeeded, failed or skipped
  rows INTEGER,                 -- rows the task changed
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS sluice_task_runs_by_task ON sluice_task_runs (task, id);
CREATE TABLE IF NOT EXISTS sluice_task_state (  -- what `sluice tasks suspend|resume` persisted
  task TEXT PRIMARY KEY,
  suspended INTEGER NOT NULL DEFAULT 0,
  changed_at TEXT
);
CREATE TABLE IF NOT EXISTS sluice_exceptions (  -- corrected copies of events (sluice exceptions add)
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_type TEXT NOT NULL,
  event_id TEXT NOT NULL,       -- the values of the event's id: paths (one, or a JSON array)
  payload TEXT NOT NULL,        -- the corrected event, which replaces every delivery of the id
  arrived_after INTEGER,      -- a backfill (its event was never delivered) arrives after this staging seq
  reason TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL,
  removed_by TEXT,              -- NULL while in force
  removed_at TEXT,
  removed_reason TEXT
);
CREATE INDEX IF NOT EXISTS sluice_exceptions_by_event ON sluice_exceptions (event_type, event_id);
CREATE TABLE IF NOT EXISTS sluice_exclusions (  -- events removed from the final tables (sluice exclusions add)
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_type TEXT NOT NULL,
  event_id TEXT NOT NULL,
  seq INTEGER,                 -- one delivery only (staging seq), as dedupe excludes; NULL: every delivery
  delivery TEXT,              -- that delivery's landed file and line, LANDED_AS:LINE
  reason TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL,
  removed_by TEXT,              -- NULL while in force
  removed_at TEXT,
  removed_reason TEXT
);
CREATE INDEX IF NOT EXISTS sluice_exclusions_by_event ON sluice_exclusions (event_type, event_id);
CREATE TABLE IF NOT EXISTS sluice_corrections_pending (  -- ids whose corrections changed since the last merge
  change INTEGER PRIMARY KEY AUTOINCREMENT,
  event_type TEXT NOT NULL,
  event_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sluice_load_error_fixes (  -- lines that failed to load, fixed (sluice load-errors import)
  event_type TEXT NOT NULL,
  landed_as TEXT NOT NULL,      -- the line's landed file and line number, as in sluice_load_errors
  line INTEGER NOT NULL,
  payload TEXT NOT NULL,        -- the fixed line
  imported_by TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  replayed_at TEXT              -- NULL until sluice replay --load-errors loads it
);
