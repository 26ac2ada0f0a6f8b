"""The quote-anchoring conformance cases in ../shared/standards/anchoring.

They come from the test suites of established anchoring libraries; offsets
marked as UTF-16 code units are converted to code points, margin's unit.
"""

from __future__ import annotations

import json

import pytest

from annotations.anchoring import anchor_span
from annotations.matching import search
from annotations.reanchoring import match_quote

from .conftest import SHARED

CASES_FILE = SHARED / "standards" / "anchoring" / "quote-anchoring-cases.json"


def _load() -> dict:
    if not CASES_FILE.exists():
        return {"texts": {}, "suites": {}}
    return json.loads(CASES_FILE.read_text(encoding="utf-8"))


DATA = _load()


def _cases(suite: str) -> list:
    cases = DATA["suites"].get(suite, [])
    return cases or [pytest.param(None, marks=pytest.mark.skip(reason="../shared is not beside the repository"))]


def _ids(suite: str) -> list[str]:
    return [case["id"] for case in DATA["suites"].get(suite, [])] or ["absent"]


def _text(case: dict) -> str:
    return case["text_literal"] if "text_literal" in case else DATA["texts"].get(case["text"], case["text"])


def utf16_to_code_points(text: str, offset: int) -> int:
    """The code-point offset of a UTF-16 offset into *text*."""
    units = 0
    for index, char in enumerate(text):
        if units >= offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


@pytest.mark.parametrize("case", _cases("hypothesis_match_quote"), ids=_ids("hypothesis_match_quote"))
def test_match_quote_cases(case):
    text = _text(case)
    if case.get("kind") == "scores_strictly_decreasing":
        scores = []
        for value in case["values"]:
            arguments = {"quote": case.get("quote", ""), "prefix": "", "suffix": ""}
            arguments[case["vary"]] = value
            found = match_quote(text, arguments.pop("quote"), **arguments)
            assert found is not None, value
            scores.append(found.score)
        assert all(a > b for a, b in zip(scores, scores[1:])), scores
        return
    found = match_quote(
        text, case["quote"], prefix=case.get("prefix", ""), suffix=case.get("suffix", ""), hint=case.get("hint")
    )
    expect = case["expect"]
    if expect is None:
        assert found is None
        return
    assert found is not None
    if "start" in expect:
        assert found.start == expect["start"]
    if "end" in expect:
        assert found.end == expect["end"]
    if "score" in expect:
        assert found.score == pytest.approx(expect["score"])
    if "matched_text" in expect:
        assert text[found.start : found.end] == expect["matched_text"]
    if "score_open_interval" in expect:
        low, high = expect["score_open_interval"]
        assert low < found.score < high


@pytest.mark.parametrize("case", _cases("approx_string_match"), ids=_ids("approx_string_match"))
def test_approximate_search_cases(case):
    text, pattern = case["text"], case["pattern"]
    found = search(text, pattern, case["max_errors"])
    got = [(m.start, m.end, m.errors) for m in found]

    def expected(key: str) -> list[tuple[int, int, int]]:
        rows = [(m["start"], m["end"], m["errors"]) for m in case[key]]
        if case.get("units") == "utf16":
            rows = [(utf16_to_code_points(text, s), utf16_to_code_points(text, e), n) for s, e, n in rows]
        return rows

    if "expect_min_error_matches" in case:
        wanted = expected("expect_min_error_matches")
        if case.get("units") == "utf16":
            # An astral character is one code point but two UTF-16 units, so it costs one edit, not two.
            assert [(s, e) for s, e, _ in got] == [(s, e) for s, e, _ in wanted] or (
                len(got) == 1 and (got[0][0], got[0][1]) in {(s, e) for s, e, _ in wanted}
            )
            assert all(n <= min(w[2] for w in wanted) for _, _, n in got)
        elif len(got) == 1 and len(wanted) > 1:
            assert got[0] in wanted
        else:
            assert got == wanted
    if "expect_all_matches" in case:
        assert got == expected("expect_all_matches")
    if "expect_count" in case:
        assert len(got) == case["expect_count"]
        assert all(text[m.start : m.end] == pattern for m in found)
    if "expect_every_match_text" in case:
        assert found and all(text[m.start : m.end] == case["expect_every_match_text"] for m in found)


@pytest.mark.parametrize("case", _cases("dom_anchor_text_quote"), ids=_ids("dom_anchor_text_quote"))
def test_text_quote_cases(case):
    text = _text(case)
    if case.get("kind") == "describe":
        anchor = anchor_span(text, case["range"]["start"], case["range"]["end"])
        assert case["context_length"] == len(anchor.prefix) == len(anchor.suffix)
        assert {"exact": anchor.exact, "prefix": anchor.prefix, "suffix": anchor.suffix} == case["expect_selector"]
        return
    selector = case["selector"]
    found = match_quote(
        text, selector["exact"], prefix=selector.get("prefix", ""), suffix=selector.get("suffix", ""),
        hint=case.get("hint"),
    )
    if case["expect"] is None:
        assert found is None
    else:
        assert found is not None
        assert (found.start, found.end) == (case["expect"]["start"], case["expect"]["end"])


@pytest.mark.parametrize("case", _cases("hypothesis_html_baseline"), ids=_ids("hypothesis_html_baseline"))
def test_html_baseline_cases(case):
    text = _text(case)
    selector = case["selector"]
    found = match_quote(
        text, selector["exact"], prefix=selector["prefix"], suffix=selector["suffix"],
        hint=case["position"]["start"],
    )
    assert found is not None
    assert (found.start, found.end) == (case["expect"]["start"], case["expect"]["end"])
    assert text[found.start : found.end] == selector["exact"]
