"""Contact data in the send lists, and consent that can be shown (issue 32), on a hand-made shop
where every list is known by hand.

- Send lists take only the contacts the workbook itself calls valid (one e-mail rule, in
  stg_customers.sql; one phone rule, ingest.phones): a phone written with letters is invalid,
  never repaired; a contact a platform masked is left out and counted as such.
- Consent: a yes, or a dated yes; a later "no" (for every channel or for one) wins.
- Every send list has <list>.manifest.json: when, which consent columns, how many left out and
  why; the numbers reconcile and it holds no personal data.
- A send list carries only its channel's contact (issue 33).
- A name longer than Excel's cell limit is cut visibly in the XLSX, said in a Notes sheet.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date

import openpyxl
import pandas as pd
import pytest

from helpers.core.params import RunParams
from helpers.ingest import phones
from helpers.kit import export, rfm, xlsx
from helpers.pages.campaigns import files as campaigns_files
from helpers.pages.segments import files as segments_files
from helpers.pages.segments import sentences as segments_sentences

AS_OF = date(2026, 3, 31)
LONG_NAME = ("Nguyễn Văn " * 3820)[:42_010]  # 42,010 characters: Excel holds 32,767

CUSTOMERS = [
    # valid everything, consent everywhere
    {"customer_id": "a", "name": "An", "phone": "0987 654 321", "email": "an@x.vn",
     "consent_sms": "1", "consent_zalo": "1", "consent_email": "1"},
    # an e-mail a spreadsheet would run as a formula; a phone with letters (repaired, it would be
    # +84912345678)
    {"customer_id": "b", "name": "Bình", "phone": "0912abc345678", "email": "=1+2@evil.com",
     "consent_sms": "1", "consent_zalo": "1", "consent_email": "1"},
    # markup as an e-mail; a phone Shopee masked
    {"customer_id": "c", "name": "Châu", "phone": "84*****123", "email": "<script>@x.co",
     "consent_sms": "1", "consent_zalo": "1", "consent_email": "1"},
    # two dots in the domain; no SMS consent
    {"customer_id": "d", "name": "Dũng", "phone": "0912 000 111", "email": "an@gmail..com",
     "consent_email": "1"},
    # SMS: a yes on 5 January, withdrawn for every channel on 1 February: the no wins;
    # e-mail: a yes again on 15 February, after that no and an older e-mail no: the yes holds
    {"customer_id": "e", "name": "Em", "phone": "0912 000 222", "email": "em@x.vn",
     "consent_sms": "1", "consent_sms_date": "2026-01-05", "consent_withdrawn_date": "2026-02-01",
     "consent_email_date": "15/02/2026", "consent_email_withdrawn_date": "01/12/2025"},
    # a dated yes with the yes/no column empty is a yes; where it was given is carried along
    {"customer_id": "f", "name": "Phúc", "phone": "0912 000 333", "email": "phuc@x.vn",
     "consent_sms_date": "2026-03-01", "consent_source": "POS form"},
    # an undated SMS yes and a dated SMS no: the no wins
    {"customer_id": "g", "name": "Giang", "phone": "0912 000 444",
     "consent_sms": "yes", "consent_sms_withdrawn_date": "2026-02-10"},
    # no consent at all, and a name longer than an Excel cell
    {"customer_id": "h", "name": LONG_NAME, "phone": "0912 000 555", "email": "h@x.vn"},
]
ORDERS = [{"order_id": str(i), "customer_id": c["customer_id"],
           "order_date": f"2026-03-{i + 1:02d}", "amount": str(100_000 * (i + 1))}
          for i, c in enumerate(CUSTOMERS)]
PERSONAL = [v for c in CUSTOMERS for k, v in c.items()
            if k in ("customer_id", "name", "phone", "email") and len(v) > 1]


@pytest.fixture
def shop(con, given_orders, given_customers, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1775000000")  # 2026-03-31T23:33:20Z
    given_orders(ORDERS)
    given_customers(CUSTOMERS)
    run = RunParams.from_values(as_of=AS_OF, orders_path=tmp_path / "orders.csv",
                                customers_path=tmp_path / "customers.csv")
    scheme = rfm.load_run_scheme(run)
    rfm.build_rfm_customers(con, run=run, scheme=scheme)
    rfm.build_segment_summary(con, run)
    out = segments_files.write_rfm_outputs(con, output_dir=tmp_path / "out",
                                           segment_keys=scheme.keys, as_of=AS_OF,
                                           with_contacts=True, lang="vi")
    return tmp_path / "out" / "exports", out


def send_list(folder, channel) -> pd.DataFrame:
    return pd.concat(pd.read_csv(p, dtype=str, encoding="utf-8-sig", keep_default_na=False)
                     for p in sorted((folder / channel).glob("*.csv")))


def manifests(folder, channel) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((folder / channel).glob("*.manifest.json"))]


def totals(folder, channel) -> Counter:
    got = Counter()
    for m in manifests(folder, channel):
        got["rows"] += m["rows"]
        got["candidates"] += m["candidates"]
        got.update({k: v for k, v in m["left_out"].items() if v})
    return got


# ---------------------------------------------------------------- one rule for each contact

VALID = ["an@x.vn", "nguyen.van.an@gmail.com", "a+tag@gmail.com", "o'brien@x.ie",
         "a_b@sub.domain.com.vn", "An@Gmail.COM", "x@xn--bcher-kva.ch", "a1-b.c@d-e.f.vn",
         "a" * 64 + "@x.vn"]
INVALID = ["=1+2@evil.com", "<script>@x.co", "an@gmail..com", ".an@x.vn", "an.@x.vn",
           "a..b@x.vn", "an@x", "an@x.c", "an@-x.vn", "an@x-.vn", "an@x.vn.", "a b@x.vn",
           '"an"@x.vn', "an@[1.2.3.4]", "an@1.2.3.4", "a(b)@x.vn", "a,b@x.vn", "a;b@x.vn",
           "a:b@x.vn", "a\\b@x.vn", "an@@x.vn", "an@x.vn<script>", "a****@gmail.com",
           "+an@x.vn", "an@x.v2", "a" * 65 + "@x.vn", "a@" + "b" * 60 + "." + "c" * 200 + ".vn",
           "an@x..vn", "an@.x.vn", "an@x_y.vn", "an@x.vn,b@x.vn"]


def test_the_email_rule_classifies_tricky_addresses(con, given_customers):
    given_customers([{"customer_id": f"k{i}", "email": e} for i, e in enumerate(VALID + INVALID)])
    got = dict(con.execute("select customer_id, is_email_valid from customers").fetchall())
    wrong = [e for i, e in enumerate(VALID + INVALID) if got[f"k{i}"] != (e in VALID)]
    assert not wrong


def test_a_phone_with_letters_is_invalid_not_repaired():
    for text in ("0912abc345678", "0912345678x", "0912 345 678 ext 12", "tel:0912345678",
                 "84*****123", "0912345678/0987654321", "++84912345678"):
        assert phones.mobile(text) is None and phones.phone_key(text) is None, text
    # what a number is written with still reads (spaces, dots, dashes, brackets, a leading +)
    for text in ("0912 345 678", "0912.345.678", "(+84) 912-345-678", "+84 912 345 678",
                 "'0912345678", "912345678.0"):
        assert phones.mobile(text) == "+84912345678" == phones.phone_key(text), text


def test_a_phone_key_with_letters_is_set_aside_not_merged(stage, write_csv):
    path = write_csv([{"order_id": "1", "customer_id": "0912 345 678", "order_date": "2026-03-01",
                       "amount": "10"},
                      {"order_id": "2", "customer_id": "0912abc345678",
                       "order_date": "2026-03-02", "amount": "10"},
                      {"order_id": "3", "customer_id": "0987654321", "order_date": "2026-03-03",
                       "amount": "10"}])
    report = stage("orders", path, use_cache=False, customer_key="phone")
    assert report.reasons == {"invalid_phone_key": 1}


def test_masks_and_consent_are_read_as_the_export_writes_them(con, given_customers):
    given_customers([
        {"customer_id": "m1", "phone": "84*****123", "email": "a****@gmail.com"},
        {"customer_id": "m2", "phone": "(+84)903*****45", "email": "an@x.vn"},
        # an undated, unreadable withdrawal is still a no; a plain "no" is none
        {"customer_id": "w1", "consent_sms": "1", "consent_sms_withdrawn_date": "đã hủy"},
        {"customer_id": "w2", "consent_sms": "1", "consent_sms_withdrawn_date": "không"},
        # a yes after the no holds; an explicit "no" with a date stays a no
        {"customer_id": "w3", "consent_zalo_date": "2026-02-02",
         "consent_withdrawn_date": "2026-01-01"},
        {"customer_id": "w4", "consent_zalo": "0", "consent_zalo_date": "2026-02-02"},
        # "agree" in Vietnamese, and a 1 that Excel saved as 1.0
        {"customer_id": "y1", "consent_sms": "Đồng ý", "consent_zalo": "1.0"},
    ])
    got = {r[0]: r[1:] for r in con.execute(
        "select customer_id, is_phone_masked, is_email_masked, consent_sms, consent_zalo "
        "from customers").fetchall()}
    assert got["m1"] == (True, True, False, False)
    assert got["m2"] == (True, False, False, False)
    assert got["w1"][2] is False and got["w2"][2] is True
    assert got["w3"][3] is True and got["w4"][3] is False
    assert got["y1"][2:] == (True, True)


# ---------------------------------------------------------------- the send lists

def test_email_lists_take_only_valid_addresses_and_count_the_rest(shop):
    folder, _ = shop
    email = send_list(folder, "email")
    assert sorted(email.customer_id) == ["a", "e"]
    everyone = pd.concat(pd.read_csv(p, dtype=str, encoding="utf-8-sig")
                         for p in folder.glob("segment=*.csv"))
    assert len(everyone) == 8  # the three invalid addresses are customers, only not sent to
    got = totals(folder, "email")
    # b, c, d consented with an address the rule refuses; f, g, h never said yes to e-mail
    assert got == Counter(rows=2, candidates=8, invalid_contact=3, no_consent=3)


def test_sms_lists_never_repair_a_phone_and_count_masked_ones(shop):
    folder, _ = shop
    for channel in ("sms", "zalo"):
        rows = send_list(folder, channel)
        assert "b" not in set(rows.customer_id) and "+84912345678" not in set(rows.phone)
    sms = send_list(folder, "sms")
    assert sorted(sms.customer_id) == ["a", "f"]
    # d and h never said yes; e and g said no after (or without a date for) their yes
    assert totals(folder, "sms") == Counter(rows=2, candidates=8, no_consent=4, masked=1,
                                            invalid_contact=1)
    assert totals(folder, "zalo") == Counter(rows=1, candidates=8, no_consent=5, masked=1,
                                             invalid_contact=1)


def test_withdrawn_consent_wins(shop):
    folder, _ = shop
    assert "e" not in set(send_list(folder, "sms").customer_id)  # withdrawn for every channel
    assert "g" not in set(send_list(folder, "sms").customer_id)  # withdrawn for SMS
    # e's e-mail yes came after both no's: it holds
    assert "e" in set(send_list(folder, "email").customer_id)


def test_consent_dates_and_source_are_carried_into_the_lists(shop):
    folder, _ = shop
    sms = send_list(folder, "sms").set_index("customer_id")
    assert sms.loc["f", "consent_sms_date"] == "2026-03-01"
    assert sms.loc["f", "consent_source"] == "POS form"
    assert sms.loc["a", "consent_sms_date"] == ""  # a yes without a date stays undated
    email = send_list(folder, "email").set_index("customer_id")
    assert email.loc["e", "consent_email_date"] == "2026-02-15"


def test_a_send_list_holds_only_its_channels_contact_and_consent(shop):
    """Issue 33: SMS and Zalo lists carry the key, the name and the phone; e-mail lists the
    key, the name and the e-mail; each with only its own channel's consent evidence."""
    folder, _ = shop
    for channel, contact in (("sms", "phone"), ("zalo", "phone"), ("email", "email")):
        rows = send_list(folder, channel)
        assert list(rows.columns) == ["customer_id", "name", contact, f"consent_{channel}",
                                      f"consent_{channel}_date", "consent_source"], channel
    assert not {"an@x.vn", "em@x.vn"} & set(send_list(folder, "sms").to_numpy().ravel())
    assert "+84987654321" not in set(send_list(folder, "email").to_numpy().ravel())


