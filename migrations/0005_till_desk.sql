-- The desktop till, step 1.

-- The cart in progress (чек в работе) of each till, kept as the cashier
-- works so that a crash, a power cut or a restart brings it back after
-- the login. Working state, not the books: no event, not in the journal;
-- the row goes when the sale is booked or the cart is cleared. `lines` is
-- JSON: [{"sku", "qty", "discount", "marking"}]; `tenders` what its payment
-- took so far (a card's part is money taken): [{"method", "amount"}].
CREATE TABLE kept_carts (
    store    TEXT NOT NULL REFERENCES stores (id),
    till     TEXT NOT NULL,
    employee TEXT NOT NULL,
    lines    TEXT NOT NULL,
    tenders  TEXT NOT NULL DEFAULT '[]',
    saved_at TEXT NOT NULL,
    PRIMARY KEY (store, till)
) WITHOUT ROWID;

-- A till's own preferences (the screens' language): the device's, not the
-- books'; no event, not in the journal.
CREATE TABLE till_settings (
    store TEXT NOT NULL REFERENCES stores (id),
    till  TEXT NOT NULL,
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (store, till, key)
) WITHOUT ROWID;

-- The drawer's running balance per shift (kopecks) and the moment of its
-- latest cash flow: a cash out or refund at or after that moment checks
-- the balance instead of re-reading the shift's flows, so a till's day and
-- an import stay linear. Kept by the Ledger with every cash flow.
ALTER TABLE shifts ADD COLUMN drawer INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shifts ADD COLUMN last_flow_utc INTEGER;
UPDATE shifts SET
    drawer = (SELECT COALESCE(SUM(CASE WHEN reason IS NULL THEN amount ELSE -amount END), 0)
                FROM cash_moves WHERE shift = shifts.id)
           + (SELECT COALESCE(SUM(CASE r.kind WHEN 'sale' THEN p.amount ELSE -p.amount END), 0)
                FROM receipts r JOIN payments p ON p.receipt = r.id
               WHERE r.shift = shifts.id AND p.method = 'cash')
           - (SELECT COALESCE(SUM(change), 0) FROM receipts WHERE shift = shifts.id),
    last_flow_utc = (SELECT MAX(at_utc) FROM (
                       SELECT at_utc FROM cash_moves WHERE shift = shifts.id
                       UNION ALL SELECT at_utc FROM receipts WHERE shift = shifts.id));

-- A receipt line keeps the VAT rate it was sold at: a return refunds at
-- its sale's rate (and the register is told that rate), whatever the
-- product card says by then. Lines booked before take the card's rate.
ALTER TABLE receipt_lines ADD COLUMN vat TEXT;
UPDATE receipt_lines SET vat = (SELECT vat FROM products WHERE sku = receipt_lines.sku);

-- A dismissed employee (the journal's `active: false`): no login, the
-- history kept.
ALTER TABLE employees ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));

-- Stock counts (инвентаризация): what was found, and how far each count
-- moved the books (delta, thousandths) at what average cost.
CREATE TABLE stock_counts (
    id     TEXT PRIMARY KEY,
    store  TEXT NOT NULL REFERENCES stores (id),
    at     TEXT NOT NULL,
    at_utc INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE stock_count_lines (
    count     TEXT NOT NULL REFERENCES stock_counts (id),
    line_no   INTEGER NOT NULL,
    sku       TEXT NOT NULL REFERENCES products (sku),
    counted   INTEGER NOT NULL CHECK (counted > 0),
    delta     INTEGER NOT NULL,
    unit_cost TEXT NOT NULL,
    PRIMARY KEY (count, line_no)
) WITHOUT ROWID;
