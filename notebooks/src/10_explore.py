# %% [markdown]
# # Khám phá dữ liệu khách hàng · The analyst's explorer
# > Đổi ngày, cách phân nhóm, cửa sổ, số mức điểm; xem bên trong một nhóm, tra cứu một khách và xuất danh sách. Không chạy trong báo cáo tháng.
# > Try another date, scheme, window or cut points, look inside a segment, look up a customer and export a list. Not part of the monthly run.

# %% tags=["parameters"]
# Để trống: như tháng đã công bố gần nhất trong reports/ · Empty: as the last published month in reports/
as_of = ""  # last day included, YYYY-MM-DD; empty: the last published month (the month before today without one)
orders_path = ""  # shop export (CSV, Parquet or XLSX), relative to the project root; empty: the one that month read
customers_path = ""  # customers export; empty: the one that month read (none if it read none)
scheme = ""  # segment scheme shown first; empty: that month's (rfm11 without one)
lang = ""  # labels and number format, vi or en; empty: that month's (vi without one)
currency = ""  # the shop's money, an ISO 4217 code (VND, USD, EUR); empty: that month's (VND without one)

# %%
from helpers.run.explorer import Explorer

explorer = Explorer.open(as_of=as_of, orders_path=orders_path, customers_path=customers_path,
                         scheme=scheme, lang=lang, currency=currency)
explorer

# %% [markdown]
# Ảnh tĩnh của chế độ xem hiện tại (hiển thị cả khi chạy không giao diện). · A static copy of the current view (shown in headless runs too).

# %%
display(*explorer.snapshot())
