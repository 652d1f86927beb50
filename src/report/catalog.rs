//! The 61 reports of shared/spec/reports.md, each a definition over the
//! books' facts. Figures follow the spec's conventions (`figures`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::facts::{ProductFact, ReceiptSum, Source};
use super::figures::{self, percent, ratio, round, Checks, Lines};
use super::{Cell, Chart, ColumnType, Params, ReportDef, Rows};
use crate::error::Result;
use crate::money::Money;

use ColumnType::{
    Count as C, Date as D, Id as I, Money as M, Number as N, Percent as P, Qty as Q, Text as T, Time as Tm,
};

type Columns = &'static [(&'static str, &'static str, ColumnType)];

const fn def(name: &'static str, title: &'static str, group: &'static str, columns: Columns, rows: Rows) -> ReportDef {
    ReportDef {
        name,
        title,
        group,
        columns,
        rows,
        totals: &[],
        chart: None,
        takes_threshold: false,
    }
}

impl ReportDef {
    const fn totals(mut self, columns: &'static [&'static str]) -> ReportDef {
        self.totals = columns;
        self
    }
    const fn chart(mut self, chart: Chart) -> ReportDef {
        self.chart = Some(chart);
        self
    }
    const fn threshold(mut self) -> ReportDef {
        self.takes_threshold = true;
        self
    }
}

