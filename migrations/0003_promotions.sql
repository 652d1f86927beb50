-- Promotions on receipts: what each promotion took off each line, and the
-- lines it gave away (gift = 1, discount 0). The journal line of a receipt
-- does not carry these; reports of promotions and gifts read them here.
CREATE TABLE receipt_line_promotions (
    receipt   TEXT NOT NULL REFERENCES receipts (id),
    line_no   INTEGER NOT NULL,
    n         INTEGER NOT NULL,  -- the order the promotions applied in
    promotion TEXT NOT NULL REFERENCES promotions (id),
    discount  INTEGER NOT NULL CHECK (discount >= 0),
    gift      INTEGER NOT NULL CHECK (gift IN (0, 1)),
    PRIMARY KEY (receipt, line_no, n)
) WITHOUT ROWID;
CREATE INDEX receipt_line_promotions_by_promotion ON receipt_line_promotions (promotion);
