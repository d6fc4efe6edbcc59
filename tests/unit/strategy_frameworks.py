"""Seed 003's strategy framework as the plan-table tests use it: its three inspection findings,
its three threads and five of the strands its paper names."""
from governance_model.strategy import Finding, Strand, StrategyFramework, Thread

ESSEX = "essex-send-strategy"


def essex_framework() -> StrategyFramework:
    return StrategyFramework(
        findings=[
            Finding("identification", "Accurate identification of need"),
            Finding("ehc-plans", "Quality of EHC plans"),
            Finding("joint-commissioning", "Joint commissioning"),
        ],
        threads=[Thread("equity", "Equity"), Thread("ambition", "Ambition"), Thread("inclusion", "Inclusion")],
        strands=[
            Strand("early-support", "Early identification and early support"),
            Strand("one-planning", "Effective One Planning & SEN support"),
            Strand("joined-up", "Joined up planning and support across E,H,C"),
            Strand("adulthood", "Preparing for adulthood from the earliest years"),
            Strand("transitions", "High quality transitions"),
        ],
    )
