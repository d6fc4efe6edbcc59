"""The strategy report as a board member reads it (reports/strategy.py, reports/strategy_export.py):
Markdown with gaps called out, HTML whose findings × strands picture has colour and words in every
cell and a text alternative and passes axe-core, and CSV/Excel with a row per entry and action."""
from __future__ import annotations

import csv
import html
import io
import re
import zipfile

import pytest

from governance_model.model import Document, Recommendation
from governance_model.strategy import Finding, MeetingQuestion, Serves, Strand, StrategyFramework, Thread
from governance_model.strategy_account import account_for_strategy
from reports.strategy import strategy_html, strategy_markdown
from reports.strategy_export import HEADER, strategy_csv, strategy_xlsx
from tests.accessibility import format_violations
from tests.unit.test_strategy_account import AS_OF, SCRUTINY_MEETING, account, bodies, delivery_plan, essex, follow_ups, questions


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
    assert "| Accurate identification of need | Red – overdue (2 actions) | No action |" in markdown
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
    # A cell no action serves says "No action", as the picture does: "Gap" is for a whole entry.
    assert rows[0] == "Accurate identification of need Red – overdue (2 actions) No action"
    assert rows[1] == "Quality of EHC plans No action Blue – complete (1 action)"
    assert "Gap" not in desc and "Gap" not in table
    assert desc.startswith("3 findings by 2 strands.") and "Quality of EHC plans × Inclusion: No action." in desc


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


LONG_FINDING = "A graduated response understood across the whole system, by schools and settings alike"
LONG_STRAND = "Excellence, Sufficiency and Sustainability of specialist provision"


def small_account(**changes):
    """One finding, one thread, one strand, all gaps; titles that start with their facet's name."""
    framework = StrategyFramework(
        findings=[Finding("one", "Finding One")], threads=[Thread("t", "Thread of ambition")], strands=[Strand("s", "Strand One")]
    )
    return account_for_strategy(Document("small", "Small strategy", framework=framework), [], [], AS_OF, **changes)


def long_titled_account():
    document = essex()
    document.framework.findings[0].title = LONG_FINDING
    document.framework.strands[1].title = LONG_STRAND
    return account_for_strategy(
        document, [delivery_plan(), follow_ups()], questions(), AS_OF, bodies=bodies(), documents=[document]
    )


def test_counts_are_singular_for_one_and_a_title_starting_with_its_facets_name_is_not_repeated():
    markdown, page = strategy_markdown(small_account()), strategy_html(small_account())

    assert "1 finding, 1 thread, 1 strand; 3 with no action serving them (gaps): Finding One; Thread of ambition; Strand One." in markdown
    assert "### Finding One\n" in markdown and "Finding Finding" not in markdown and "Thread Thread" not in markdown
    summary = words_of(page.split('<h2 id="summary">')[1].split("</ul>")[0])
    assert summary.startswith("Summary 1 finding, 1 thread, 1 strand; 3 with no action serving them (gaps): Finding One —")
    assert "Finding: Finding" not in words_of(page) and "Strand: Strand" not in words_of(page)
    assert "1 findings" not in words_of(page) and "1 strands" not in words_of(page)
    assert "1 finding by 1 strand." in page


def test_the_follow_up_plan_is_shown_under_its_meeting_not_as_a_plan_delivering_the_strategy():
    follow_up = follow_ups()
    follow_up.strategy = "send-strategy"  # as the setup file's questions make it

    page = strategy_html(account(plans=[follow_up]))
    markdown = strategy_markdown(account(plans=[follow_up]))

    assert "The action plans delivering the strategy" not in page
    assert "No action plan delivers this strategy yet." in page and "No action plan delivers this strategy yet." in markdown
    assert "Actions the answer to question 1 led to" in page


def test_a_link_to_an_exempt_document_prints_the_part_ii_placeholder_not_its_title():
    secret = Document("sufficiency", "Essex SEND Sufficiency Strategy", exempt=True)

    markdown, page = strategy_markdown(account(documents=[secret])), strategy_html(account(documents=[secret]))

    assert "- Aligns with exempt item – not for publication\n" in markdown
    assert "Sufficiency" not in markdown and "Sufficiency" not in page


