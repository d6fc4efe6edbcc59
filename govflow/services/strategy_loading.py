"""The strategy parts of a load: the strategy a plan delivers (loaded with it or stored before) and
what its setup says the plan's recommendations and actions serve, checked against that strategy's
framework; and the questions put at meetings, with the plan their follow-up actions make. Every
error names the setup file, its line and the field."""
from __future__ import annotations

from collections.abc import Callable

from governance_model.errors import LoadError
from governance_model.importing.serves_cells import unknown_name_message
from governance_model.importing.setup_yaml import PlanReference
from governance_model.importing.strategy_yaml import QuestionsAtMeeting
from governance_model.model import ActionPlan, Body, Document, Meeting
from governance_model.reason_words import day_words
from governance_model.strategy import Facet, Serves, follow_up_plan_key

FindDocument = Callable[[str], "Document | None"]  # a document of this load, else a stored one


def delivered_strategy(ref: PlanReference, setup_source: str, find: FindDocument) -> Document | None:
    """The strategy document the plan `ref` names (`strategy:`), or None when it names none."""
    if ref.strategy is None:
        if ref.serves:
            raise LoadError(
                "'serves' says what the plan's actions serve of a strategy, but the plan names none: add 'strategy: KEY'",
                file=setup_source, row=ref.line, column="serves",
            )
        return None
    document = find(ref.strategy)
    if document is None:
        raise LoadError(
            f"the plan delivers {ref.strategy!r}, but no such document is loaded or stored",
            file=setup_source, row=ref.line, column="strategy", text=ref.strategy,
        )
    if ref.serves and document.framework is None:
        raise LoadError(
            f"{ref.strategy!r} has no framework of findings, threads and strands for 'serves' to name: give it one under 'framework'",
            file=setup_source, row=ref.line, column="serves", text=ref.strategy,
        )
    return document


def apply_serves(plan: ActionPlan, ref: PlanReference, strategy: Document, setup_source: str) -> None:
    """Add what the setup's `serves:` says to the plan's recommendations and actions (to what the
    plan file's own Finding, Thread and Strand columns say)."""
    framework = strategy.framework
    assert framework is not None or not ref.serves
    for entry in ref.serves:
        def fail(message: str, text: str = entry.written) -> LoadError:
            return LoadError(message, file=setup_source, row=entry.line, column="serves", text=text)

        recommendation = next((r for r in plan.recommendations if r.number == entry.number), None)
        if recommendation is None:
            numbers = ", ".join(r.number for r in plan.recommendations) or "none"
            raise fail(f"the plan has no recommendation {entry.number} (it has {numbers})")
        keys: dict[Facet, list[str]] = {}
        for facet, names in entry.names.items():
            for name in names:
                key = framework.resolve(facet, name)
                if key is None:
                    raise fail(unknown_name_message(framework, facet, name, strategy.key), name)
                keys.setdefault(facet, []).append(key)
        serves = Serves.of_facets(keys)
        if entry.action is None:
            recommendation.serves = recommendation.serves.union(serves)
            continue
        action = next((a for a in recommendation.actions if a.position == entry.action), None)
        if action is None:
            raise fail(f"recommendation {entry.number} has {len(recommendation.actions)} actions, so no action {entry.action}")
        action.serves = action.serves.union(serves)


def check_links(documents: list[Document], sources: dict[str, str], find: FindDocument) -> None:
    """A framework's link to a document govflow holds (`{title: …, document: KEY}`) names one loaded
    or stored, and not the strategy itself."""
    for document in documents:
        for link in document.framework.links if document.framework else ():
            if link.document is None:
                continue
            if link.document == document.key:
                problem = "is this strategy itself"
            elif find(link.document) is None:
                problem = "is no document loaded or stored (leave out 'document' for a strategy govflow does not hold)"
            else:
                continue
            raise LoadError(
                f"the strategy {document.key!r} {link.kind.words} {link.title!r}, whose document {link.document!r} {problem}",
                file=sources.get(document.key), column=link.kind.value, text=link.document,
            )


def check_stored_plans_still_serve(documents: list[Document], sources: dict[str, str], stored_plans: list[ActionPlan], loaded_plans: set[str]) -> None:
    """A strategy loaded again keeps every finding, thread and strand that a stored plan (one not
    loaded again now) serves: otherwise that plan would name what its strategy no longer has."""
    for document in documents:
        framework = document.framework
        for plan in stored_plans:
            if plan.strategy != document.key or plan.key in loaded_plans:
                continue
            for recommendation in plan.recommendations:
                for facet in Facet:
                    used = list(recommendation.serves.of(facet)) + [k for a in recommendation.actions for k in a.serves.of(facet)]
                    known = {e.key for e in framework.entries(facet)} if framework else set()
                    missing = next((key for key in used if key not in known), None)
                    if missing is not None:
                        raise LoadError(
                            f"plan {plan.key!r} (recommendation {recommendation.number}) serves {facet.value} {missing!r} of "
                            f"{document.key!r}, which this file no longer lists: keep it, or load the plan again without it first",
                            file=sources.get(document.key), column="framework", text=missing,
                        )


def check_questions(
    groups: list[QuestionsAtMeeting],
    setup_source: str,
    meetings: dict[str, tuple[Body, Meeting]],
    find: FindDocument,
    stored_plan: Callable[[str], ActionPlan | None] = lambda key: None,
) -> None:
    """Every meeting questions are recorded at is a meeting of a body loaded or stored, and every
    document they are about is too; the follow-up plan is named for the body and the day, and its
    overdue actions go to the document's owner. Questions listed again without the actions an
    earlier load gave them leave that plan with none (a meeting's questions are replaced whole)."""
    for group in groups:
        found = meetings.get(group.meeting_key)
        if found is None:
            raise LoadError(
                f"no meeting {group.meeting_key!r} is loaded or stored (a meeting's key is its body's code and day, e.g. Scrutiny-2021-11-10)",
                file=setup_source, row=group.line, column="meeting", text=group.meeting_key,
            )
        document = None
        if group.about is not None:
            document = find(group.about)
            if document is None:
                raise LoadError(
                    f"the questions are about {group.about!r}, but no such document is loaded or stored",
                    file=setup_source, row=group.line, column="about", text=group.about,
                )
        if group.follow_ups is None and stored_plan(follow_up_plan_key(group.meeting_key)) is not None:
            group.follow_ups = ActionPlan(
                key=follow_up_plan_key(group.meeting_key), title="", source=setup_source, strategy=group.about
            )
        if group.follow_ups is not None:
            body, meeting = found
            day = f" on {day_words(meeting.day)}" if meeting.day else ""
            group.follow_ups.title = f"Actions from questions at {body.name}{day}"
            group.follow_ups.owner = document.owner if document is not None else body.secretary
