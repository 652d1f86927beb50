-- Rollups for the reports: sums kept by the Ledger inside each booking's
-- own transaction (so they never disagree with the receipts), rebuilt from
-- the books by `kassa rebuild-rollups` and by this migration.

-- The line's cost of goods in kopecks, round_half_up(qty × unit_cost),
-- fixed at the sale (filled for older lines by the migration's code).
ALTER TABLE receipt_lines ADD COLUMN cogs INTEGER NOT NULL DEFAULT 0;

-- Receipts by local day, hour, store, till, shift, cashier and kind.
-- Money in kopecks; items in thousandths (pieces by quantity, a weighed
-- line as one); gross, discount and discounted lines over the lines.
CREATE TABLE roll_receipts (
    day     TEXT NOT NULL,
    hour    INTEGER NOT NULL,
    store   TEXT NOT NULL,
    till    TEXT NOT NULL,
    shift   TEXT NOT NULL,
    cashier TEXT NOT NULL,
    kind    TEXT NOT NULL,
    receipts INTEGER NOT NULL,
    total    INTEGER NOT NULL,
    cash     INTEGER NOT NULL,
    card     INTEGER NOT NULL,
    other    INTEGER NOT NULL,
    gross    INTEGER NOT NULL,
    discount INTEGER NOT NULL,
    items    INTEGER NOT NULL,
    discounted_lines INTEGER NOT NULL,
    PRIMARY KEY (day, hour, store, till, shift, cashier, kind)
) WITHOUT ROWID;
CREATE INDEX roll_receipts_by_shift ON roll_receipts (shift);

-- Lines by local day, store, product, kind and the VAT rate they were
-- booked at; quantities in thousandths, money in kopecks, VAT per line.
CREATE TABLE roll_products (
    day    TEXT NOT NULL,
    store  TEXT NOT NULL,
    sku    TEXT NOT NULL,
    kind   TEXT NOT NULL,
    vat    TEXT NOT NULL,
    lines  INTEGER NOT NULL,
    qty    INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    discount INTEGER NOT NULL,
    cogs   INTEGER NOT NULL,
    vat_amount INTEGER NOT NULL,
    PRIMARY KEY (day, store, sku, kind, vat)
) WITHOUT ROWID;

-- The same for the whole chain by month: a chain's year in a few rows a product.
CREATE TABLE roll_products_month (
    month  TEXT NOT NULL,
    sku    TEXT NOT NULL,
    kind   TEXT NOT NULL,
    vat    TEXT NOT NULL,
    lines  INTEGER NOT NULL,
    qty    INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    discount INTEGER NOT NULL,
    cogs   INTEGER NOT NULL,
    vat_amount INTEGER NOT NULL,
    PRIMARY KEY (month, sku, kind, vat)
) WITHOUT ROWID;

-- Stock moves by store, product and local day, in thousandths by what
-- moved them, and the moving average cost after the day's last move in
-- the books' order (`booked`: that move's event seq × 100000 + its line),
-- so stock at a day's end takes the average of the last move booked
-- among the days up to it, whatever order the days were booked in.
CREATE TABLE stock_days (
    store    TEXT NOT NULL,
    sku      TEXT NOT NULL,
    day      TEXT NOT NULL,
    received INTEGER NOT NULL,
    sold     INTEGER NOT NULL,
    returned INTEGER NOT NULL,
    written_off INTEGER NOT NULL,
    to_suppliers INTEGER NOT NULL,
    counted  INTEGER NOT NULL,
    avg_end  TEXT NOT NULL,
    booked   INTEGER NOT NULL,
    PRIMARY KEY (store, sku, day)
) WITHOUT ROWID;

-- Lines by day, store, kind and VAT rate, without the product: the day's
-- and the store's margin and VAT in a few rows.
CREATE TABLE roll_days (
    day    TEXT NOT NULL,
    store  TEXT NOT NULL,
    kind   TEXT NOT NULL,
    vat    TEXT NOT NULL,
    lines  INTEGER NOT NULL,
    qty    INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    discount INTEGER NOT NULL,
    cogs   INTEGER NOT NULL,
    vat_amount INTEGER NOT NULL,
    PRIMARY KEY (day, store, kind, vat)
) WITHOUT ROWID;

-- Net quantity of each product by ISO week (its Monday) for the chain: demand
-- variation (XYZ) over a year in a few rows a product.
CREATE TABLE roll_products_week (
    week TEXT NOT NULL,
    sku  TEXT NOT NULL,
    qty  INTEGER NOT NULL,
    PRIMARY KEY (week, sku)
) WITHOUT ROWID;