/// Every report, in catalogue order.
pub static CATALOG: &[ReportDef] = &[
    // Sales
    def(
        "sales_summary",
        "Сводка продаж",
        "sales",
        &[
            ("receipts", "Чеков", C),
            ("gross", "Без скидок", M),
            ("discounts", "Скидки", M),
            ("sales", "Продажи", M),
            ("returns_count", "Возвратов", C),
            ("returns", "Возвраты", M),
            ("net_revenue", "Выручка", M),
            ("average_check", "Средний чек", M),
            ("items_sold", "Продано единиц", Q),
        ],
        sales_summary,
    ),
    def(
        "sales_by_day",
        "Продажи по дням",
        "sales",
        &[
            ("day", "День", D),
            ("receipts", "Чеков", C),
            ("sales", "Продажи", M),
            ("returns", "Возвраты", M),
            ("net_revenue", "Выручка", M),
            ("average_check", "Средний чек", M),
        ],
        sales_by_day,
    )
    .totals(&["receipts", "sales", "returns", "net_revenue"])
    .chart(Chart::Line("net_revenue")),
    def(
        "sales_by_hour",
        "Продажи по часам",
        "sales",
        &[
            ("hour", "Час", C),
            ("receipts", "Чеков", C),
            ("net_revenue", "Выручка", M),
        ],
        sales_by_hour,
    )
    .totals(&["receipts", "net_revenue"])
    .chart(Chart::Bars("net_revenue")),
    def(
        "sales_by_weekday",
        "Продажи по дням недели",
        "sales",
        &[
            ("weekday", "День недели", C),
            ("receipts", "Чеков", C),
            ("net_revenue", "Выручка", M),
            ("average_check", "Средний чек", M),
        ],
        sales_by_weekday,
    )
    .totals(&["receipts", "net_revenue"])
    .chart(Chart::Bars("net_revenue")),
    def(
        "sales_by_month",
        "Продажи по месяцам",
        "sales",
        &[
            ("month", "Месяц", T),
            ("receipts", "Чеков", C),
            ("net_revenue", "Выручка", M),
        ],
        sales_by_month,
    )
    .totals(&["receipts", "net_revenue"])
    .chart(Chart::Bars("net_revenue")),
    def(
        "sales_heatmap",
        "Тепловая карта продаж",
        "sales",
        &[
            ("weekday", "День недели", C),
            ("hour", "Час", C),
            ("net_revenue", "Выручка", M),
        ],
        sales_heatmap,
    )
    .totals(&["net_revenue"]),
    def(
        "sales_by_store",
        "Продажи по магазинам",
        "sales",
        &[
            ("store", "Магазин", I),
            ("name", "Название", T),
            ("receipts", "Чеков", C),
            ("net_revenue", "Выручка", M),
            ("average_check", "Средний чек", M),
            ("share", "Доля, %", P),
        ],
        sales_by_store,
    )
    .totals(&["receipts", "net_revenue"])
    .chart(Chart::Bars("net_revenue")),
    def(
        "sales_by_till",
        "Продажи по кассам",
        "sales",
        &[
            ("store", "Магазин", I),
            ("till", "Касса", I),
            ("receipts", "Чеков", C),
            ("net_revenue", "Выручка", M),
        ],
        sales_by_till,
    )
    .totals(&["receipts", "net_revenue"]),
    def(
        "sales_by_product",
        "Продажи по товарам",
        "sales",
        &[
            ("sku", "Артикул", I),
            ("name", "Товар", T),
            ("net_qty", "Количество", Q),
            ("net_revenue", "Выручка", M),
            ("share", "Доля, %", P),
        ],
        sales_by_product,
    )
    .totals(&["net_revenue"]),
    def(
        "sales_by_category",
        "Продажи по категориям",
        "sales",
        &[
            ("category", "Категория", T),
            ("net_qty", "Количество", Q),
            ("net_revenue", "Выручка", M),
            ("share", "Доля, %", P),
        ],
        sales_by_category,
    )
    .totals(&["net_revenue"])
    .chart(Chart::Bars("net_revenue")),
    def(
        "top_products",
        "Топ-20 товаров",
        "sales",
        &[
            ("rank", "Место", C),
            ("sku", "Артикул", I),
            ("name", "Товар", T),
            ("net_qty", "Количество", Q),
            ("net_revenue", "Выручка", M),
        ],
        top_products,
    ),
    def(
        "average_check_by_day",
        "Средний чек по дням",
        "sales",
        &[
            ("day", "День", D),
            ("receipts", "Чеков", C),
            ("average_check", "Средний чек", M),
            ("items_per_receipt", "Единиц в чеке", N),
        ],
        average_check_by_day,
    )
    .chart(Chart::Line("average_check")),
    def(
        "receipts_journal",
        "Журнал чеков",
        "sales",
        &[
            ("id", "Чек", I),
            ("at", "Время", Tm),
            ("kind", "Тип", T),
            ("store", "Магазин", I),
            ("till", "Касса", I),
            ("cashier", "Кассир", I),
            ("total", "Сумма", M),
            ("cash", "Наличные", M),
            ("card", "Карта", M),
            ("other", "Прочее", M),
        ],
        receipts_journal,
    ),
    def(
        "sales_by_vat_rate",
        "Продажи по ставкам НДС",
        "sales",
        &[
            ("vat", "Ставка НДС", T),
            ("net_revenue", "Выручка", M),
            ("vat_amount", "НДС", M),
        ],
        sales_by_vat_rate,
    )
    .totals(&["net_revenue", "vat_amount"]),
    def(
        "sales_by_unit",
        "Продажи весового и штучного товара",
        "sales",
        &[
            ("unit", "Единица", T),
            ("net_qty", "Количество", Q),
            ("net_revenue", "Выручка", M),
        ],
        sales_by_unit,
    )
    .totals(&["net_revenue"]),
    // Payments and cash
    def(
        "payments_by_method",
        "Оплаты по видам",
        "payments",
        &[
            ("method", "Вид оплаты", T),
            ("sales", "Получено", M),
            ("returns", "Возвращено", M),
            ("net", "Итого", M),
        ],
        payments_by_method,
    )
    .totals(&["sales", "returns", "net"])
    .chart(Chart::Bars("net")),
    def(
        "payments_by_day",
        "Оплаты по дням",
        "payments",
        &[
            ("day", "День", D),
            ("cash", "Наличные", M),
            ("card", "Карта", M),
            ("other", "Прочее", M),
        ],
        payments_by_day,
    )
    .totals(&["cash", "card", "other"]),
    def(
        "cash_by_shift",
        "Движение наличных по сменам",
        "payments",
        &[
            ("shift", "Смена", I),
            ("opened", "Открыта", Tm),
            ("cash_in", "Внесено", M),
            ("cash_sales", "Продажи наличными", M),
            ("cash_returns", "Возвраты наличными", M),
            ("cash_out", "Выплачено", M),
            ("collections", "Инкассация", M),
            ("closing_cash", "В кассе", M),
        ],
        cash_by_shift,
    )
    .totals(&[
        "cash_in",
        "cash_sales",
        "cash_returns",
        "cash_out",
        "collections",
        "closing_cash",
    ]),
    def(
        "collections",
        "Инкассации",
        "payments",
        &[("shift", "Смена", I), ("at", "Время", Tm), ("amount", "Сумма", M)],
        collections,
    )
    .totals(&["amount"]),
    def(
        "cash_in_out",
        "Внесения и выплаты",
        "payments",
        &[
            ("shift", "Смена", I),
            ("at", "Время", Tm),
            ("kind", "Операция", T),
            ("reason", "Основание", T),
            ("amount", "Сумма", M),
        ],
        cash_in_out,
    ),
    def(
        "cash_book",
        "Кассовая книга (КО-4)",
        "payments",
        &[
            ("day", "День", D),
            ("opening", "Остаток на начало", M),
            ("received", "Приход", M),
            ("paid_out", "Расход", M),
            ("closing", "Остаток на конец", M),
        ],
        cash_book,
    )
    .totals(&["received", "paid_out"]),
    // Shifts
    def(
        "shifts",
        "Смены",
        "shifts",
        &[
            ("shift", "Смена", I),
            ("store", "Магазин", I),
            ("till", "Касса", I),
            ("cashier", "Кассир", I),
            ("opened", "Открыта", Tm),
            ("closed", "Закрыта", Tm),
            ("hours", "Часов", N),
            ("receipts", "Чеков", C),
            ("net_revenue", "Выручка", M),
        ],
        shifts,
    )
    .totals(&["receipts", "net_revenue"]),
    def(
        "shift_summary",
        "Z-отчёт по сменам",
        "shifts",
        &[
            ("shift", "Смена", I),
            ("sales_count", "Продаж", C),
            ("sales", "Продажи", M),
            ("returns_count", "Возвратов", C),
            ("returns", "Возвраты", M),
            ("cash", "Наличные", M),
            ("card", "Карта", M),
            ("other", "Прочее", M),
            ("cash_in", "Внесения", M),
            ("cash_out", "Выплаты", M),
            ("closing_cash", "Наличные в кассе", M),
        ],
        shift_summary,
    )
    .totals(&[
        "sales_count",
        "sales",
        "returns_count",
        "returns",
        "cash",
        "card",
        "other",
        "cash_in",
        "cash_out",
        "closing_cash",
    ]),
    def(
        "shift_open_close_times",
        "Время открытия и закрытия смен",
        "shifts",
        &[
            ("day", "День", D),
            ("store", "Магазин", I),
            ("first_opened", "Первое открытие", Tm),
            ("last_closed", "Последнее закрытие", Tm),
        ],
        shift_open_close_times,
    ),
    // Returns
    def(
        "returns_by_day",
        "Возвраты по дням",
        "returns",
        &[
            ("day", "День", D),
            ("returns_count", "Возвратов", C),
            ("returns", "Сумма", M),
        ],
        returns_by_day,
    )
    .totals(&["returns_count", "returns"])
    .chart(Chart::Bars("returns")),
    def(
        "returns_by_product",
        "Возвраты по товарам",
        "returns",
        &[
            ("sku", "Артикул", I),
            ("name", "Товар", T),
            ("qty_sold", "Продано", Q),
            ("qty_returned", "Возвращено", Q),
            ("return_rate", "Доля возвратов, %", P),
            ("returns", "Сумма", M),
        ],
        returns_by_product,
    )
    .totals(&["returns"]),
    def(
        "returns_by_cashier",
        "Возвраты по кассирам",
        "returns",
        &[
            ("cashier", "Кассир", I),
            ("name", "Имя", T),
            ("returns_count", "Возвратов", C),
            ("returns", "Сумма", M),
        ],
        returns_by_cashier,
    )
    .totals(&["returns_count", "returns"]),
    def(
        "returns_by_category",
        "Возвраты по категориям",
        "returns",
        &[
            ("category", "Категория", T),
            ("qty_returned", "Возвращено", Q),
            ("returns", "Сумма", M),
            ("return_rate", "Доля возвратов, %", P),
        ],
        returns_by_category,
    )
    .totals(&["returns"]),
    // Margin and cost
    def(
        "gross_profit_by_product",
        "Валовая прибыль по товарам",
        "margin",
        &[
            ("sku", "Артикул", I),
            ("name", "Товар", T),
            ("net_qty", "Количество", Q),
            ("net_revenue", "Выручка", M),
            ("net_cogs", "Себестоимость", M),
            ("gross_profit", "Валовая прибыль", M),
            ("markup", "Наценка, %", P),
            ("margin", "Маржа, %", P),
        ],
        gross_profit_by_product,
    )
    .totals(&["net_revenue", "net_cogs", "gross_profit"]),
    def(
        "gross_profit_by_category",
        "Валовая прибыль по категориям",
        "margin",
        &[
            ("category", "Категория", T),
            ("net_revenue", "Выручка", M),
            ("net_cogs", "Себестоимость", M),
            ("gross_profit", "Валовая прибыль", M),
            ("markup", "Наценка, %", P),
            ("margin", "Маржа, %", P),
        ],
        gross_profit_by_category,
    )
    .totals(&["net_revenue", "net_cogs", "gross_profit"])
    .chart(Chart::Bars("gross_profit")),
    def(
        "gross_profit_by_day",
        "Валовая прибыль по дням",
        "margin",
        &[
            ("day", "День", D),
            ("net_revenue", "Выручка", M),
            ("net_cogs", "Себестоимость", M),
            ("gross_profit", "Валовая прибыль", M),
            ("margin", "Маржа, %", P),
        ],
        gross_profit_by_day,
    )
    .totals(&["net_revenue", "net_cogs", "gross_profit"])
    .chart(Chart::Line("gross_profit")),
    def(
        "gross_profit_by_store",
        "Валовая прибыль по магазинам",
        "margin",
        &[
            ("store", "Магазин", I),
            ("net_revenue", "Выручка", M),
            ("net_cogs", "Себестоимость", M),
            ("gross_profit", "Валовая прибыль", M),
            ("margin", "Маржа, %", P),
        ],
        gross_profit_by_store,
    )
    .totals(&["net_revenue", "net_cogs", "gross_profit"])
    .chart(Chart::Bars("gross_profit")),
    def(
        "low_margin_products",
        "Товары с низкой маржой",
        "margin",
        &[
            ("sku", "Артикул", I),
            ("name", "Товар", T),
            ("net_revenue", "Выручка", M),
            ("margin", "Маржа, %", P),
        ],
        low_margin_products,
    )
    .threshold(),
    def(
        "below_cost_sales",
        "Продажи ниже себестоимости",
        "margin",
        &[
            ("receipt", "Чек", I),
            ("at", "Время", Tm),
            ("sku", "Артикул", I),
            ("qty", "Количество", Q),
            ("amount", "Сумма", M),
            ("cogs", "Себестоимость", M),
        ],
        below_cost_sales,
    )
    .totals(&["amount", "cogs"]),
    // Assortment
    def(
        "abc_revenue",
        "ABC-анализ по выручке",
        "assortment",
        &[
            ("sku", "Артикул", I),
            ("name", "Товар", T),
            ("net_revenue", "Выручка", M),
            ("share", "Доля, %", P),
            ("cumulative_share", "Накопленная доля, %", P),
            ("class", "Класс", T),
        ],
        abc_revenue,
    ),
    def(
        "abc_profit",
        "ABC-анализ по прибыли",
        "assortment",
        &[
            ("sku", "Артикул", I),
            ("name", "Товар", T),
            ("gross_profit", "Валовая прибыль", M),
            ("share", "Доля, %", P),
            ("cumulative_share", "Накопленная доля, %", P),
            ("class", "Класс", T),
        ],
        abc_profit,
    ),
    def(
        "xyz_demand",
        "XYZ-анализ спроса",
        "assortment",
        &[
            ("sku", "Артикул", I),
            ("name", "Товар", T),
            ("weeks", "Недель", C),
            ("mean_qty", "Среднее в неделю", Q),
            ("cv", "Вариация, %", P),
            ("class", "Класс", T),
        ],
        xyz_demand,
    ),
    def(
        "abc_xyz",
        "Матрица ABC/XYZ",
        "assortment",
        &[
            ("class", "Класс", T),
            ("products", "Товаров", C),
            ("net_revenue", "Выручка", M),
        ],
        abc_xyz,
    )
    .totals(&["products", "net_revenue"]),
    def(
        "basket_pairs",
        "Товары, покупаемые вместе",
        "assortment",
        &[
            ("sku_a", "Артикул А", I),
            ("sku_b", "Артикул Б", I),
            ("receipts", "Чеков", C),
        ],
        basket_pairs,
    ),
    def(
        "assortment_by_category",
        "Ширина ассортимента",
        "assortment",
        &[
            ("category", "Категория", T),
            ("skus_in_catalog", "В каталоге", C),
            ("skus_sold", "Продавалось", C),
        ],
        assortment_by_category,
    )
    .totals(&["skus_in_catalog", "skus_sold"]),
    def(
        "product_velocity",
        "Скорость продаж",
        "assortment",
        &[
            ("sku", "Артикул", I),
            ("name", "Товар", T),
            ("net_qty", "Количество", Q),
            ("days", "Дней", C),
            ("per_day", "В день", N),
        ],
        product_velocity,
    ),
    // Inventory
    def(
        "stock_balance",
        "Остатки товаров",
        "inventory",
        &[
            ("sku", "Артикул", I),
            ("name", "Товар", T),
            ("qty", "Остаток", Q),
            ("avg_cost", "Средняя себестоимость", M),
            ("value", "Сумма", M),
        ],
        stock_balance,
    )
    .totals(&["value"]),
    def(
        "stock_movement",
        "Движение товаров",
        "inventory",
        &[
            ("sku", "Артикул", I),
            ("opening", "Начальный остаток", Q),
            ("received", "Поступило", Q),
            ("sold", "Продано", Q),
            ("returned_by_buyers", "Возвраты покупателей", Q),
            ("written_off", "Списано", Q),
            ("returned_to_suppliers", "Возвраты поставщикам", Q),
            ("count_adjustment", "Инвентаризация", Q),
            ("closing", "Конечный остаток", Q),
        ],
        stock_movement,
    ),
    def(
        "supplies_by_supplier",
        "Поступления по поставщикам",
        "inventory",
        &[
            ("supplier", "Поставщик", T),
            ("documents", "Документов", C),
            ("qty", "Количество", Q),
            ("value", "Сумма", M),
        ],
        |s, p| docs_by_party(s, p, "supply"),
    )
    .totals(&["documents", "value"])
    .chart(Chart::Bars("value")),
    def(
        "write_offs",
        "Списания",
        "inventory",
        &[
            ("reason", "Причина", T),
            ("documents", "Документов", C),
            ("qty", "Количество", Q),
            ("value", "Сумма", M),
        ],
        |s, p| docs_by_party(s, p, "write_off"),
    )
    .totals(&["documents", "value"]),
    def(
        "supplier_returns",
        "Возвраты поставщикам",
        "inventory",
        &[
            ("supplier", "Поставщик", T),
            ("documents", "Документов", C),
            ("qty", "Количество", Q),
            ("value", "Сумма", M),
        ],
        |s, p| docs_by_party(s, p, "supplier_return"),
    )
    .totals(&["documents", "value"]),
    def(
        "dead_stock",
        "Неликвиды",
        "inventory",
        &[
            ("sku", "Артикул", I),
            ("name", "Товар", T),
            ("qty", "Остаток", Q),
            ("value", "Сумма", M),
        ],
        dead_stock,
    )
    .totals(&["value"]),
    def(
        "stock_turnover",
        "Оборачиваемость",
        "inventory",
        &[
            ("sku", "Артикул", I),
            ("name", "Товар", T),
            ("net_cogs", "Себестоимость продаж", M),
            ("avg_stock_value", "Средний запас", M),
            ("turnover", "Оборачиваемость", N),
            ("days_of_stock", "Дней запаса", N),
        ],
        stock_turnover,
    ),
    def(
        "gmroi",
        "GMROI",
        "inventory",
        &[
            ("sku", "Артикул", I),
            ("name", "Товар", T),
            ("gross_profit", "Валовая прибыль", M),
            ("avg_stock_value", "Средний запас", M),
            ("gmroi", "GMROI", N),
        ],
        gmroi,
    ),
    def(
        "out_of_stock",
        "Нулевые остатки",
        "inventory",
        &[
            ("sku", "Артикул", I),
            ("name", "Товар", T),
            ("last_sale", "Последняя продажа", D),
        ],
        out_of_stock,
    ),
    // Staff
    def(
        "sales_by_cashier",
        "Продажи по кассирам",
        "staff",
        &[
            ("cashier", "Кассир", I),
            ("name", "Имя", T),
            ("receipts", "Чеков", C),
            ("sales", "Продажи", M),
            ("returns", "Возвраты", M),
            ("net_revenue", "Выручка", M),
            ("average_check", "Средний чек", M),
        ],
        sales_by_cashier,
    )
    .totals(&["receipts", "sales", "returns", "net_revenue"])
    .chart(Chart::Bars("net_revenue")),
    def(
        "commission",
        "Вознаграждение продавцов",
        "staff",
        &[
            ("employee", "Сотрудник", I),
            ("name", "Имя", T),
            ("net_revenue", "Выручка", M),
            ("commission_pct", "Процент", P),
            ("commission", "Вознаграждение", M),
        ],
        commission,
    )
    .totals(&["net_revenue", "commission"]),
    def(
        "cashier_productivity",
        "Производительность кассиров",
        "staff",
        &[
            ("cashier", "Кассир", I),
            ("name", "Имя", T),
            ("shift_hours", "Часов в сменах", N),
            ("receipts", "Чеков", C),
            ("receipts_per_hour", "Чеков в час", N),
            ("revenue_per_hour", "Выручка в час", M),
        ],
        cashier_productivity,
    ),
    def(
        "discounts_by_cashier",
        "Скидки по кассирам",
        "staff",
        &[
            ("cashier", "Кассир", I),
            ("name", "Имя", T),
            ("discounted_lines", "Строк со скидкой", C),
            ("discounts", "Скидки", M),
        ],
        discounts_by_cashier,
    )
    .totals(&["discounted_lines", "discounts"]),
    // Promotions and discounts
    def(
        "discounts_summary",
        "Скидки",
        "promotions",
        &[
            ("gross", "Без скидок", M),
            ("discounts", "Скидки", M),
            ("discount_share", "Доля скидок, %", P),
        ],
        discounts_summary,
    ),
    def(
        "promotions_performance",
        "Эффективность акций",
        "promotions",
        &[
            ("promotion", "Акция", I),
            ("receipts", "Чеков", C),
            ("discount", "Скидка", M),
            ("revenue", "Выручка", M),
        ],
        promotions_performance,
    )
    .totals(&["discount", "revenue"]),
    def(
        "gifts",
        "Подарки",
        "promotions",
        &[
            ("promotion", "Акция", I),
            ("sku", "Артикул", I),
            ("qty", "Количество", Q),
            ("cost", "Себестоимость", M),
        ],
        gifts,
    )
    .totals(&["cost"]),
    // Fiscal and compliance
    def(
        "fiscal_documents",
        "Фискальные документы",
        "fiscal",
        &[
            ("receipt", "Чек", I),
            ("fd_number", "ФД", C),
            ("fiscal_sign", "ФП", T),
            ("at", "Время", Tm),
            ("total", "Сумма", M),
        ],
        fiscal_documents,
    )
    .totals(&["total"]),
    def(
        "marked_goods",
        "Маркированные товары",
        "fiscal",
        &[
            ("sku", "Артикул", I),
            ("name", "Товар", T),
            ("codes_sold", "Кодов продано", C),
            ("codes_returned", "Кодов возвращено", C),
        ],
        marked_goods,
    )
    .totals(&["codes_sold", "codes_returned"]),
    def(
        "vat_by_day",
        "НДС по дням",
        "fiscal",
        &[
            ("day", "День", D),
            ("vat", "Ставка НДС", T),
            ("net_revenue", "Выручка", M),
            ("vat_amount", "НДС", M),
        ],
        vat_by_day,
    )
    .totals(&["net_revenue", "vat_amount"]),
    def(
        "count_variance",
        "Инвентаризация: расхождения",
        "inventory",
        &[
            ("count", "Инвентаризация", I),
            ("at", "Время", Tm),
            ("sku", "Артикул", I),
            ("name", "Товар", T),
            ("book_qty", "По учёту", Q),
            ("counted_qty", "Фактически", Q),
            ("difference", "Разница", Q),
            ("value", "Сумма", M),
        ],
        count_variance,
    )
    .totals(&["value"]),
];