def test_every_send_list_has_a_manifest_that_reconciles_and_holds_no_personal_data(shop):
    folder, out = shop
    counts = out["send_list_counts"].set_index(["list_key", "channel"])
    lists = 0
    for channel in export.CHANNELS:
        for path in sorted((folder / channel).glob("*.csv")):
            manifest_path = path.with_name(path.stem + ".manifest.json")
            text = manifest_path.read_text(encoding="utf-8")
            m = json.loads(text)
            rows = len(pd.read_csv(path, dtype=str, encoding="utf-8-sig"))
            assert m["rows"] == rows and m["reconciles"]
            assert m["rows"] + sum(m["left_out"].values()) == m["candidates"]
            assert set(m["left_out"]) == {"no_consent", "masked", "invalid_contact",
                                          "no_contact"}
            assert (m["as_of"], m["written_at"]) == ("2026-03-31", "2026-03-31T23:33:20Z")
            assert m["channel"] == channel and m["send_list"] == path.name
            if m["candidates"]:  # the counts have no row for a segment nobody is in
                row = counts.loc[(m["list"], channel)]
                assert (row.customers, row.in_list) == (m["candidates"], m["rows"])
                assert row.no_contact == m["left_out_total"] - m["left_out"]["no_consent"]
            assert not [v for v in PERSONAL if v in text], manifest_path.name
            lists += 1
    assert lists >= 3
    sms = manifests(folder, "sms")[0]
    assert sms["consent_columns"] == ["consent_sms", "consent_sms_date",
                                      "consent_withdrawn_date", "consent_sms_withdrawn_date",
                                      "consent_source"]
    assert manifests(folder, "email")[0]["consent_columns"] == [
        "consent_email", "consent_email_date", "consent_withdrawn_date",
        "consent_email_withdrawn_date", "consent_source"]


