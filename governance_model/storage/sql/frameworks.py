"""A strategy's framework as the JSON stored in `documents.framework`, and back."""
from __future__ import annotations

from typing import Any

from governance_model.strategy import Finding, LinkKind, Strand, StrategyFramework, StrategyLink, Thread


def framework_json(framework: StrategyFramework | None) -> dict[str, Any] | None:
    if framework is None:
        return None
    return {
        "findings": [
            {"key": f.key, "title": f.title, "source": f.source, "quotes": list(f.quotes),
             "improvements": f.improvements, "to_deliver": list(f.to_deliver)}
            for f in framework.findings
        ],
        "threads": [
            {"key": t.key, "title": t.title, "addresses": t.addresses, "quotes": list(t.quotes)} for t in framework.threads
        ],
        "strands": [
            {"key": s.key, "title": s.title, "description": s.description, "aligned": list(s.aligned)}
            for s in framework.strands
        ],
        "links": [{"kind": link.kind.value, "title": link.title, "document": link.document} for link in framework.links],
    }


def framework_of(stored: dict[str, Any] | None) -> StrategyFramework | None:
    """The framework stored (None: none). The dictionaries may be shared between rows: every list is copied."""
    if stored is None:
        return None
    return StrategyFramework(
        findings=[
            Finding(f["key"], f["title"], f.get("source", ""), list(f.get("quotes", ())), f.get("improvements", ""), list(f.get("to_deliver", ())))
            for f in stored.get("findings", ())
        ],
        threads=[Thread(t["key"], t["title"], t.get("addresses", ""), list(t.get("quotes", ()))) for t in stored.get("threads", ())],
        strands=[Strand(s["key"], s["title"], s.get("description", ""), list(s.get("aligned", ()))) for s in stored.get("strands", ())],
        links=[StrategyLink(LinkKind(link["kind"]), link["title"], link.get("document")) for link in stored.get("links", ())],
    )