type Out = Result<Vec<Vec<Cell>>>;

fn q(value: Decimal) -> Cell {
    Cell::Qty(value.normalize())
}

fn pct(value: Option<Decimal>) -> Cell {
    Cell::Percent(value)
}

fn num(value: Option<Decimal>) -> Cell {
    Cell::Number(value)
}

/// A row of a thing: its id, its readable name, then its figures.
fn named(id: &str, name: String, figures: Vec<Cell>) -> Vec<Cell> {
    let mut row = Vec::with_capacity(figures.len() + 2);
    row.push(Cell::from(id));
    row.push(Cell::Text(name));
    row.extend(figures);
    row
}

/// The name of a store or an employee by id (empty for one not in the books).
fn name_in(names: &HashMap<String, String>, id: &str) -> String {
    names.get(id).cloned().unwrap_or_default()
}

fn catalogue(src: &dyn Source) -> Result<Vec<ProductFact>> {
    src.products()
}

fn by_sku(products: &[ProductFact]) -> HashMap<String, &ProductFact> {
    products.iter().map(|p| (p.sku.clone(), p)).collect()
}

fn name_of(products: &HashMap<String, &ProductFact>, sku: &str) -> String {
    products.get(sku).map(|p| p.name.clone()).unwrap_or_default()
}