def test_the_campaign_send_lists_have_manifests_with_the_holdout(con, shop, tmp_path):
    con.execute("create or replace temp table holdout_split as "
                "select *, customer_id = 'a' as is_holdout from rfm_customers")
    result = campaigns_files.write_campaign_list(con, folder=tmp_path / "next", as_of=AS_OF)
    assert result["send"] == {"sms": 1, "zalo": 0, "email": 1}  # a is held out
    m = json.loads((tmp_path / "next" / "send_sms.manifest.json").read_text(encoding="utf-8"))
    assert m["left_out"]["holdout"] == 1 and m["candidates"] == 8 and m["reconciles"]


# ---------------------------------------------------------------- Excel's cell limit

def test_a_name_longer_than_excel_holds_is_cut_visibly_and_said(shop):
    folder, out = shop
    assert out["xlsx_cut"] == {"name": 1}
    book = openpyxl.load_workbook(folder / "segments.xlsx")
    names = [c.value for s in book.worksheets[:-1] for c in s["B"][1:] if c.value]
    cut = [n for n in names if len(n) > 100]
    assert [len(n) for n in cut] == [xlsx.EXCEL_MAX_CHARS] and cut[0].endswith("…")
    assert cut[0][:-1] == LONG_NAME[:xlsx.EXCEL_MAX_CHARS - 1]
    notes = book.worksheets[-1]
    assert book.sheetnames[-1] == "Notes"
    note = notes["A2"].value
    assert note.startswith("Họ tên: 1 ô") and "32.767" in note and "Nguyễn" not in note
    # the CSV keeps the whole name
    everyone = pd.concat(pd.read_csv(p, dtype=str, encoding="utf-8-sig")
                         for p in folder.glob("segment=*.csv"))
    assert LONG_NAME in set(everyone.name)
    # and page 01 says it, without the value
    for lang, said in (("vi", "1 ô ở cột name"), ("en", "1 cell(s) of column name")):
        text = segments_sentences.exports_written(out, folder, lang=lang).data
        assert said in text.replace("\\", "") and "Nguyễn" not in text


