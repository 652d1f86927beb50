-- The desktop till, step 1.

-- The cart in progress (чек в работе) of each till, kept as the cashier
-- works so that a crash, a power cut or a restart brings it back after
-- the login. Working state, not the books: no event, not in the journal;
-- the row goes when the sale is booked or the cart is cleared. `lines` is
-- JSON: [{"sku", "qty", "discount", "marking"}].
CREATE TABLE kept_carts (
    store    TEXT NOT NULL REFERENCES stores (id),
    till     TEXT NOT NULL,
    employee TEXT NOT NULL,
    lines    TEXT NOT NULL,
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
