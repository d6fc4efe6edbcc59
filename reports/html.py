"""The HTML side of the reports: one Jinja2 environment (autoescaped) over reports/templates/."""
from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from governance_model.reason_words import short_day
from governance_model.reminders import format_day
from reports.timeline import layout as timeline_layout


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["day"] = lambda d: short_day(d) if d else "—"
    env.filters["long_day"] = lambda d: format_day(d) if d else "—"
    env.globals["timeline_layout"] = timeline_layout  # timeline.html.j2: where the picture's marks go
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