# ---------------------------------------------------------------- a real export's header

# Shopify › Customers › Export (customers_export.csv): the header as the real file has it. It
# carries yes/no consent per channel, no consent dates: the optional consent columns stay empty.
SHOPIFY_CUSTOMERS = ("Customer ID,First Name,Last Name,Email,Accepts Email Marketing,"
                     "Default Address Company,Default Address Address1,Default Address Address2,"
                     "Default Address City,Default Address Province Code,"
                     "Default Address Country Code,Default Address Zip,Default Address Phone,"
                     "Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,Tax Exempt,Tags")


def test_a_real_shopify_customers_header_gives_consent_per_channel_without_dates(
        con, stage, tmp_path):
    header = SHOPIFY_CUSTOMERS.split(",")
    people = [
        {"Customer ID": "7001", "First Name": "Lan", "Email": "lan@example.com",
         "Accepts Email Marketing": "yes", "Phone": "+84912000666",
         "Accepts SMS Marketing": "no"},
        {"Customer ID": "7002", "First Name": "Minh", "Email": "minh@example.com",
         "Accepts Email Marketing": "no", "Phone": "+84912000777",
         "Accepts SMS Marketing": "yes"},
    ]
    path = tmp_path / "customers_export.csv"
    path.write_text(",".join(header) + "\n" + "".join(
        ",".join(p.get(h, "") for h in header) + "\n" for p in people), encoding="utf-8")
    stage("customers", path, mapping="shopify", use_cache=False)
    got = dict(con.execute("select customer_id, [consent_sms, consent_email] "
                           "from customers").fetchall())
    assert got == {"lan@example.com": [False, True], "minh@example.com": [True, False]}
    used = export.consent_columns_used(con)
    assert used == {"sms": ["consent_sms"], "zalo": [], "email": ["consent_email"]}
    assert not re.search(r"date|source|withdrawn", " ".join(sum(used.values(), [])))
