-- Fiscalisation, exactly once. A receipt a till books is queued here in the
-- sale's own transaction; the register's answer fills in its document.
CREATE TABLE fiscal_queue (
    seq         INTEGER PRIMARY KEY,          -- the order receipts go to the register
    receipt     TEXT NOT NULL UNIQUE REFERENCES receipts (id),
    store       TEXT NOT NULL,
    till        TEXT NOT NULL,
    cashier     TEXT NOT NULL,
    -- The register's last fiscal document number, stored before the
    -- receipt is sent: a later document with this receipt's sign and total
    -- is this receipt.
    fd_before   INTEGER,
    fd_number   INTEGER,
    fiscal_sign INTEGER,
    fiscal_at   TEXT,
    last_error  TEXT
);
CREATE INDEX fiscal_pending ON fiscal_queue (store, till, seq) WHERE fd_number IS NULL;

-- Marking codes (Честный ЗНАК) sold or returned on a receipt line.
CREATE TABLE receipt_markings (
    receipt TEXT NOT NULL REFERENCES receipts (id),
    line_no INTEGER NOT NULL,
    code    TEXT NOT NULL,
    PRIMARY KEY (receipt, line_no)
) WITHOUT ROWID;

-- The fiscal register of each till: its serial port and settings.
CREATE TABLE fiscal_devices (
    store    TEXT NOT NULL,
    till     TEXT NOT NULL,
    port     TEXT NOT NULL,
    baud     INTEGER NOT NULL,
    password INTEGER NOT NULL,
    vat22    INTEGER NOT NULL,
    PRIMARY KEY (store, till)
) WITHOUT ROWID;
