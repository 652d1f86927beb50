-- Hardening, step 4.

-- Tills exist because they were set up (`kassa fiscal-device`, or a shift
-- of an imported journal), not because a command named them.
CREATE TABLE tills (
    store TEXT NOT NULL REFERENCES stores (id),
    till  TEXT NOT NULL,
    PRIMARY KEY (store, till)
) WITHOUT ROWID;
INSERT OR IGNORE INTO tills (store, till) SELECT DISTINCT store, till FROM shifts;
INSERT OR IGNORE INTO tills (store, till) SELECT store, till FROM fiscal_devices;

-- A receipt the register refused twice is parked: it no longer holds up
-- the queue, the Z report or the next shift; a manager retries it or
-- issues a correction receipt (1173). `refusals` counts the register's
-- refusals of it (the first may come from a state the register was left
-- in); `correction` = 1: registered by a correction.
ALTER TABLE fiscal_queue ADD COLUMN parked INTEGER NOT NULL DEFAULT 0 CHECK (parked IN (0, 1));
ALTER TABLE fiscal_queue ADD COLUMN refusals INTEGER NOT NULL DEFAULT 0;
ALTER TABLE fiscal_queue ADD COLUMN refusal_code INTEGER;
ALTER TABLE fiscal_queue ADD COLUMN fn_number TEXT;
ALTER TABLE fiscal_queue ADD COLUMN correction INTEGER NOT NULL DEFAULT 0 CHECK (correction IN (0, 1));
DROP INDEX fiscal_pending;
CREATE INDEX fiscal_pending ON fiscal_queue (store, till, seq) WHERE fd_number IS NULL AND parked = 0;

-- A marked unit is the same pack by GTIN and serial, whatever crypto tail
-- the scanner added: `identity` is `01` GTIN `21` serial (filled for
-- earlier rows by the migration's code).
ALTER TABLE receipt_markings ADD COLUMN identity TEXT;
CREATE INDEX receipt_markings_by_identity ON receipt_markings (identity);
