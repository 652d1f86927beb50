-- What the shop's documents print: the store's requisites, the companies
-- it sells to and buys from, and the buyer of a sale to a company.
ALTER TABLE stores ADD COLUMN legal_name TEXT;
ALTER TABLE stores ADD COLUMN kpp TEXT;
ALTER TABLE stores ADD COLUMN ogrn TEXT;
ALTER TABLE stores ADD COLUMN director TEXT;
ALTER TABLE stores ADD COLUMN accountant TEXT;

CREATE TABLE counterparties (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    inn     TEXT NOT NULL,
    kpp     TEXT,
    address TEXT,
    version INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

ALTER TABLE receipts ADD COLUMN buyer TEXT REFERENCES counterparties (id);
