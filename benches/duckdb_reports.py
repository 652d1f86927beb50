"""DuckDB computing eight reports of the catalogue from the same rows as
kassa (benches/reports.rs runs it): the books' tables are copied into an
in-memory DuckDB first (not timed), then each report's query is timed.
Prints {name: [milliseconds, rows]} as JSON, values formatted as kassa's
JSON writes them. Needs `pip install duckdb`."""

import json
import sqlite3
import sys
import tempfile
import time
from decimal import Decimal, ROUND_HALF_UP

import duckdb

books = sys.argv[1]
src = sqlite3.connect(books)
con = duckdb.connect()

TABLES = {
    "receipts": "SELECT r.id, r.shift, substr(r.at, 1, 10) AS day, CAST(substr(r.at, 12, 2) AS INTEGER) AS hour, r.kind, r.cashier, r.total, r.change FROM receipts r",
    "lines": "SELECT receipt, line_no, sku, qty, amount, discount, unit_cost FROM receipt_lines",
    "payments": "SELECT receipt, method, amount FROM payments",
    "shifts": "SELECT id, store, till FROM shifts",
    "products": "SELECT sku, name, COALESCE(category, 'Без категории') AS category, unit FROM products",
    "stores": "SELECT id, name FROM stores",
    "employees": "SELECT id, name FROM employees",
}
with tempfile.TemporaryDirectory() as tmp:
    import csv

    for table, query in TABLES.items():
        cur = src.execute(query)
        path = f"{tmp}/{table}.csv"
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow([d[0] for d in cur.description])
            for row in cur:
                w.writerow(row)
        text = {"unit_cost", "day", "id", "sku", "receipt", "shift", "cashier", "store", "till", "name", "category"}
        types = {d[0]: "VARCHAR" for d in cur.description if d[0] in text}
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{path}', header=true, types={types!r})")

con.execute("CREATE TABLE r AS SELECT r.*, s.store, s.till FROM receipts r JOIN shifts s ON s.id = r.shift")


def money(k):
    k = int(k)
    sign = "-" if k < 0 else ""
    k = abs(k)
    return f"{sign}{k // 100}.{k % 100:02d}"


def avg(sales, n):
    if n == 0:
        return "0.00"
    return money((Decimal(int(sales)) / Decimal(int(n))).quantize(Decimal(1), ROUND_HALF_UP))


def share(part, whole):
    if int(whole) == 0:
        return None
    return str((Decimal(int(part)) * 100 / Decimal(int(whole))).quantize(Decimal("0.01"), ROUND_HALF_UP))


def qty(milli):
    d = (Decimal(int(milli)) / 1000).normalize()
    return format(d, "f")


CHECKS = """count(*) FILTER (WHERE kind = 'sale') AS receipts,
   coalesce(sum(total) FILTER (WHERE kind = 'sale'), 0) AS sales,
   coalesce(sum(total) FILTER (WHERE kind = 'return'), 0) AS returns"""

out = {}


def timed(name, query, shape):
    started = time.perf_counter()
    rows = con.execute(query).fetchall()
    ms = (time.perf_counter() - started) * 1000
    out[name] = [ms, [shape(r) for r in rows]]


