"""The contacts CSV's cells: whatever a lead's notes or an owner's name hold, no cell of the file
starts as a spreadsheet formula, and the text is still all there (behind one apostrophe)."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from propintel.outreach.crm_csv import FORMULA_STARTS, csv_line, safe_cell


@given(st.lists(st.text(max_size=40), min_size=1, max_size=6))
def test_no_cell_starts_a_formula_and_nothing_is_lost(cells: list[str]) -> None:
    (row,) = list(csv.reader(io.StringIO(csv_line(cells), newline="")))
    assert len(row) == len(cells)
    for written, original in zip(row, cells, strict=True):
        assert not written.startswith(FORMULA_STARTS)
        assert written == original or (
            written == "'" + original and original.startswith(FORMULA_STARTS)
        )


@given(st.integers() | st.none())
def test_numbers_and_blanks_are_left_as_they_are(value: int | None) -> None:
    assert safe_cell(value) == value


def test_the_known_attacks_are_defused() -> None:
    for attack in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(attack) == "'" + attack