def test_a_merged_recommendation_serving_an_entry_through_its_partners_actions_is_said_in_words():
    plan = delivery_plan()
    plan.recommendations.append(Recommendation("6", "Also identify need", merged_with=["1"], serves=Serves(findings=("joint-commissioning",))))

    markdown = strategy_markdown(account(plans=[plan, follow_ups()]))

    said = (
        "Recommendation 6 of SEND Strategy delivery plan serves this finding but has no actions of its own: it is to be "
        "merged with recommendation 1, whose actions it shares, so they count here."
    )
    joint = markdown.split("### Finding: Joint commissioning")[1].split("###")[0]
    assert said in joint
    assert said in words_of(strategy_html(account(plans=[plan, follow_ups()])))


def test_long_titles_in_the_matrix_picture_are_wrapped_whole_never_cut():
    svg = re.search(r"<svg[^>]*class=\"matrix-picture\".*?</svg>", strategy_html(long_titled_account()), re.S).group(0)

    texts = [words_of(re.sub(r"<title>.*?</title>", "", t, flags=re.S)) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]
    assert LONG_FINDING in texts and LONG_STRAND in texts
    assert "…" not in svg
    row = next(t for t in re.findall(r"<text[^>]*>.*?</text>", svg, re.S) if LONG_FINDING in words_of(re.sub(r"<title>.*?</title>", "", t)))
    assert row.count("<tspan") >= 2  # on lines of its own, not one line running under the cells


MEASURE = """() => {
  const box = (e) => e.getBoundingClientRect();
  const svg = document.querySelector('svg.matrix-picture');
  const cells = [...svg.querySelectorAll('g.cell rect')].map(box);
  const left = Math.min(...cells.map((c) => c.left));
  const top = Math.min(...cells.map((c) => c.top));
  const texts = [...svg.querySelectorAll(':scope > text')].map((t) => ({words: t.textContent, box: box(t)}));
  return {
    left, top,
    cells: cells.map((c) => [c.left, c.top, c.right, c.bottom]),
    labels: texts.filter((t) => t.box.left < left).map((t) => [t.words, t.box.right, t.box.top, t.box.bottom]),
    headers: texts.filter((t) => t.box.left >= left).map((t) => [t.words, t.box.left, t.box.right, t.box.bottom]),
    gaps: [...document.querySelectorAll('ul.gaps .rag-gap')].map((g) => [box(g).top, box(g).bottom]),
  };
}"""


def measured(page: str) -> dict:
    """The boxes of the matrix picture's labels and cells and of the summary's gap badges, laid out by
    Chromium (the shared one of tests/accessibility.py, in its worker thread)."""
    from tests import accessibility

    reason = accessibility.unavailable_reason()
    if reason:
        pytest.skip(reason)

    def measure() -> dict:
        context = accessibility._get_browser().new_context(viewport={"width": 1280, "height": 900})
        try:
            tab = context.new_page()
            tab.set_content(page, wait_until="load")
            return tab.evaluate(MEASURE)
        finally:
            context.close()

    return accessibility._worker.submit(measure).result()


def test_in_chromium_no_label_runs_under_the_cells_and_no_gap_box_overlaps_another():
    boxes = measured(strategy_html(long_titled_account()))

    assert boxes["labels"] and all(right <= boxes["left"] for _, right, _, _ in boxes["labels"]), boxes["labels"]
    assert all(bottom <= boxes["top"] for _, _, _, bottom in boxes["headers"]), boxes["headers"]
    headers = sorted(boxes["headers"], key=lambda h: h[1])
    assert all(a[2] <= b[1] for a, b in zip(headers, headers[1:])), headers  # side by side, never overlapping
    # Each finding's label lies within its row of cells.
    rows = sorted({(c[1], c[3]) for c in boxes["cells"]})
    for (_, _, top, bottom), (row_top, row_bottom) in zip(sorted(boxes["labels"], key=lambda l: l[2]), rows):
        assert row_top - 3 <= top and bottom <= row_bottom + 3
    gaps = boxes["gaps"]
    # The dashed gap boxes of the summary's list stand apart: white between them, not one border on another.
    assert len(gaps) == 2 and all(b[0] - a[1] >= 4 for a, b in zip(gaps, gaps[1:])), gaps