timed(
    "sales_summary",
    f"""SELECT {CHECKS},
       count(*) FILTER (WHERE kind = 'return') AS returns_count,
       (SELECT sum(l.amount + l.discount) FROM lines l JOIN receipts x ON x.id = l.receipt WHERE x.kind = 'sale'),
       (SELECT sum(l.discount) FROM lines l JOIN receipts x ON x.id = l.receipt WHERE x.kind = 'sale')
       FROM r""",
    lambda r: [r[0], money(r[4]), money(r[5]), money(r[1]), r[3], money(r[2]), money(r[1] - r[2]), avg(r[1], r[0])],
)
timed(
    "sales_by_day",
    f"SELECT day, {CHECKS} FROM r GROUP BY day ORDER BY day",
    lambda r: [r[0], r[1], money(r[2]), money(r[3]), money(r[2] - r[3]), avg(r[2], r[1])],
)
timed(
    "sales_by_hour",
    f"""SELECT h.hour, coalesce(x.receipts, 0), coalesce(x.sales, 0) - coalesce(x.returns, 0)
        FROM range(24) h(hour) LEFT JOIN (SELECT hour, {CHECKS} FROM r GROUP BY hour) x ON x.hour = h.hour ORDER BY h.hour""",
    lambda r: [r[0], r[1], money(r[2])],
)
whole = con.execute("SELECT coalesce(sum(total) FILTER (WHERE kind='sale'),0) - coalesce(sum(total) FILTER (WHERE kind='return'),0) FROM r").fetchone()[0]
timed(
    "sales_by_store",
    f"SELECT store, (SELECT name FROM stores WHERE id = store), {CHECKS} FROM r GROUP BY store ORDER BY store",
    lambda r: [r[0], r[1], r[2], money(r[3] - r[4]), avg(r[3], r[2]), share(r[3] - r[4], whole)],
)
timed(
    "sales_by_cashier",
    f"SELECT cashier, (SELECT name FROM employees WHERE id = cashier), {CHECKS} FROM r GROUP BY cashier ORDER BY cashier",
    lambda r: [r[0], r[1], r[2], money(r[3]), money(r[4]), money(r[3] - r[4]), avg(r[3], r[2])],
)
timed(
    "payments_by_method",
    """SELECT p.method,
         sum(CASE WHEN x.kind = 'sale' THEN p.amount - CASE WHEN p.method = 'cash' THEN x.change ELSE 0 END ELSE 0 END),
         sum(CASE WHEN x.kind = 'return' THEN p.amount ELSE 0 END)
       FROM payments p JOIN receipts x ON x.id = p.receipt GROUP BY p.method
       ORDER BY CASE p.method WHEN 'cash' THEN 0 WHEN 'card' THEN 1 ELSE 2 END""",
    lambda r: [r[0], money(r[1]), money(r[2]), money(r[1] - r[2])],
)
PRODUCT = """SELECT l.sku,
       sum(CASE WHEN x.kind = 'sale' THEN l.qty ELSE -l.qty END) AS qty,
       sum(CASE WHEN x.kind = 'sale' THEN l.amount ELSE -l.amount END) AS net,
       -- qty in thousandths times the exact decimal cost (no DOUBLE division), half up per line
       sum(CASE WHEN x.kind = 'sale' THEN 1 ELSE -1 END * round(l.qty * CAST('0.001' AS DECIMAL(4, 3)) * CAST(l.unit_cost AS DECIMAL(38, 20)), 2)) AS cogs
     FROM lines l JOIN receipts x ON x.id = l.receipt GROUP BY l.sku"""
timed(
    "sales_by_product",
    f"SELECT p.sku, (SELECT name FROM products WHERE sku = p.sku), p.qty, p.net FROM ({PRODUCT}) p ORDER BY p.net DESC, p.sku",
    lambda r: [r[0], r[1], qty(r[2]), money(r[3]), share(r[3], whole)],
)
timed(
    "sales_by_category",
    f"""SELECT c.category, sum(p.qty), sum(p.net) FROM ({PRODUCT}) p JOIN products c ON c.sku = p.sku
        GROUP BY c.category ORDER BY c.category""",
    lambda r: [r[0], qty(r[1]), money(r[2]), share(r[2], whole)],
)
timed(
    "gross_profit_by_product",
    f"""SELECT p.sku, (SELECT name FROM products WHERE sku = p.sku), p.qty, p.net, p.cogs FROM ({PRODUCT}) p
        ORDER BY p.net - p.cogs * 100 DESC, p.sku""",
    lambda r: [r[0], r[1], qty(r[2]), money(r[3]), money(Decimal(r[4]) * 100)],
)
print(json.dumps(out, ensure_ascii=False, default=str))