fn category_of(products: &HashMap<String, &ProductFact>, sku: &str) -> String {
    products
        .get(sku)
        .and_then(|p| p.category.clone())
        .unwrap_or_else(|| "Без категории".to_owned())
}

fn employee_names(src: &dyn Source) -> Result<HashMap<String, String>> {
    Ok(src.employees()?.into_iter().map(|e| (e.id, e.name)).collect())
}

/// Receipts of the period summed by a key.
fn checks<K: std::hash::Hash + Eq + Ord + Clone>(
    src: &dyn Source,
    p: &Params,
    key: impl Fn(&ReceiptSum) -> K,
) -> Result<Vec<(K, Checks)>> {
    Ok(figures::checks_by(&src.receipt_sums(&p.period)?, key))
}

/// Lines of the period summed per product, with the catalogue at hand.
fn per_product(src: &dyn Source, p: &Params) -> Result<(Vec<ProductFact>, Vec<(String, Lines)>)> {
    let products = catalogue(src)?;
    let sums = figures::lines_by(&src.product_sums(&p.period)?, |l| Some(l.sku.clone()));
    Ok((products, sums))
}

fn sales_summary(src: &dyn Source, p: &Params) -> Out {
    let c = checks(src, p, |_| ())?
        .into_iter()
        .next()
        .map(|(_, c)| c)
        .unwrap_or_default();
    Ok(vec![vec![
        c.receipts.into(),
        c.gross.into(),
        c.discounts.into(),
        c.sales.into(),
        c.returns_count.into(),
        c.returns.into(),
        c.net().into(),
        c.average().into(),
        q(c.items),
    ]])
}

fn sales_by_day(src: &dyn Source, p: &Params) -> Out {
    Ok(checks(src, p, |r| r.day)?
        .into_iter()
        .map(|(day, c)| {
            vec![
                day.into(),
                c.receipts.into(),
                c.sales.into(),
                c.returns.into(),
                c.net().into(),
                c.average().into(),
            ]
        })
        .collect())
}

fn sales_by_hour(src: &dyn Source, p: &Params) -> Out {
    let sums: HashMap<u32, Checks> = checks(src, p, |r| r.hour)?.into_iter().collect();
    Ok((0..24u32)
        .map(|h| {
            let c = sums.get(&h).copied().unwrap_or_default();
            vec![i64::from(h).into(), c.receipts.into(), c.net().into()]
        })
        .collect())
}

fn sales_by_weekday(src: &dyn Source, p: &Params) -> Out {
    let sums: HashMap<u32, Checks> = checks(src, p, |r| r.day.weekday().number_from_monday())?
        .into_iter()
        .collect();
    Ok((1..=7u32)
        .map(|d| {
            let c = sums.get(&d).copied().unwrap_or_default();
            vec![
                i64::from(d).into(),
                c.receipts.into(),
                c.net().into(),
                c.average().into(),
            ]
        })
        .collect())
}

fn sales_by_month(src: &dyn Source, p: &Params) -> Out {
    Ok(checks(src, p, |r| r.day.format("%Y-%m").to_string())?
        .into_iter()
        .map(|(month, c)| vec![month.into(), c.receipts.into(), c.net().into()])
        .collect())
}

fn sales_heatmap(src: &dyn Source, p: &Params) -> Out {
    let sums: HashMap<(u32, u32), Checks> = checks(src, p, |r| (r.day.weekday().number_from_monday(), r.hour))?
        .into_iter()
        .collect();
    let mut rows = Vec::with_capacity(168);
    for d in 1..=7u32 {
        for h in 0..24u32 {
            let c = sums.get(&(d, h)).copied().unwrap_or_default();
            rows.push(vec![i64::from(d).into(), i64::from(h).into(), c.net().into()]);
        }
    }
    Ok(rows)
}

fn sales_by_store(src: &dyn Source, p: &Params) -> Out {
    let names: HashMap<String, String> = src.stores()?.into_iter().collect();
    let sums = checks(src, p, |r| r.store.clone())?;
    let whole = Money::sum(sums.iter().map(|(_, c)| c.net()));
    Ok(sums
        .into_iter()
        .map(|(store, c)| {
            named(
                &store,
                name_in(&names, &store),
                vec![
                    c.receipts.into(),
                    c.net().into(),
                    c.average().into(),
                    pct(c.net().percent_of(whole)),
                ],
            )
        })
        .collect())
}

fn sales_by_till(src: &dyn Source, p: &Params) -> Out {
    Ok(checks(src, p, |r| (r.store.clone(), r.till.clone()))?
        .into_iter()
        .map(|((store, till), c)| vec![store.into(), till.into(), c.receipts.into(), c.net().into()])
        .collect())
}

/// Products by net revenue, largest first (ties by sku).
fn ranked(sums: Vec<(String, Lines)>) -> Vec<(String, Lines)> {
    let mut sums = sums;
    sums.sort_by(|a, b| b.1.net().cmp(&a.1.net()).then_with(|| a.0.cmp(&b.0)));
    sums
}

fn sales_by_product(src: &dyn Source, p: &Params) -> Out {
    let (products, sums) = per_product(src, p)?;
    let names = by_sku(&products);
    let whole = Money::sum(sums.iter().map(|(_, l)| l.net()));
    Ok(ranked(sums)
        .into_iter()
        .map(|(sku, l)| {
            named(
                &sku,
                name_of(&names, &sku),
                vec![q(l.net_qty()), l.net().into(), pct(l.net().percent_of(whole))],
            )
        })
        .collect())
}

fn per_category(src: &dyn Source, p: &Params) -> Result<Vec<(String, Lines)>> {
    let products = catalogue(src)?;
    let names = by_sku(&products);
    Ok(figures::lines_by(&src.product_sums(&p.period)?, |l| {
        Some(category_of(&names, &l.sku))
    }))
}

fn sales_by_category(src: &dyn Source, p: &Params) -> Out {
    let sums = per_category(src, p)?;
    let whole = Money::sum(sums.iter().map(|(_, l)| l.net()));
    Ok(sums
        .into_iter()
        .map(|(category, l)| {
            vec![
                category.into(),
                q(l.net_qty()),
                l.net().into(),
                pct(l.net().percent_of(whole)),
            ]
        })
        .collect())
}

fn top_products(src: &dyn Source, p: &Params) -> Out {
    let (products, sums) = per_product(src, p)?;
    let names = by_sku(&products);
    Ok(ranked(sums)
        .into_iter()
        .take(20)
        .enumerate()
        .map(|(i, (sku, l))| {
            vec![
                (i + 1).into(),
                Cell::from(&sku),
                name_of(&names, &sku).into(),
                q(l.net_qty()),
                l.net().into(),
            ]
        })
        .collect())
}

fn average_check_by_day(src: &dyn Source, p: &Params) -> Out {
    Ok(checks(src, p, |r| r.day)?
        .into_iter()
        .filter(|(_, c)| c.receipts > 0)
        .map(|(day, c)| {
            vec![
                day.into(),
                c.receipts.into(),
                c.average().into(),
                num(ratio(c.items, Decimal::from(c.receipts), 2)),
            ]
        })
        .collect())
}

fn receipts_journal(src: &dyn Source, p: &Params) -> Out {
    Ok(src
        .receipts(&p.period)?
        .into_iter()
        .map(|r| {
            vec![
                r.id.into(),
                Cell::Time(r.at),
                (if r.sale { "sale" } else { "return" }).into(),
                r.store.into(),
                r.till.into(),
                r.cashier.into(),
                r.total.into(),
                r.cash.into(),
                r.card.into(),
                r.other.into(),
            ]
        })
        .collect())
}

