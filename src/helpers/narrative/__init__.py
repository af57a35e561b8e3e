"""Sentences computed from the data, in Vietnamese or English, for reports a manager reads.

One module per question a page answers; `narrative.<function>` reaches each of them.
"""

from __future__ import annotations

from helpers.narrative.campaigns import (  # noqa: F401
    campaign_sentences,
    campaign_table,
    next_campaign_result,
    next_campaign_sentence,
    sample_size_sentence,
)
from helpers.narrative.cohorts import cohort_headlines, cohort_review, window_counts  # noqa: F401
from helpers.narrative.common import (  # noqa: F401
    LIST_LABELS,
    REASON_LABELS,
    WINDOW_LABELS,
    cohort_name,
    day,
    freshness,
    html_table,
    inputs_summary,
    missing,
    reason_label,
    section,
)
from helpers.narrative.movement import masked_table, migration_headlines, migration_review, movers_sizes  # noqa: F401
from helpers.narrative.review import (  # noqa: F401
    ACTION_LABELS,
    PAGE_TITLES,
    REVIEW_SECTIONS,
    actions_list,
    heading,
    kpi_cards,
    kpi_sentences,
    page_links,
    review_title,
    segment_change_table,
)
from helpers.narrative.segments import (  # noqa: F401
    cut_point_table,
    exports_written,
    rfm_headlines,
    score_levels,
    segment_table,
    send_lists,
    snapshot_written,
)
from helpers.narrative.tiers import list_sizes, loyalty_headlines, tier_review  # noqa: F401
from helpers.narrative.value import calibration_sentence, value_headlines  # noqa: F401
