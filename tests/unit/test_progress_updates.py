"""Reading progress-update files (seed 001's shape): the seed itself, the optional extensions, and
every kind of bad input named by file and line."""
import datetime as dt
from pathlib import Path

import pytest

from governance_model.errors import LoadError
from governance_model.importing.progress_updates import read_progress_updates
from tests.data import SEED_001

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "southend" / "progress-updates.txt"
DAY = dt.date(2022, 3, 1)


def read(text: str, recorded_on: dt.date | None = DAY):
    return read_progress_updates(text, "updates.txt", recorded_on=recorded_on)


def test_seed_001_is_one_update_for_recommendation_1_with_every_item():
    (parsed,) = read_progress_updates(SEED_001.read_text(encoding="utf-8"), str(SEED_001), recorded_on=DAY)
    update = parsed.update
    assert (update.recommendation_number, update.recorded_on, update.action_position) == ("1", DAY, None)
    assert (update.author, update.action_complete) == (None, False)
    assert update.done == [
        "Revised the membership SEND specific meetings across the SEND partnership, to widen multi-agency representation and to include schools and parent voice.",
        "Strengthened reporting from key area leads to SEND specific meetings and the Health and Well-Being Board",
        "Leaders in Health, Education and Social Care have co-produced the area partnership’s draft self-evaluation, which now includes Alternative Provision and SEND as an integrated system.",
        "The review of the Integrated Care Board has been completed with roles identified that support the SEND and Children's agenda.",
        "Work has begun that will reshape education services to better meet the needs of children and young people with SEND and their families.",
        "Created a Headteachers SEND Forum that supports wider consultation and feedback with regards to service improvement",
    ]
    assert len(update.difference) == 7
    assert update.difference[0] == (
        "New governance arrangements have led to clearer functions for reporting and tracking progress against strategic action plan across meetings."
    )
    assert update.difference[-1] == (
        "Schools are now more engaged with the shaping of services and have a better understanding of the wider picture."
    )
    assert update.to_develop == ["The senior leadership teams need to get better at Quality Assurance and holding services to account."]
    assert update.next_steps == [
        "The area's Strategic Action Plan will be reviewed in light of self-evaluation, feedback from stakeholders and the Health and Wellbeing Board."
    ]
    assert (parsed.line, parsed.stated_line) == (1, 2)
    assert parsed.stated_text.startswith("Leaders in education, health and social care are empowered")
    assert parsed.stated_text.endswith("all children and young and people with SEND.")


def test_the_southend_example_reads_with_its_comments_and_completions():
    parsed = read_progress_updates(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE), recorded_on=None)
    keys = [(p.update.recommendation_number, p.update.action_position, p.update.action_complete) for p in parsed]
    assert keys == [("12", 1, True), ("12", 2, True), ("11", 1, True), ("1", 1, True), ("1", 2, True), ("3", None, False), ("2", 1, False)]
    days = [p.update.recorded_on for p in parsed]
    assert all(dt.date(2022, 2, 1) <= d <= dt.date(2022, 4, 30) for d in days)


def test_action_blocks_dates_authors_and_status():
    text = """Recommendation 3, action 2 update
Date: 2022-03-10
By: GB
Status: complete
What we have done so far:
- Commissioned the student voice work.

Recommendation 6A Action 1 Update:
Recorded on: 10 March 2022
status: Open
NEXT STEPS
Agree the review with panel members
"""
    first, second = read(text)
    assert first.update.action_position == 2 and first.update.recommendation_number == "3"
    assert (first.update.recorded_on, first.update.author, first.update.action_complete) == (dt.date(2022, 3, 10), "GB", True)
    assert first.update.done == ["Commissioned the student voice work."]
    assert (second.line, second.update.recommendation_number, second.update.action_position) == (8, "6a", 1)
    assert (second.update.recorded_on, second.update.action_complete) == (dt.date(2022, 3, 10), False)
    assert second.update.next_steps == ["Agree the review with panel members"]


