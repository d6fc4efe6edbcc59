"""Accessibility check for HTML reports: axe-core injected into Debian's headless Chromium, driven by
Python Playwright (see ../shared/DESIGN.md, "Checking what a person sees").

    violations = check_html(html_text_or_path)
    assert not violations, format_violations(violations)

Tests normally get `check_html` from the session fixture `axe` (tests/conftest.py), which skips (fails
under CI=true) when `unavailable_reason()` says the check cannot run. One Chromium is started on the
first check and reused for the rest of the process (it is closed by `close()` or at exit), because
starting it costs far more than a check. Each check gets a fresh browser context (no shared state).
Playwright's sync API runs an asyncio loop in the thread that starts it; all of it runs in one worker
thread of its own, so that the test thread never has a running loop (Prefect's `State.result()` would
then hand back a coroutine instead of the result).

What it needs, installed by scripts/install-test-tools: /usr/bin/chromium (Debian's package), axe-core
in tests/tools/axe/node_modules, and the `playwright` test extra. Never `playwright install`: it
downloads a browser of its own, which fails here.
"""
from __future__ import annotations

import atexit
import functools
from concurrent.futures import ThreadPoolExecutor
import importlib.util
import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = Path(os.environ.get("AXE_CORE_JS", ROOT / "tests" / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # root on CI: Chromium's sandbox refuses to run as root
    "--disable-gpu",
    "--no-first-run",
    # The network is closed here: without these Chromium keeps trying (and failing) to reach Google.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
TIMEOUT_MS = 60_000

# Runs in the page: only violations are collected (resultTypes), which keeps axe fast on big pages.
_RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    description: v.description,
    helpUrl: v.helpUrl,
    tags: v.tags,
    nodes: v.nodes.map((n) => ({
      target: n.target,
      html: n.html,
      impact: n.impact,
      failureSummary: n.failureSummary,
    })),
  }));
}"""

_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="axe-playwright")
_playwright: Any = None  # the started sync Playwright (its driver process), or None
_browser: Any = None  # the shared Chromium, or None


def unavailable_reason() -> str | None:
    """Why the check cannot run here (a sentence), or None when it can."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium not found at {CHROMIUM} (Debian package chromium)"
    if not AXE_JS.is_file():
        return f"axe-core not found at {AXE_JS}"
    if importlib.util.find_spec("playwright") is None:
        return "the Python package playwright is not installed (pip install -e '.[test]')"
    try:
        import playwright.sync_api  # noqa: F401
    except Exception as error:  # pragma: no cover - a broken install
        return f"playwright cannot be imported: {error}"
    return None


def _get_browser() -> Any:
    global _playwright, _browser
    if _browser is not None and _browser.is_connected():
        return _browser
    _close()
    from playwright.sync_api import sync_playwright

    _playwright = sync_playwright().start()
    try:
        _browser = _playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS
        )
    except BaseException:
        _close()
        raise
    return _browser


def close() -> None:
    """Close the shared Chromium and Playwright's driver (safe to call at any time, and again)."""
    try:
        _worker.submit(_close).result()
    except RuntimeError:  # at interpreter exit the worker thread is already gone, and Chromium with it
        pass


def _close() -> None:
    global _playwright, _browser
    browser, driver = _browser, _playwright
    _browser = _playwright = None
    try:
        if browser is not None:
            browser.close()
    except Exception:
        pass
    finally:
        if driver is not None:
            try:
                driver.stop()
            except Exception:
                pass


atexit.register(close)


def check_html(html: str | Path, *, base_url: str | None = None) -> list[dict]:
    """See `_check_html`; runs it in Playwright's own worker thread."""
    return _worker.submit(_check_html, html, base_url=base_url).result()


def _check_html(html: str | Path, *, base_url: str | None = None) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA, and best practice) on a page; return its violations.

    `html` is the page's text, or a Path to an .html file (loaded as file://, so its relative links,
    stylesheets and images resolve next to it). With text, `base_url` (http or https) is the address
    the page is served as, so that its relative URLs resolve against a test server; only the page
    itself is answered from `html`. Each violation: {"id", "impact", "help", "description", "helpUrl",
    "tags", "nodes": [{"target", "html", "impact", "failureSummary"}]}. An empty list means axe found
    nothing wrong (which is not the same as accessible: axe checks only what a machine can).
    """
    browser = _get_browser()
    context = browser.new_context(bypass_csp=True)  # a report's CSP must not block the injected axe
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        if isinstance(html, Path):
            if base_url is not None:
                raise ValueError("base_url is only for HTML text; a Path is loaded from its own folder")
            page.goto(html.resolve().as_uri(), wait_until="load")
        elif base_url is not None:
            if not base_url.startswith(("http://", "https://")):
                raise ValueError(f"base_url must be http(s), not {base_url!r}; pass a Path for a file")
            page.route("**/*", functools.partial(_serve_page_once, page=page, body=html, served=[]))
            page.goto(base_url, wait_until="load")
        else:
            page.set_content(html, wait_until="load")
        page.add_script_tag(path=str(AXE_JS))
        return page.evaluate(_RUN_AXE, AXE_TAGS)
    finally:
        context.close()


def _serve_page_once(route: Any, *, page: Any, body: str, served: list[bool]) -> None:
    # The first navigation of the main frame gets the page's text; everything else goes to the network.
    request = route.request
    if not served and request.is_navigation_request() and request.frame == page.main_frame:
        served.append(True)
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)
    else:
        route.continue_()


def format_violations(violations: list[dict]) -> str:
    """The violations as readable text for an assertion message: rule, impact, help, and each node."""
    if not violations:
        return "no accessibility violations"
    lines = [f"{len(violations)} accessibility violation(s) found by axe-core:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'no impact given'}): {violation['help']}"
            + (f" <{violation['helpUrl']}>" if violation.get("helpUrl") else "")
        )
        for node in violation.get("nodes", []):
            target = " ".join(_target_text(part) for part in node.get("target", []))
            snippet = " ".join(str(node.get("html", "")).split())
            if len(snippet) > 200:
                snippet = snippet[:197] + "..."
            lines.append(f"    at {target}: {snippet}")
    return "\n".join(lines)


def _target_text(part: Any) -> str:
    # A target is a CSS selector, or a list of them for elements inside shadow DOM or iframes.
    return " >>> ".join(part) if isinstance(part, list) else str(part)
