"""The one reference format: every part in its place, missing parts left out or said, never HTML."""
from __future__ import annotations

import datetime as dt

import pytest

from kennisbank.bronvermelding import bronvermelding, dutch_date

URL = "https://kennisbank.example/document/factsheet-proeftuinen#p12"


def test_a_full_reference_names_every_part_in_order():
    ref = bronvermelding("Toekomstscenario kind- en gezinsbescherming: Factsheet Proeftuinen", "landelijk",
                         "factsheet", "2023-03-29", 5, URL, accessed=dt.date(2026, 1, 7))
    assert ref == ("Toekomstscenario kind- en gezinsbescherming: Factsheet Proeftuinen. Landelijk, factsheet, "
                   f"29 maart 2023, p. 5. {URL} (geraadpleegd op 7 januari 2026)")


@pytest.mark.parametrize("region, date, page, details", [
    ("", "2023", 3, "Projectplan, 2023, p. 3."),
    ("Zeeland", "", 3, "Zeeland, projectplan, z.d., p. 3."),
    ("Zeeland", "2023-13", 0, "Zeeland, projectplan, 2023."),
    ("Zeeland", "2022-02", None, "Zeeland, projectplan, februari 2022."),
])
def test_missing_parts_are_left_out_or_said(region, date, page, details):
    assert bronvermelding("Werkplan", region, "projectplan", date, page, URL) == f"Werkplan. {details} {URL}"


def test_the_title_is_one_line_and_keeps_its_own_end_mark():
    ref = bronvermelding("Proeftuin Regio Rijnmond:\n  Wij doen het beter!", "Rotterdam-Rijnmond", "projectplan",
                         "2021-10-22", 2, URL)
    assert ref.startswith("Proeftuin Regio Rijnmond: Wij doen het beter! Rotterdam-Rijnmond, projectplan, 22 oktober")
    assert "\n" not in ref and "!." not in ref


def test_the_reference_is_plain_text_the_page_escapes_it():
    ref = bronvermelding("Plan <script>alert(1)</script> & meer", "Zeeland", "projectplan", "2023", 1, URL)
    assert ref.startswith("Plan <script>alert(1)</script> & meer. Zeeland")


def test_dutch_dates_cover_every_month():
    assert [dutch_date(f"2024-{m:02d}-01").split()[1] for m in range(1, 13)] == [
        "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
        "november", "december"]