fn sales_by_vat_rate(src: &dyn Source, p: &Params) -> Out {
    Ok(
        figures::lines_by(&src.product_sums(&p.period)?, |l| Some(l.vat.clone()))
            .into_iter()
            .map(|(vat, l)| vec![vat.into(), l.net().into(), l.vat.into()])
            .collect(),
    )
}

fn sales_by_unit(src: &dyn Source, p: &Params) -> Out {
    let products = catalogue(src)?;
    let units = by_sku(&products);
    Ok(figures::lines_by(&src.product_sums(&p.period)?, |l| {
        units.get(&l.sku).map(|p| p.unit.clone())
    })
    .into_iter()
    .map(|(unit, l)| vec![unit.into(), q(l.net_qty()), l.net().into()])
    .collect())
}

const METHODS: [&str; 3] = ["cash", "card", "other"];

fn payments_by_method(src: &dyn Source, p: &Params) -> Out {
    let c = checks(src, p, |_| ())?
        .into_iter()
        .next()
        .map(|(_, c)| c)
        .unwrap_or_default();
    Ok(METHODS
        .iter()
        .zip(c.methods)
        .filter(|(_, (s, r))| !s.is_zero() || !r.is_zero())
        .map(|(method, (s, r))| vec![(*method).into(), s.into(), r.into(), (s - r).into()])
        .collect())
}

fn payments_by_day(src: &dyn Source, p: &Params) -> Out {
    Ok(checks(src, p, |r| r.day)?
        .into_iter()
        .map(|(day, c)| vec![day.into(), c.net_by(0).into(), c.net_by(1).into(), c.net_by(2).into()])
        .collect())
}

/// Per shift: cash in, cash out (not collections), collections.
fn shift_cash(src: &dyn Source, p: &Params) -> Result<HashMap<String, (Money, Money, Money)>> {
    let mut cash: HashMap<String, (Money, Money, Money)> = HashMap::new();
    for c in src.shift_cash(&p.period)? {
        let entry = cash.entry(c.shift.clone()).or_default();
        match c.reason.as_deref() {
            None => entry.0 += c.amount,
            Some("collection") => entry.2 -= c.amount,
            Some(_) => entry.1 -= c.amount,
        }
    }
    Ok(cash)
}

/// Receipts of the period's shifts summed per shift.
fn per_shift(src: &dyn Source, p: &Params) -> Result<HashMap<String, Checks>> {
    Ok(figures::checks_by(&src.shift_sums(&p.period)?, |r| r.shift.clone())
        .into_iter()
        .collect())
}

fn cash_by_shift(src: &dyn Source, p: &Params) -> Out {
    let cash = shift_cash(src, p)?;
    let sums = per_shift(src, p)?;
    Ok(src
        .shifts(&p.period)?
        .into_iter()
        .map(|s| {
            let (cash_in, out, collections) = cash.get(&s.id).copied().unwrap_or_default();
            let (sales, returns) = sums.get(&s.id).map_or((Money::ZERO, Money::ZERO), |c| c.methods[0]);
            vec![
                s.id.into(),
                Cell::Time(s.opened_at),
                cash_in.into(),
                sales.into(),
                returns.into(),
                out.into(),
                collections.into(),
                (cash_in + sales - returns - out - collections).into(),
            ]
        })
        .collect())
}

fn collections(src: &dyn Source, p: &Params) -> Out {
    Ok(src
        .cash(&p.period)?
        .into_iter()
        .filter(|c| c.reason.as_deref() == Some("collection"))
        .map(|c| vec![c.shift.into(), Cell::Time(c.at), (-c.amount).into()])
        .collect())
}

fn cash_in_out(src: &dyn Source, p: &Params) -> Out {
    Ok(src
        .cash(&p.period)?
        .into_iter()
        .map(|c| {
            let (kind, amount) = if c.reason.is_some() {
                ("cash_out", -c.amount)
            } else {
                ("cash_in", c.amount)
            };
            vec![
                c.shift.into(),
                Cell::Time(c.at),
                kind.into(),
                c.reason.unwrap_or_default().into(),
                amount.into(),
            ]
        })
        .collect())
}

fn cash_book(src: &dyn Source, p: &Params) -> Out {
    let mut days: BTreeMap<NaiveDate, (Money, Money)> = BTreeMap::new();
    for (day, c) in checks(src, p, |r| r.day)? {
        let entry = days.entry(day).or_default();
        entry.0 += c.methods[0].0;
        entry.1 += c.methods[0].1;
    }
    for c in src.cash(&p.period)? {
        let entry = days.entry(c.day).or_default();
        if c.amount.is_negative() {
            entry.1 -= c.amount;
        } else {
            entry.0 += c.amount;
        }
    }
    days.retain(|_, (received, paid)| !received.is_zero() || !paid.is_zero());
    let Some(first) = days.keys().next().copied() else {
        return Ok(Vec::new());
    };
    let mut balance = src.cash_before(p.period.store.as_deref(), first)?;
    Ok(days
        .into_iter()
        .map(|(day, (received, paid))| {
            let opening = balance;
            balance = opening + received - paid;
            vec![day.into(), opening.into(), received.into(), paid.into(), balance.into()]
        })
        .collect())
}

fn hours(seconds: Option<i64>) -> Option<Decimal> {
    seconds.map(|s| round(Decimal::from(s) / Decimal::from(3600), 2))
}

fn shifts(src: &dyn Source, p: &Params) -> Out {
    let sums = per_shift(src, p)?;
    Ok(src
        .shifts(&p.period)?
        .into_iter()
        .map(|s| {
            let c = sums.get(&s.id).copied().unwrap_or_default();
            vec![
                s.id.into(),
                s.store.into(),
                s.till.into(),
                s.cashier.into(),
                Cell::Time(s.opened_at),
                s.closed_at.map_or(Cell::Empty, Cell::Time),
                num(hours(s.seconds)),
                c.receipts.into(),
                c.net().into(),
            ]
        })
        .collect())
}

fn shift_summary(src: &dyn Source, p: &Params) -> Out {
    let sums = per_shift(src, p)?;
    let cash = shift_cash(src, p)?;
    Ok(src
        .shifts(&p.period)?
        .into_iter()
        .map(|s| {
            let c = sums.get(&s.id).copied().unwrap_or_default();
            let (cash_in, out, collections) = cash.get(&s.id).copied().unwrap_or_default();
            let cash_out = out + collections;
            vec![
                s.id.into(),
                c.receipts.into(),
                c.sales.into(),
                c.returns_count.into(),
                c.returns.into(),
                c.net_by(0).into(),
                c.net_by(1).into(),
                c.net_by(2).into(),
                cash_in.into(),
                cash_out.into(),
                (cash_in + c.net_by(0) - cash_out).into(),
            ]
        })
        .collect())
}

fn shift_open_close_times(src: &dyn Source, p: &Params) -> Out {
    let mut days: BTreeMap<(NaiveDate, String), (String, Option<(i64, String)>)> = BTreeMap::new();
    for s in src.shifts(&p.period)? {
        // Shifts come by opening time: the first seen opened first.
        let entry = days
            .entry((s.day, s.store.clone()))
            .or_insert((s.opened_at.clone(), None));
        if let Some(closed) = s.closed_at {
            let moment = crate::clock::At::parse(&closed).map_or(0, |at| at.epoch_millis());
            if entry.1.as_ref().is_none_or(|(last, _)| *last < moment) {
                entry.1 = Some((moment, closed));
            }
        }
    }
    Ok(days
        .into_iter()
        .map(|((day, store), (first, last))| {
            vec![
                day.into(),
                store.into(),
                Cell::Time(first),
                last.map_or(Cell::Empty, |(_, at)| Cell::Time(at)),
            ]
        })
        .collect())
}

fn returns_by_day(src: &dyn Source, p: &Params) -> Out {
    Ok(checks(src, p, |r| r.day)?
        .into_iter()
        .filter(|(_, c)| c.returns_count > 0)
        .map(|(day, c)| vec![day.into(), c.returns_count.into(), c.returns.into()])
        .collect())
}

fn returns_by_product(src: &dyn Source, p: &Params) -> Out {
    let (products, sums) = per_product(src, p)?;
    let names = by_sku(&products);
    Ok(sums
        .into_iter()
        .filter(|(_, l)| !l.qty_returned.is_zero())
        .map(|(sku, l)| {
            named(
                &sku,
                name_of(&names, &sku),
                vec![
                    q(l.qty_sold),
                    q(l.qty_returned),
                    pct(percent(l.qty_returned, l.qty_sold)),
                    l.returns.into(),
                ],
            )
        })
        .collect())
}

