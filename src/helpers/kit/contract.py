"""The columns every segment file and contact list carries (the output contract)."""

from __future__ import annotations

CONTRACT_COLUMNS = [
    "customer_id", "recency_days", "frequency", "monetary", "r_score", "f_score", "m_score",
    "fm_score", "rfm_code", "segment", "segment_label", "first_purchase_date",
    "last_purchase_date", "orders", "aov",
]
CONTACT_COLUMNS = ["name", "phone", "email", "consent_sms", "consent_zalo", "consent_email"]
