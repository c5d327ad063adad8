-- ctk store, schema version 1 -> 2 (this round's additions).
-- A new store is schema.sql followed by this file; an existing version-1
-- store gets only this file, in the same transaction that sets
-- user_version = 2. Add statements below (CREATE TABLE, ALTER TABLE ADD
-- COLUMN), each with a comment naming what it is for; never edit schema.sql's
-- version-1 tables, so that old and new stores end up alike.
CREATE TABLE schema_notes (   -- one row per schema version: what it added
  version INTEGER PRIMARY KEY,
  note    TEXT NOT NULL
);
INSERT INTO schema_notes VALUES (2, 'version 2: this round''s tables and columns (schemas/migrate-2.sql)');