fn returns_by_cashier(src: &dyn Source, p: &Params) -> Out {
    let names = employee_names(src)?;
    Ok(checks(src, p, |r| r.cashier.clone())?
        .into_iter()
        .filter(|(_, c)| c.returns_count > 0)
        .map(|(cashier, c)| {
            named(
                &cashier,
                name_in(&names, &cashier),
                vec![c.returns_count.into(), c.returns.into()],
            )
        })
        .collect())
}

fn returns_by_category(src: &dyn Source, p: &Params) -> Out {
    Ok(per_category(src, p)?
        .into_iter()
        .filter(|(_, l)| !l.qty_returned.is_zero())
        .map(|(category, l)| {
            vec![
                category.into(),
                q(l.qty_returned),
                l.returns.into(),
                pct(percent(l.qty_returned, l.qty_sold)),
            ]
        })
        .collect())
}

fn gross_profit_by_product(src: &dyn Source, p: &Params) -> Out {
    let (products, sums) = per_product(src, p)?;
    let names = by_sku(&products);
    let mut sums = sums;
    sums.sort_by(|a, b| b.1.profit().cmp(&a.1.profit()).then_with(|| a.0.cmp(&b.0)));
    Ok(sums
        .into_iter()
        .map(|(sku, l)| {
            named(
                &sku,
                name_of(&names, &sku),
                vec![
                    q(l.net_qty()),
                    l.net().into(),
                    l.net_cogs().into(),
                    l.profit().into(),
                    pct(l.markup()),
                    pct(l.margin()),
                ],
            )
        })
        .collect())
}

fn gross_profit_by_category(src: &dyn Source, p: &Params) -> Out {
    Ok(per_category(src, p)?
        .into_iter()
        .map(|(category, l)| {
            vec![
                category.into(),
                l.net().into(),
                l.net_cogs().into(),
                l.profit().into(),
                pct(l.markup()),
                pct(l.margin()),
            ]
        })
        .collect())
}

fn gross_profit_by_day(src: &dyn Source, p: &Params) -> Out {
    Ok(figures::lines_by(&src.day_sums(&p.period)?, |l| l.day)
        .into_iter()
        .map(|(day, l)| {
            vec![
                day.into(),
                l.net().into(),
                l.net_cogs().into(),
                l.profit().into(),
                pct(l.margin()),
            ]
        })
        .collect())
}

fn gross_profit_by_store(src: &dyn Source, p: &Params) -> Out {
    Ok(figures::lines_by(&src.day_sums(&p.period)?, |l| l.store.clone())
        .into_iter()
        .map(|(store, l)| {
            vec![
                store.into(),
                l.net().into(),
                l.net_cogs().into(),
                l.profit().into(),
                pct(l.margin()),
            ]
        })
        .collect())
}

fn low_margin_products(src: &dyn Source, p: &Params) -> Out {
    let threshold = p.threshold.unwrap_or(Decimal::TEN);
    let (products, sums) = per_product(src, p)?;
    let names = by_sku(&products);
    Ok(sums
        .into_iter()
        .filter_map(|(sku, l)| {
            let margin = l.margin()?;
            (margin < threshold).then(|| named(&sku, name_of(&names, &sku), vec![l.net().into(), pct(Some(margin))]))
        })
        .collect())
}

fn below_cost_sales(src: &dyn Source, p: &Params) -> Out {
    Ok(src
        .below_cost(&p.period)?
        .into_iter()
        .map(|l| {
            vec![
                l.receipt.into(),
                Cell::Time(l.at),
                l.sku.into(),
                q(l.qty),
                l.amount.into(),
                l.cogs.into(),
            ]
        })
        .collect())
}

/// ABC classes over values, largest first: A while the cumulative share
/// is ≤ 80, B ≤ 95, else C; the product that crosses a bound takes the
/// next class; values ≤ 0 are C. Returns (key, value, share, cumulative, class).
fn abc(values: Vec<(String, Money)>) -> Vec<(String, Money, Option<Decimal>, Option<Decimal>, &'static str)> {
    let mut values = values;
    values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let whole = Money::sum(values.iter().map(|v| v.1).filter(|m| m.is_positive()));
    let mut cumulative = Money::ZERO;
    values
        .into_iter()
        .map(|(key, value)| {
            if value.is_positive() {
                cumulative += value;
            }
            let cum = cumulative.percent_of(whole);
            // The bounds compared exactly (80.0002 % is past 80 though shown as 80.00).
            let within = |bound: i64| {
                cumulative.as_decimal() * Decimal::ONE_HUNDRED <= whole.as_decimal() * Decimal::from(bound)
            };
            let class = match () {
                _ if !value.is_positive() => "C",
                _ if within(80) => "A",
                _ if within(95) => "B",
                _ => "C",
            };
            (key, value, value.percent_of(whole), cum, class)
        })
        .collect()
}

fn abc_rows(src: &dyn Source, p: &Params, value: fn(&Lines) -> Money) -> Out {
    let (products, sums) = per_product(src, p)?;
    let names = by_sku(&products);
    Ok(abc(sums.iter().map(|(sku, l)| (sku.clone(), value(l))).collect())
        .into_iter()
        .map(|(sku, v, share, cum, class)| {
            named(
                &sku,
                name_of(&names, &sku),
                vec![v.into(), pct(share), pct(cum), class.into()],
            )
        })
        .collect())
}

fn abc_revenue(src: &dyn Source, p: &Params) -> Out {
    abc_rows(src, p, Lines::net)
}

fn abc_profit(src: &dyn Source, p: &Params) -> Out {
    abc_rows(src, p, Lines::profit)
}

/// The period's days; an open end (all time) stops at the first or last day with trade.
fn bounds(p: &Params, days: &[NaiveDate]) -> (NaiveDate, NaiveDate) {
    let first = days.iter().min().copied();
    let last = days.iter().max().copied();
    let from = if p.period.from.year() <= 1 {
        first.unwrap_or(p.period.from)
    } else {
        p.period.from
    };
    let to = if p.period.to.year() >= 9999 {
        last.unwrap_or(p.period.to)
    } else {
        p.period.to
    };
    (from, to.max(from))
}

