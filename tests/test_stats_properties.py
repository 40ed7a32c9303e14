"""Properties of the figure extractor on arbitrary text: no crash, exact offsets, document order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsmine.stats import extract_figures, figures_for_record

# Text built from the characters figures are made of, so the rules are exercised, plus anything.
FIGURE_ALPHABET = (
    "0123456789０１２３４５.,，%％:/-—～至到又分之点零〇一二两三四五六七八九十百千万亿兆壹贰叁肆伍陆柒捌玖拾佰仟萬億"
    "元美欧日港币人民个家名座台吨亩米公里成折倍半多余几约近超逾不到以上左右增长下降同比较第年月日号时“”。，；、 \n"
)
figure_text = st.text(alphabet=st.sampled_from(FIGURE_ALPHABET), max_size=80)
any_text = st.text(max_size=80)


def check(text: str, all_numbers: bool) -> None:
    found = extract_figures(text, all_numbers=all_numbers)
    previous_start = -1
    for figure in found:
        assert text[figure["start"] : figure["end"]] == figure["text"]
        assert figure["start"] < figure["end"]
        assert figure["start"] >= previous_start
        previous_start = figure["start"]
        assert (figure["value"] is None) == (figure["low"] is not None)


@settings(max_examples=400, deadline=None)
@given(figure_text, st.booleans())
def test_figure_like_text(text: str, all_numbers: bool) -> None:
    check(text, all_numbers)


@settings(max_examples=200, deadline=None)
@given(any_text, st.booleans())
def test_any_text(text: str, all_numbers: bool) -> None:
    check(text, all_numbers)


@settings(max_examples=100, deadline=None)
@given(st.lists(figure_text, min_size=1, max_size=3))
def test_records_have_sequential_ids(parts: list[str]) -> None:
    text = "。".join(parts)
    records = figures_for_record({"type": "article", "id": "a#1", "text": text})
    assert [r["id"] for r in records] == [f"a#1/{n}" for n in range(1, len(records) + 1)]
    assert all(text[r["start"] : r["end"]] == r["text"] for r in records)