def test_a_status_complete_alone_is_an_update():
    (parsed,) = read("Recommendation 11, action 1 update\nStatus: complete\n")
    assert parsed.update.action_complete and parsed.update.recorded_on == DAY
    assert parsed.update.done == [] and parsed.stated_text is None


def test_headings_bullets_comments_and_continuations():
    text = """# Illustrative: not from the council's papers
Recommendation 1 update
# a comment inside a block
## What we have done
• Created a forum
•Met the schools
* Wrote to parents
– Revised the terms of reference
- Reviewed the membership of the board and
  widened it to schools and parent voice
Difference this makes:
Clearer reporting
Leaders held to account
what we need to develop
Next Steps:
"""
    (parsed,) = read(text)
    update = parsed.update
    assert update.done == [
        "Created a forum",
        "Met the schools",
        "Wrote to parents",
        "Revised the terms of reference",
        "Reviewed the membership of the board and widened it to schools and parent voice",
    ]
    assert update.difference == ["Clearer reporting", "Leaders held to account"]
    assert update.to_develop == [] and update.next_steps == []
    assert parsed.line == 2


def test_several_blocks_keep_their_own_lines_and_dates():
    text = "Recommendation 1 update\nDate: 2022-02-01\nNext steps:\n- one\n\nRecommendation 2 update\nNext steps:\n- two\n"
    first, second = read(text)
    assert (first.line, first.update.recorded_on) == (1, dt.date(2022, 2, 1))
    assert (second.line, second.update.recorded_on) == (6, DAY)


@pytest.mark.parametrize(
    "text, row, words",
    [
        ("", None, "no progress updates"),
        ("# only a comment\n\n", None, "no progress updates"),
        ("Progress report March 2022\nRecommendation 1 update\nNext steps:\n- x\n", 1, "text before the first block"),
        ("Recommendation 1 update\nChallenges:\n- x\n", 2, "unknown heading"),
        ("Recommendation 1 update\nNext steps:\n- x\nRisks and issues:\n- y\n", 4, "unknown heading"),
        ("Recommendation 1 update\nWhat we have done so far:\n\nRecommendation 2 update\nNext steps:\n- x\n", 1, "records nothing"),
        ("Recommendation 1 update\nStatus: complete\nNext steps:\n- x\n", 2, "belongs to an action"),
        ("Recommendation 1, action 1 update\nStatus: nearly\n", 2, "is not 'complete'"),
        ("Recommendation 1 update\nDate: March 2022\nNext steps:\n- x\n", 2, "is not one day"),
        ("Recommendation 1 update\nDate: 2022-02-30\nNext steps:\n- x\n", 2, "is not one day"),
        ("Recommendation 1 update\nDate: 2022-02-01\nDate: 2022-02-02\nNext steps:\n- x\n", 3, "given twice"),
        ("Recommendation 1 update\nNext steps:\n- x\nDate: 2022-02-01\n", 4, "before the first heading"),
        ("Recommendation 1 update\nNext steps:\n- x\nnext steps:\n- y\n", 4, "appears twice"),
        ("Recommendation 1 update\nRecommendation 2 - Consider training\nNext steps:\n- x\n", 2, "names recommendation 2"),
    ],
)
def test_bad_input_names_the_file_and_line(text, row, words):
    with pytest.raises(LoadError) as caught:
        read(text)
    error = caught.value
    assert error.file == "updates.txt" and error.row == row
    assert words in str(error)
    assert str(error).startswith("updates.txt" + (f", row {row}" if row else ""))


def test_a_block_without_a_date_needs_the_day_of_the_updates():
    text = "Recommendation 1 update\nDate: 2022-02-01\nNext steps:\n- x\nRecommendation 2 update\nNext steps:\n- y\n"
    with pytest.raises(LoadError) as caught:
        read(text, recorded_on=None)
    assert caught.value.row == 5
    assert "no date" in str(caught.value) and "--on" in str(caught.value)
