"""The sample shop's people: Vietnamese names, phones in the forms people type, dates as text.

Only helpers.ingest.sample_data uses it."""

from __future__ import annotations

import numpy as np

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
          "Hồ", "Ngô", "Dương", "Lý"]
FAMILY_W = [38, 11, 9.5, 7, 5.1, 5, 4.5, 3.9, 3.5, 2.1, 2, 1.4, 1.3, 1.3, 1, 0.5]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hoàng", "Đức", "Thu", "Quang", "Hữu", "Phương", "Gia"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Huy",
         "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngân", "Nhung", "Phúc",
         "Phương", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Trung", "Tuấn", "Uyên",
         "Vy", "Yến"]
PROVINCES = ["Hồ Chí Minh", "Hà Nội", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Bình Dương", "Đồng Nai",
             "Khánh Hòa", "Thừa Thiên Huế", "Nghệ An", "Quảng Ninh", "Lâm Đồng"]
PROVINCE_W = [32, 26, 7, 5, 4, 6, 5, 3, 3, 3, 3, 3]
CHANNELS = ["POS", "website", "Shopee", "Zalo shop"]
CHANNEL_W = [0.45, 0.20, 0.25, 0.10]
MOBILE_PREFIXES = ["90", "91", "93", "94", "96", "97", "98", "32", "33", "35", "37", "38", "39", "70",
                   "76", "77", "79", "81", "83", "84", "85", "86", "88", "89"]

ASCII_FOLD = str.maketrans(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ",
    "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd",
)


def people_names(rng: np.random.Generator, n: int) -> np.ndarray:
    fam = rng.choice(FAMILY, n, p=np.array(FAMILY_W) / sum(FAMILY_W))
    mid = rng.choice(MIDDLE, n)
    giv = rng.choice(GIVEN, n)
    return np.char.add(np.char.add(np.char.add(fam, " "), np.char.add(mid, " ")), giv)


def phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """Vietnamese mobiles in the forms people type, with about 1% invalid."""
    prefix = rng.choice(MOBILE_PREFIXES, n)
    rest = np.char.zfill(rng.integers(0, 10_000_000, n).astype(str), 7)
    nine = np.char.add(prefix, rest)  # 9 digits after the country code
    form = rng.choice(5, n, p=[0.45, 0.25, 0.12, 0.12, 0.06])
    p1 = np.char.add("0", nine)
    spaced = np.char.add(np.char.add(np.char.add(np.char.add("0", _slice(nine, 0, 3)), " "),
                                     np.char.add(_slice(nine, 3, 6), " ")), _slice(nine, 6, 9))
    out = np.where(form == 0, p1, "")
    out = np.where(form == 1, spaced, out)
    out = np.where(form == 2, np.char.add("+84 ", nine), out)
    out = np.where(form == 3, np.char.add("84", nine), out)
    # invalid: too short, or a landline-like number
    bad = np.char.add("0", _slice(nine, 0, 6))
    out = np.where(form == 4, np.where(rng.random(n) < 0.2, bad, p1), out)
    return out


def _slice(a: np.ndarray, i: int, j: int) -> np.ndarray:
    """Characters i..j of every string (vectorised)."""
    b = a.astype(f"U{max(j, 1)}").view("U1").reshape(len(a), -1)[:, i:j]
    return np.ascontiguousarray(b).view(f"U{j - i}").ravel()


def dates_str(days: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(days.astype("datetime64[D]"), unit="D")


def ddmmyyyy(days: np.ndarray) -> np.ndarray:
    iso = dates_str(days)
    return np.char.add(np.char.add(np.char.add(_slice(iso, 8, 10), "/"),
                                   np.char.add(_slice(iso, 5, 7), "/")), _slice(iso, 0, 4))
