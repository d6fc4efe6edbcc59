"""The strategy report as a board member reads it (reports/strategy.py, reports/strategy_export.py):
Markdown with gaps called out, HTML whose findings × strands picture has colour and words in every
cell and a text alternative and passes axe-core, and CSV/Excel with a row per entry and action."""
from __future__ import annotations

import csv
import html
import io
import re
import zipfile

from governance_model.strategy import MeetingQuestion
from reports.strategy import strategy_html, strategy_markdown
from reports.strategy_export import HEADER, strategy_csv, strategy_xlsx
from tests.accessibility import format_violations
from tests.unit.test_strategy_account import SCRUTINY_MEETING, account, questions


def words_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_the_markdown_gives_each_findings_rag_its_actions_and_calls_out_the_gaps():
    markdown = strategy_markdown(account())

    assert markdown.startswith("# Essex SEND Strategy 2022-2027: how the strategy answers for itself\n")
    assert "| Accurate identification of need | Red – overdue | 2 actions: 1 overdue, 1 on track |" in markdown
    assert "| Joint commissioning | Gap – no action serves it | no action serves it |" in markdown
    assert "2 with no action serving them (gaps): Finding Joint commissioning; Thread Ambition." in markdown
    assert "### Finding: Joint commissioning\n\n**Gap**: no action serves this finding." in markdown
    # The action's row: plan, recommendation, action, RAG, and its latest update in words.
    assert "| SEND Strategy delivery plan | 1 | 2 | action 2 | RH | December | Green – on track |" in markdown
    assert "25 Apr 2022: Recommendation-wide note |" in markdown
    # The matrix in words, and the questions under their meeting.
    assert "| Accurate identification of need | Red – overdue (2 actions) | Gap – no action serves it |" in markdown
    assert "### PAF Scrutiny Committee, 10 Nov 2021" in markdown
    assert "**Question 1, from Tara Strydom:** What about the Dengie?" in markdown
    assert "Secret panel question" not in markdown and "Closed panel" not in markdown
    assert "- Aligns with Essex SEND Sufficiency Strategy (held in govflow as “Essex SEND Sufficiency Strategy”)" in markdown


def test_the_matrix_picture_has_a_name_a_description_and_words_in_every_cell():
    page = strategy_html(account())

    svg = re.search(r"<svg[^>]*class=\"matrix-picture\".*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="matrix-title matrix-desc"' in svg
    assert re.search(r'<title id="matrix-title">Essex SEND Strategy 2022-2027: findings × strands', svg)
    desc = words_of(re.search(r'<desc id="matrix-desc">(.*?)</desc>', svg, re.S).group(1))
    assert "Accurate identification of need × Inclusion: Red – overdue (2 actions)." in desc
    cells = re.findall(r'<g class="cell[^"]*">(.*?)</g>', svg, re.S)
    assert len(cells) == 6
    # Each cell says its status in words as well as in colour.
    shown = [words_of(re.sub(r"<title>.*?</title>", "", c, flags=re.S)) for c in cells]
    assert shown == ["Overdue 2 actions", "No action", "No action", "Complete 1 action", "No action", "No action"]
    # The text alternative: the same matrix as a table.
    table = re.search(r'<table class="matrix-words">(.*?)</table>', page, re.S).group(1)
    rows = [words_of(r) for r in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)]
    assert rows[0] == "Accurate identification of need Red – overdue (2 actions) Gap – no action serves it"
    assert rows[1] == "Quality of EHC plans Gap – no action serves it Blue – complete (1 action)"


def test_the_html_report_passes_axe_core(axe, tmp_path):
    with_markup = questions() + [MeetingQuestion(SCRUTINY_MEETING, 4, "Pat <b>", "Is <script> & co escaped?", about="send-strategy")]
    page = strategy_html(account(questions=with_markup))
    path = tmp_path / "strategy.html"
    path.write_text(page, encoding="utf-8")

    violations = axe(path)

    assert violations == [], format_violations(violations)
    assert "Is &lt;script&gt; &amp; co escaped?" in page


def test_the_csv_has_a_row_per_entry_and_serving_action_and_a_row_per_gap():
    rows = list(csv.reader(io.StringIO(strategy_csv(account()).decode("utf-8-sig"))))

    assert rows[0] == HEADER
    by_part = [(r[0], r[1], r[3], r[6], r[7], r[11]) for r in rows[1:]]
    assert by_part[:4] == [
        ("Finding", "identification", "Red – overdue", "1", "1", "Red – overdue"),
        ("Finding", "identification", "Red – overdue", "1", "2", "Green – on track"),
        ("Finding", "ehc-plans", "Blue – complete", "2", "1", "Blue – complete"),
        ("Finding", "joint-commissioning", "Gap – no action serves it", "", "", ""),
    ]
    assert ("Thread", "ambition", "Gap – no action serves it", "", "", "") in by_part
    questions_rows = [r for r in rows if r[0] == "Question"]
    assert [(r[1], r[5], r[8]) for r in questions_rows] == [
        (f"{SCRUTINY_MEETING}#1", "questions-paf-2021-11-10", "action 1"),
        (f"{SCRUTINY_MEETING}#2", "", ""),
    ]
    assert questions_rows[1][3:5] == ["Gap – no action serves it", "no action recorded from its answer"]


def test_the_workbook_holds_the_same_rows_with_colours_and_the_same_bytes_twice():
    first, second = strategy_xlsx(account()), strategy_xlsx(account())

    assert first == second
    sheet = zipfile.ZipFile(io.BytesIO(first)).read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == 1 + len(list(csv.reader(io.StringIO(strategy_csv(account()).decode("utf-8-sig"))))) - 1
    assert "Gap – no action serves it" in sheet and "Red – overdue" in sheet
    assert 's="3"' in sheet  # a filled RAG cell
