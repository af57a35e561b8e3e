# %% [markdown]
# # Khám phá dữ liệu khách hàng · The analyst's explorer
# > Đổi ngày, cách phân nhóm, cửa sổ, số mức điểm; xem bên trong một nhóm, tra cứu một khách và xuất danh sách. Không chạy trong báo cáo tháng.
# > Try another date, scheme, window or cut points, look inside a segment, look up a customer and export a list. Not part of the monthly run.

# %% tags=["parameters"]
as_of = "2026-10-31"  # last day included, YYYY-MM-DD
orders_path = "data/raw/orders.csv"  # shop export (CSV, Parquet or XLSX), relative to the project root
customers_path = "data/raw/customers.csv"  # customers export, empty for none
scheme = "rfm11"  # segment scheme shown first
lang = "vi"  # labels and number format, vi or en

# %%
from helpers.kit import theme
from helpers.run.explorer import Explorer

theme.use_workbook_theme(lang)
explorer = Explorer.open(as_of=as_of, orders_path=orders_path, customers_path=customers_path,
                         scheme=scheme, lang=lang)
explorer

# %% [markdown]
# Ảnh tĩnh của chế độ xem hiện tại (hiển thị cả khi chạy không giao diện). · A static copy of the current view (shown in headless runs too).

# %%
display(*explorer.snapshot())
