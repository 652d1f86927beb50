-- Kassa schema, step 1. Money is INTEGER kopecks, quantities INTEGER
-- thousandths, times RFC 3339 text as written plus UTC milliseconds for order.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE stores (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    address    TEXT,
    inn        TEXT,
    tax_system TEXT,
    version    INTEGER NOT NULL DEFAULT 1  -- card versions, as in `events.key`
) WITHOUT ROWID;

CREATE TABLE employees (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('cashier', 'senior_cashier', 'manager', 'owner')),
    commission_pct TEXT NOT NULL,
    pin_hash       TEXT,
    failed_pins    INTEGER NOT NULL DEFAULT 0,
    locked_until   INTEGER,
    version        INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

CREATE TABLE role_permissions (
    role       TEXT NOT NULL,
    permission TEXT NOT NULL,
    PRIMARY KEY (role, permission)
) WITHOUT ROWID;

CREATE TABLE role_limits (
    role             TEXT PRIMARY KEY,
    max_discount_pct TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE products (
    sku       TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    name_fold TEXT NOT NULL,
    price     INTEGER NOT NULL CHECK (price >= 0),
    cost      INTEGER CHECK (cost >= 0),
    vat       TEXT NOT NULL,
    unit      TEXT NOT NULL,
    category  TEXT,
    kind      TEXT NOT NULL,
    marked    INTEGER NOT NULL,
    barcodes  TEXT NOT NULL,   -- JSON array, in the order given; `barcodes` finds the product by one
    version   INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;
CREATE INDEX products_by_name ON products (name_fold);

CREATE TABLE barcodes (
    code TEXT PRIMARY KEY,
    sku  TEXT NOT NULL REFERENCES products (sku)
) WITHOUT ROWID;

CREATE TABLE shifts (
    id         TEXT PRIMARY KEY,
    store      TEXT NOT NULL REFERENCES stores (id),
    till       TEXT NOT NULL,
    cashier    TEXT NOT NULL REFERENCES employees (id),
    opened_at  TEXT NOT NULL,
    opened_utc INTEGER NOT NULL,
    closed_at  TEXT,
    closed_utc INTEGER
) WITHOUT ROWID;
-- A till's shifts never overlap and at most one is open (checked by the
-- ledger, which lets an import bring in earlier days out of order).
CREATE INDEX shifts_by_till ON shifts (store, till, opened_utc);
CREATE INDEX shifts_open_by_till ON shifts (store, till) WHERE closed_at IS NULL;

CREATE TABLE cash_moves (
    id      INTEGER PRIMARY KEY,
    shift   TEXT NOT NULL REFERENCES shifts (id),
    at      TEXT NOT NULL,
    at_utc  INTEGER NOT NULL,
    amount  INTEGER NOT NULL CHECK (amount > 0),
    reason  TEXT CHECK (reason IN ('collection', 'expense', 'other'))  -- NULL: cash in
);
CREATE INDEX cash_moves_by_shift ON cash_moves (shift, at_utc);

CREATE TABLE receipts (
    id        TEXT PRIMARY KEY,
    shift     TEXT NOT NULL REFERENCES shifts (id),
    at        TEXT NOT NULL,
    at_utc    INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('sale', 'return')),
    cashier   TEXT NOT NULL REFERENCES employees (id),
    return_of TEXT REFERENCES receipts (id),
    total     INTEGER NOT NULL CHECK (total >= 0),
    change    INTEGER NOT NULL CHECK (change >= 0)
) WITHOUT ROWID;
CREATE INDEX receipts_by_shift ON receipts (shift, at_utc);
CREATE INDEX receipts_by_sale ON receipts (return_of) WHERE return_of IS NOT NULL;

CREATE TABLE receipt_lines (
    receipt   TEXT NOT NULL REFERENCES receipts (id),
    line_no   INTEGER NOT NULL,
    sku       TEXT NOT NULL REFERENCES products (sku),
    qty       INTEGER NOT NULL CHECK (qty > 0),
    price     INTEGER NOT NULL CHECK (price >= 0),
    discount  INTEGER NOT NULL CHECK (discount >= 0),
    amount    INTEGER NOT NULL CHECK (amount >= 0),
    unit_cost TEXT NOT NULL,  -- moving average cost when the line was rung up
    PRIMARY KEY (receipt, line_no)
) WITHOUT ROWID;

CREATE TABLE payments (
    receipt TEXT NOT NULL REFERENCES receipts (id),
    n       INTEGER NOT NULL,
    method  TEXT NOT NULL CHECK (method IN ('cash', 'card', 'other')),
    amount  INTEGER NOT NULL CHECK (amount > 0),
    PRIMARY KEY (receipt, n)
) WITHOUT ROWID;

CREATE TABLE stock_docs (
    kind     TEXT NOT NULL CHECK (kind IN ('supply', 'write_off', 'supplier_return')),
    id       TEXT NOT NULL,
    store    TEXT NOT NULL REFERENCES stores (id),
    at       TEXT NOT NULL,
    at_utc   INTEGER NOT NULL,
    supplier TEXT,
    reason   TEXT,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;

CREATE TABLE stock_doc_lines (
    kind      TEXT NOT NULL,
    doc       TEXT NOT NULL,
    line_no   INTEGER NOT NULL,
    sku       TEXT NOT NULL REFERENCES products (sku),
    qty       INTEGER NOT NULL CHECK (qty > 0),
    cost      INTEGER,
    unit_cost TEXT NOT NULL,  -- average cost the line moved at
    PRIMARY KEY (kind, doc, line_no),
    FOREIGN KEY (kind, doc) REFERENCES stock_docs (kind, id)
) WITHOUT ROWID;

-- Current stock and moving average cost per store and product.
CREATE TABLE stock (
    store    TEXT NOT NULL REFERENCES stores (id),
    sku      TEXT NOT NULL REFERENCES products (sku),
    qty      INTEGER NOT NULL,
    avg_cost TEXT NOT NULL,
    PRIMARY KEY (store, sku)
) WITHOUT ROWID;

CREATE TABLE promotions (
    id      TEXT PRIMARY KEY,
    enabled INTEGER NOT NULL DEFAULT 1,
    payload TEXT NOT NULL,    -- the canonical journal line of the rule
    version INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

-- The action history (История действий): append-only, one row per state
-- change. seq is gapless per database (rowid of an append-only table);
-- origin is the till that recorded it. Journal records keep their canonical
-- line in payload; export writes exactly those.
CREATE TABLE events (
    seq     INTEGER PRIMARY KEY,
    origin  TEXT NOT NULL,
    at      TEXT NOT NULL,
    actor   TEXT,
    type    TEXT NOT NULL,
    entity  TEXT NOT NULL,
    day     TEXT,            -- local day the record belongs to (a shift's: its opening day)
    key     TEXT,            -- identity of a record (a card version: type:id#version:digest)
    payload TEXT NOT NULL
);
CREATE UNIQUE INDEX events_by_key ON events (key) WHERE key IS NOT NULL;
-- Cards' versions and notes (no day), for matching an import to the history.
CREATE INDEX events_by_card ON events (type, entity) WHERE day IS NULL;

-- User actions already committed, by the id made when the action started.
CREATE TABLE actions (
    id     TEXT PRIMARY KEY,
    result TEXT NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the action history is append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the action history is append-only'); END;
