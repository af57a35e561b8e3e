"""Scheme files are validated when loaded: errors name the file and the segment."""

from __future__ import annotations

import textwrap

import pytest

from helpers.core.schemes import SchemeError, available_schemes, load_scheme

LABELS = "labels: {vi: X, en: X}"


def write(tmp_path, body: str):
    path = tmp_path / "my_scheme.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_shipped_schemes_load_and_rank_best_first():
    assert {"rfm11", "vn4", "lifecycle", "care4", "value3"} <= set(available_schemes())
    rfm11 = load_scheme("rfm11")
    assert rfm11.order[0] == "champions" and rfm11.order[-2:] == ["lost", "prospect"]
    assert rfm11.label("cant_lose_them", "en") == "Can't Lose Them"
    assert rfm11.label("champions", "vi") == "Khách hàng xuất sắc"
    assert load_scheme("lifecycle").label("prospect", "vi") == "Người quan tâm"


def test_a_gap_in_the_rules_is_an_error_naming_the_combination(tmp_path):
    path = write(tmp_path, f"""
        bins: 5
        segments:
          top: {{rank: 1, {LABELS}, when: {{r_score: [4, 5]}}}}
          low: {{rank: 2, {LABELS}, when: {{r_score: [1, 2]}}}}
    """)
    with pytest.raises(SchemeError, match=r"my_scheme.yaml.*r_score=3.*not assigned"):
        load_scheme(path)


def test_an_overlap_is_an_error_naming_both_segments(tmp_path):
    path = write(tmp_path, f"""
        bins: 5
        segments:
          top: {{rank: 1, {LABELS}, when: {{r_score: [3, 5]}}}}
          low: {{rank: 2, {LABELS}, when: {{r_score: [1, 3]}}}}
    """)
    with pytest.raises(SchemeError, match=r"several segments \(low, top\)"):
        load_scheme(path)


def test_raw_value_rules_are_checked_at_their_boundaries(tmp_path):
    path = write(tmp_path, f"""
        bins: 5
        segments:
          active: {{rank: 1, {LABELS}, when: {{recency_days: {{max: 30}}}}}}
          lapsed: {{rank: 2, {LABELS}, when: {{recency_days: {{above: 31}}}}}}
    """)
    with pytest.raises(SchemeError, match="recency_days=31.*not assigned"):
        load_scheme(path)


def test_unknown_fields_bad_ranges_and_bins_are_errors(tmp_path):
    cases = {
        "colour: red\nbins: 5\nsegments: {a: {rank: 1, %s, when: {r_score: [1, 5]}}}": "unknown field",
        "bins: 5\nsegments: {a: {rank: 1, %s, when: {r_score: [1, 6]}}}": "outside 1..5",
        "bins: 5\nsegments: {a: {rank: 1, %s, when: {r_score: [4, 2]}}}": "empty",
        "bins: 5\nsegments: {a: {rank: 1, %s, when: {x_score: 1}}}": "unknown variable",
        "bins: 5\nsegments: {a: {rank: 1, %s, when: {r_score: [1, 5]}, tone: x}}": "'a' has unknown",
        "bins: 5\nsegments: {a: {rank: 1, labels: {en: A}, when: {r_score: [1, 5]}}}": "vi and en",
    }
    for body, message in cases.items():
        path = write(tmp_path, body.replace("%s", LABELS))
        with pytest.raises(SchemeError, match=message):
            load_scheme(path)
    with pytest.raises(SchemeError, match="written for bins = 5.*bins = 4"):
        load_scheme("rfm11", bins=4)


def test_scheme_parameters_change_the_rules():
    default = load_scheme("lifecycle")
    assert default.params == {"churn_days": 45}
    churned = default.rules.set_index("segment").loc["churned"]
    assert churned.recency_days_min == 46
    thirty = load_scheme("lifecycle", params={"churn_days": 30})
    assert thirty.rules.set_index("segment").loc["churned"].recency_days_min == 31
    with pytest.raises(SchemeError, match="not declared"):
        load_scheme("lifecycle", params={"churn": 30})


def test_a_scheme_needing_a_factor_the_run_leaves_out_is_an_error():
    with pytest.raises(SchemeError, match="m_score.*factors = 'rf'"):
        load_scheme("value3", factors="rf")
