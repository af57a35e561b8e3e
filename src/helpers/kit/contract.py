"""The columns every segment file and contact list carries (the output contract)."""

from __future__ import annotations

CONTRACT_COLUMNS = [
    "customer_id", "recency_days", "frequency", "monetary", "r_score", "f_score", "m_score",
    "fm_score", "rfm_code", "segment", "segment_label", "first_purchase_date",
    "last_purchase_date", "orders", "aov",
]
CONTACT_COLUMNS = ["name", "phone", "email", "consent_sms", "consent_zalo", "consent_email"]
# consent that can be shown: when each channel's yes was given and where (empty where the
# customers file has no such column); every contact list carries them after its own columns
CONSENT_EVIDENCE_COLUMNS = ["consent_sms_date", "consent_zalo_date", "consent_email_date",
                            "consent_source"]
# the customers file's consent columns, per channel, that decide who may be sent to
CONSENT_COLUMNS = {
    channel: [f"consent_{channel}", f"consent_{channel}_date", "consent_withdrawn_date",
              f"consent_{channel}_withdrawn_date", "consent_source"]
    for channel in ("sms", "zalo", "email")
}
# why a customer of a list is not in a channel's send list (contact_lists.sql)
LEFT_OUT_REASONS = ("no_consent", "masked", "invalid_contact", "no_contact")