/// The Monday of a day's ISO week.
fn monday(day: NaiveDate) -> NaiveDate {
    day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// Per product: weeks, mean weekly net quantity, cv and class, over the
/// ISO weeks the period touches.
fn xyz(src: &dyn Source, p: &Params) -> Result<BTreeMap<String, (usize, Decimal, Option<Decimal>, &'static str)>> {
    let weekly_rows = src.weekly_qty(&p.period)?;
    let mondays: Vec<NaiveDate> = weekly_rows.iter().map(|(_, m, _)| *m).collect();
    let (from, to) = bounds(p, &mondays);
    let mut weeks = Vec::new();
    let mut week = monday(from);
    while week <= to {
        weeks.push(week);
        week += chrono::Duration::days(7);
    }
    let mut weekly: BTreeMap<String, HashMap<NaiveDate, Decimal>> = BTreeMap::new();
    for (sku, week, qty) in weekly_rows {
        *weekly.entry(sku).or_default().entry(week).or_default() += qty;
    }
    let n = Decimal::from(weeks.len().max(1));
    Ok(weekly
        .into_iter()
        .map(|(sku, by_week)| {
            let qtys: Vec<Decimal> = weeks
                .iter()
                .map(|w| by_week.get(w).copied().unwrap_or_default())
                .collect();
            let mean = qtys.iter().copied().sum::<Decimal>() / n;
            let variance = qtys.iter().map(|q| (*q - mean) * (*q - mean)).sum::<Decimal>() / n;
            // No demand, or more back than sold: no variation to speak of (Z).
            let cv = if mean <= Decimal::ZERO {
                None
            } else {
                rust_decimal::MathematicalOps::sqrt(&variance).map(|sd| round(sd / mean * Decimal::ONE_HUNDRED, 2))
            };
            let class = match cv {
                Some(c) if c <= Decimal::TEN => "X",
                Some(c) if c <= Decimal::from(25) => "Y",
                _ => "Z",
            };
            (sku, (weeks.len(), round(mean, 3), cv, class))
        })
        .collect())
}

fn xyz_demand(src: &dyn Source, p: &Params) -> Out {
    let products = catalogue(src)?;
    let names = by_sku(&products);
    Ok(xyz(src, p)?
        .into_iter()
        .map(|(sku, (weeks, mean, cv, class))| {
            named(
                &sku,
                name_of(&names, &sku),
                vec![weeks.into(), q(mean), pct(cv), class.into()],
            )
        })
        .collect())
}

fn abc_xyz(src: &dyn Source, p: &Params) -> Out {
    let (_, sums) = per_product(src, p)?;
    let xyz = xyz(src, p)?;
    let mut cells: BTreeMap<String, (i64, Money)> = BTreeMap::new();
    for (sku, revenue, _, _, class) in abc(sums.iter().map(|(sku, l)| (sku.clone(), l.net())).collect()) {
        let x = xyz.get(&sku).map_or("Z", |v| v.3);
        let entry = cells.entry(format!("{class}{x}")).or_insert((0, Money::ZERO));
        entry.0 += 1;
        entry.1 += revenue;
    }
    Ok(cells
        .into_iter()
        .map(|(class, (n, revenue))| vec![class.into(), n.into(), revenue.into()])
        .collect())
}

fn basket_pairs(src: &dyn Source, p: &Params) -> Out {
    let (lines, skus) = src.baskets(&p.period)?;
    // Products are numbered; a basket is the distinct numbers of one receipt.
    let mut counts: HashMap<(u32, u32), i64> = HashMap::new();
    let mut basket: Vec<u32> = Vec::new();
    let mut flush = |basket: &mut Vec<u32>| {
        basket.sort_unstable();
        basket.dedup();
        for (i, a) in basket.iter().enumerate() {
            for b in &basket[i + 1..] {
                *counts.entry((*a, *b)).or_default() += 1;
            }
        }
        basket.clear();
    };
    let mut current = None;
    for (receipt, sku) in lines {
        if current != Some(receipt) {
            flush(&mut basket);
            current = Some(receipt);
        }
        basket.push(sku);
    }
    flush(&mut basket);
    let name = |n: u32| skus.get(n as usize).cloned().unwrap_or_default();
    let mut pairs: Vec<((String, String), i64)> = counts
        .into_iter()
        .map(|((a, b), n)| {
            let (a, b) = (name(a), name(b));
            (if a <= b { (a, b) } else { (b, a) }, n)
        })
        .collect();
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(pairs
        .into_iter()
        .take(50)
        .map(|((a, b), n)| vec![a.into(), b.into(), n.into()])
        .collect())
}

/// Products with a sale line in the period.
fn sold(src: &dyn Source, p: &Params) -> Result<BTreeSet<String>> {
    Ok(src
        .product_sums(&p.period)?
        .into_iter()
        .filter(|l| l.sale)
        .map(|l| l.sku)
        .collect())
}

fn assortment_by_category(src: &dyn Source, p: &Params) -> Out {
    let products = catalogue(src)?;
    let names = by_sku(&products);
    let sold = sold(src, p)?;
    let mut categories: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for product in &products {
        let entry = categories.entry(category_of(&names, &product.sku)).or_default();
        entry.0 += 1;
        if sold.contains(&product.sku) {
            entry.1 += 1;
        }
    }
    Ok(categories
        .into_iter()
        .map(|(c, (n, s))| vec![c.into(), n.into(), s.into()])
        .collect())
}

/// Days in the period (an open one: the days with trade, first to last).
fn period_days(src: &dyn Source, p: &Params) -> Result<i64> {
    let days: Vec<NaiveDate> = if p.period.from.year() <= 1 || p.period.to.year() >= 9999 {
        src.day_sums(&p.period)?.into_iter().filter_map(|l| l.day).collect()
    } else {
        Vec::new()
    };
    let (from, to) = bounds(p, &days);
    Ok((to - from).num_days() + 1)
}

fn product_velocity(src: &dyn Source, p: &Params) -> Out {
    let (products, sums) = per_product(src, p)?;
    let names = by_sku(&products);
    let days = period_days(src, p)?;
    Ok(sums
        .into_iter()
        .map(|(sku, l)| {
            named(
                &sku,
                name_of(&names, &sku),
                vec![
                    q(l.net_qty()),
                    days.into(),
                    num(ratio(l.net_qty(), Decimal::from(days), 3)),
                ],
            )
        })
        .collect())
}

/// Stock per sku the day before the period and at its end.
struct Stock {
    opening: HashMap<String, (Decimal, Money, Decimal)>,
    closing: HashMap<String, (Decimal, Money, Decimal)>,
}

fn stock(src: &dyn Source, p: &Params) -> Result<Stock> {
    let opening = match p.period.from.pred_opt() {
        Some(d) if p.period.from.year() > 1 => figures::stock_by_sku(&src.stock_at(&p.period, Some(d))?),
        _ => HashMap::new(),
    };
    let end = (p.period.to.year() < 9999).then_some(p.period.to);
    let closing = figures::stock_by_sku(&src.stock_at(&p.period, end)?);
    Ok(Stock { opening, closing })
}

fn stock_balance(src: &dyn Source, p: &Params) -> Out {
    let products = catalogue(src)?;
    let names = by_sku(&products);
    let mut rows: Vec<_> = stock(src, p)?
        .closing
        .into_iter()
        .filter(|(_, (qty, _, _))| !qty.is_zero())
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(rows
        .into_iter()
        .map(|(sku, (qty, value, exact))| {
            // The average of the stores' exact averages, weighted by quantity.
            let average = Money::round(exact / qty);
            named(&sku, name_of(&names, &sku), vec![q(qty), average.into(), value.into()])
        })
        .collect())
}

fn stock_movement(src: &dyn Source, p: &Params) -> Out {
    let stock = stock(src, p)?;
    let mut columns: BTreeMap<String, [Decimal; 6]> = BTreeMap::new();
    for m in src.stock_moves(&p.period)? {
        let entry = columns.entry(m.sku.clone()).or_default();
        for (sum, moved) in entry.iter_mut().zip(m.moved) {
            *sum += moved;
        }
    }
    for sku in stock.opening.iter().filter(|(_, v)| !v.0.is_zero()).map(|(s, _)| s) {
        columns.entry(sku.clone()).or_default();
    }
    Ok(columns
        .into_iter()
        .map(|(sku, c)| {
            let opening = stock.opening.get(&sku).map_or(Decimal::ZERO, |v| v.0);
            let closing = stock.closing.get(&sku).map_or(Decimal::ZERO, |v| v.0);
            let mut row = vec![Cell::from(&sku), q(opening)];
            row.extend(c.iter().map(|v| q(*v)));
            row.push(q(closing));
            row
        })
        .collect())
}

fn docs_by_party(src: &dyn Source, p: &Params, kind: &str) -> Out {
    let mut parties: BTreeMap<String, (BTreeSet<String>, Decimal, Money)> = BTreeMap::new();
    for l in src.doc_lines(&p.period)?.into_iter().filter(|l| l.kind == kind) {
        let entry = parties.entry(l.party.clone()).or_default();
        entry.0.insert(l.doc.clone());
        entry.1 += l.qty;
        // A write-off is valued at the average cost; the others at the document's cost.
        let unit = match (kind, l.cost) {
            ("write_off", _) | (_, None) => l.unit_cost,
            (_, Some(cost)) => cost.as_decimal(),
        };
        entry.2 += Money::round(l.qty * unit);
    }
    Ok(parties
        .into_iter()
        .map(|(party, (docs, qty, value))| vec![party.into(), docs.len().into(), q(qty), value.into()])
        .collect())
}

fn dead_stock(src: &dyn Source, p: &Params) -> Out {
    let products = catalogue(src)?;
    let names = by_sku(&products);
    let sold = sold(src, p)?;
    let mut rows: Vec<_> = stock(src, p)?
        .closing
        .into_iter()
        .filter(|(sku, (qty, _, _))| *qty > Decimal::ZERO && !sold.contains(sku))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(rows
        .into_iter()
        .map(|(sku, (qty, value, _))| named(&sku, name_of(&names, &sku), vec![q(qty), value.into()]))
        .collect())
}

/// Per sku: line sums and the mean of opening and closing stock value.
fn with_stock(src: &dyn Source, p: &Params) -> Result<(Vec<ProductFact>, Vec<(String, Lines, Money)>)> {
    let (products, sums) = per_product(src, p)?;
    let stock = stock(src, p)?;
    let rows = sums
        .into_iter()
        .map(|(sku, l)| {
            let opening = stock.opening.get(&sku).map_or(Money::ZERO, |v| v.1);
            let closing = stock.closing.get(&sku).map_or(Money::ZERO, |v| v.1);
            let average = Money::round((opening + closing).as_decimal() / Decimal::TWO);
            (sku, l, average)
        })
        .collect();
    Ok((products, rows))
}

fn stock_turnover(src: &dyn Source, p: &Params) -> Out {
    let (products, rows) = with_stock(src, p)?;
    let names = by_sku(&products);
    let days = Decimal::from(period_days(src, p)?);
    Ok(rows
        .into_iter()
        .map(|(sku, l, average)| {
            let turnover = ratio(l.net_cogs().as_decimal(), average.as_decimal(), 2);
            let days_of_stock = ratio(average.as_decimal() * days, l.net_cogs().as_decimal(), 2);
            named(
                &sku,
                name_of(&names, &sku),
                vec![l.net_cogs().into(), average.into(), num(turnover), num(days_of_stock)],
            )
        })
        .collect())
}

fn gmroi(src: &dyn Source, p: &Params) -> Out {
    let (products, rows) = with_stock(src, p)?;
    let names = by_sku(&products);
    Ok(rows
        .into_iter()
        .map(|(sku, l, average)| {
            named(
                &sku,
                name_of(&names, &sku),
                vec![
                    l.profit().into(),
                    average.into(),
                    num(ratio(l.profit().as_decimal(), average.as_decimal(), 2)),
                ],
            )
        })
        .collect())
}

fn out_of_stock(src: &dyn Source, p: &Params) -> Out {
    let products = catalogue(src)?;
    let names = by_sku(&products);
    let stock = stock(src, p)?;
    let last: BTreeMap<String, NaiveDate> = src.last_sales(&p.period)?.into_iter().collect();
    Ok(last
        .into_iter()
        .filter(|(sku, _)| {
            names.get(sku).is_some_and(|p| p.stocked) && stock.closing.get(sku).is_none_or(|v| v.0 <= Decimal::ZERO)
        })
        .map(|(sku, day)| named(&sku, name_of(&names, &sku), vec![day.into()]))
        .collect())
}

fn sales_by_cashier(src: &dyn Source, p: &Params) -> Out {
    let names = employee_names(src)?;
    Ok(checks(src, p, |r| r.cashier.clone())?
        .into_iter()
        .map(|(cashier, c)| {
            named(
                &cashier,
                name_in(&names, &cashier),
                vec![
                    c.receipts.into(),
                    c.sales.into(),
                    c.returns.into(),
                    c.net().into(),
                    c.average().into(),
                ],
            )
        })
        .collect())
}

fn commission(src: &dyn Source, p: &Params) -> Out {
    let staff: HashMap<String, super::facts::EmployeeFact> =
        src.employees()?.into_iter().map(|e| (e.id.clone(), e)).collect();
    Ok(checks(src, p, |r| r.cashier.clone())?
        .into_iter()
        .map(|(employee, c)| {
            let (name, rate) = staff
                .get(&employee)
                .map_or((String::new(), Decimal::ZERO), |e| (e.name.clone(), e.commission_pct));
            let commission = Money::round(c.net().as_decimal() * rate / Decimal::ONE_HUNDRED);
            named(
                &employee,
                name,
                vec![c.net().into(), pct(Some(round(rate, 2))), commission.into()],
            )
        })
        .collect())
}

fn cashier_productivity(src: &dyn Source, p: &Params) -> Out {
    let names = employee_names(src)?;
    let mut seconds: HashMap<String, i64> = HashMap::new();
    for s in src.shifts(&p.period)? {
        *seconds.entry(s.cashier).or_default() += s.seconds.unwrap_or(0);
    }
    // Receipts of the same shifts the hours come from (a shift past midnight counts whole).
    Ok(figures::checks_by(&src.shift_sums(&p.period)?, |r| r.cashier.clone())
        .into_iter()
        .map(|(cashier, c)| {
            let worked = seconds.get(&cashier).copied().unwrap_or(0);
            let exact = Decimal::from(worked) / Decimal::from(3600);
            let per_hour = ratio(Decimal::from(c.receipts), exact, 2);
            let revenue = if exact.is_zero() {
                Money::ZERO
            } else {
                Money::round(c.net().as_decimal() / exact)
            };
            named(
                &cashier,
                name_in(&names, &cashier),
                vec![
                    num(hours(Some(worked))),
                    c.receipts.into(),
                    num(per_hour),
                    revenue.into(),
                ],
            )
        })
        .collect())
}

fn discounts_by_cashier(src: &dyn Source, p: &Params) -> Out {
    let names = employee_names(src)?;
    Ok(checks(src, p, |r| r.cashier.clone())?
        .into_iter()
        .filter(|(_, c)| c.discounted_lines > 0)
        .map(|(cashier, c)| {
            named(
                &cashier,
                name_in(&names, &cashier),
                vec![c.discounted_lines.into(), c.discounts.into()],
            )
        })
        .collect())
}

fn discounts_summary(src: &dyn Source, p: &Params) -> Out {
    let c = checks(src, p, |_| ())?
        .into_iter()
        .next()
        .map(|(_, c)| c)
        .unwrap_or_default();
    Ok(vec![vec![
        c.gross.into(),
        c.discounts.into(),
        pct(c.discounts.percent_of(c.gross)),
    ]])
}

fn promotions_performance(src: &dyn Source, p: &Params) -> Out {
    let mut promos: BTreeMap<String, (BTreeSet<String>, Money, Money)> = BTreeMap::new();
    for l in src.promo_lines(&p.period)?.into_iter().filter(|l| l.sale) {
        let entry = promos.entry(l.promotion).or_default();
        entry.0.insert(l.receipt);
        entry.1 += l.share;
        entry.2 += l.amount;
    }
    Ok(promos
        .into_iter()
        .map(|(promo, (receipts, discount, revenue))| {
            vec![promo.into(), receipts.len().into(), discount.into(), revenue.into()]
        })
        .collect())
}

fn gifts(src: &dyn Source, p: &Params) -> Out {
    let mut gifts: BTreeMap<(String, String), (Decimal, Money)> = BTreeMap::new();
    for l in src.promo_lines(&p.period)?.into_iter().filter(|l| l.sale && l.gift) {
        let entry = gifts.entry((l.promotion, l.sku)).or_default();
        entry.0 += l.qty;
        entry.1 += l.cogs;
    }
    Ok(gifts
        .into_iter()
        .map(|((promo, sku), (qty, cost))| vec![promo.into(), sku.into(), q(qty), cost.into()])
        .collect())
}

fn fiscal_documents(src: &dyn Source, p: &Params) -> Out {
    Ok(src
        .fiscal(&p.period)?
        .into_iter()
        .map(|f| {
            vec![
                f.receipt.into(),
                f.fd.into(),
                f.fp.into(),
                Cell::Time(f.at),
                f.total.into(),
            ]
        })
        .collect())
}

fn marked_goods(src: &dyn Source, p: &Params) -> Out {
    let products = catalogue(src)?;
    let names = by_sku(&products);
    Ok(src
        .markings(&p.period)?
        .into_iter()
        .map(|(sku, sold, returned)| named(&sku, name_of(&names, &sku), vec![sold.into(), returned.into()]))
        .collect())
}

fn vat_by_day(src: &dyn Source, p: &Params) -> Out {
    Ok(
        figures::lines_by(&src.day_sums(&p.period)?, |l| l.day.map(|d| (d, l.vat.clone())))
            .into_iter()
            .map(|((day, vat), l)| vec![day.into(), vat.into(), l.net().into(), l.vat.into()])
            .collect(),
    )
}

fn count_variance(src: &dyn Source, p: &Params) -> Out {
    let products = catalogue(src)?;
    let names = by_sku(&products);
    Ok(src
        .count_lines(&p.period)?
        .into_iter()
        .map(|c| {
            let value = Money::round(c.delta * c.unit_cost);
            vec![
                c.count.into(),
                Cell::Time(c.at),
                Cell::from(&c.sku),
                name_of(&names, &c.sku).into(),
                q(c.counted - c.delta),
                q(c.counted),
                q(c.delta),
                value.into(),
            ]
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_has_61_reports_with_unique_names() {
        assert_eq!(CATALOG.len(), 61);
        let names: BTreeSet<&str> = CATALOG.iter().map(|r| r.name).collect();
        assert_eq!(names.len(), 61);
    }

    #[test]
    fn abc_gives_the_crossing_product_the_next_class() {
        let m = |s: &str| Money::parse(s).expect("money");
        let classes: Vec<&str> = abc(vec![
            ("a".into(), m("70.00")),
            ("b".into(), m("15.00")),
            ("c".into(), m("10.00")),
            ("d".into(), m("5.00")),
            ("e".into(), m("-1.00")),
        ])
        .into_iter()
        .map(|r| r.4)
        .collect();
        // Cumulative 70, 85, 95, 100: A, B (crossed 80), B (95 ≤ 95), C; a loss is C.
        assert_eq!(classes, ["A", "B", "B", "C", "C"]);
    }
}
