"""Accessibility checks for the browser tests: axe-core in the page, touch targets, reflow, focus.

axe-core comes from the npm registry (package.json at the repository root; `.ci/run` installs it).
Without node_modules/axe-core the axe checks skip with a reason, except in CI, where they fail.
Every axe run is recorded in RESULTS and printed at the end of the session (tests/e2e/conftest.py),
so the CI log shows each page, its number of violations and their rule ids.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import need_path

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
ARTIFACTS = ROOT / "test-artifacts"

# WCAG 2.0, 2.1 and 2.2 at levels A and AA. `target-size` (2.5.8) is tagged wcag22aa but is off by
# default in axe, so it is switched on by name.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],  # passes and incomplete are not reported: faster on big staff pages
}

# Streamlit markup the app cannot fix with its own CSS: (exact selector, the rules left out there, why).
# The selector's subtree is left out of the main run, then checked on its own with every other rule,
# so only these rules are skipped and only there. docs/accessibility.md lists them.
AXE_EXCLUDE: list[tuple[str, list[str], str]] = [
    ("[data-testid='stSidebarNavItems']", ["list", "listitem"],
     "Streamlit's menu with sections puts each section's <li> items inside a <div> directly in the <ul>; "
     "the app cannot change that markup (it injects CSS only, and CSS cannot change list semantics)."),
]

MIN_TARGET = 44  # px, WCAG 2.5.5 (AAA) on the young people's pages; 2.5.8 (AA, 24 px) is checked by axe
NARROW = 320  # px, WCAG 1.4.10 reflow: 1280 px at 400 % zoom


@dataclass
class AxeRun:
    page: str
    url: str
    violations: list[dict] = field(default_factory=list)

    @property
    def rule_ids(self) -> list[str]:
        return sorted({v["id"] for v in self.violations})

    def summary(self) -> str:
        rules = ", ".join(self.rule_ids) or "-"
        return f"{self.page:<42} {len(self.violations):>3} violations  {rules}"

    def details(self) -> str:
        lines = [f"{self.page} ({self.url}):"]
        for v in self.violations:
            lines.append(f"  {v['id']} [{v.get('impact')}] {v['help']}")
            for node in v["nodes"][:5]:
                lines.append(f"    {node['target']} {node['html'][:160]}: "
                             f"{(node.get('failureSummary') or '').splitlines()[-1:]}")
        return "\n".join(lines)


RESULTS: list[AxeRun] = []


def axe_available() -> None:
    """Skip (or, in CI, fail) the calling test when axe-core is not installed."""
    need_path(AXE_JS, "run `npm ci` at the repository root (see docs/accessibility.md)")


def run_axe(page, name: str) -> AxeRun:
    """Inject axe-core (once per document) and run it on the whole page; the run is recorded."""
    axe_available()
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated by the test driver, not as a <script> tag: the app's Content-Security-Policy (rightly)
        # refuses inline scripts it does not know, and a driver's evaluation is not subject to it.
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    present = [(sel, rules) for sel, rules, _ in AXE_EXCLUDE if page.locator(sel).count()]
    context = {"include": [["html"]], "exclude": [[sel] for sel, _ in present]}
    violations = page.evaluate("([c, o]) => axe.run(c, o).then(r => r.violations)", [context, AXE_OPTIONS])
    for selector, rules in present:
        options = {**AXE_OPTIONS, "rules": {**AXE_OPTIONS["rules"], **{r: {"enabled": False} for r in rules}}}
        violations += page.evaluate("([c, o]) => axe.run(c, o).then(r => r.violations)",
                                    [{"include": [[selector]]}, options])
    run = AxeRun(name, page.url, violations)
    RESULTS.append(run)
    print(f"axe: {run.summary()}")
    return run


def assert_no_violations(runs: list[AxeRun]) -> None:
    failing = [r for r in runs if r.violations]
    assert not failing, "axe-core found violations:\n" + "\n".join(r.details() for r in failing)


def write_results() -> Path | None:
    if not RESULTS:
        return None
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "axe-results.json"
    path.write_text(json.dumps([{"page": r.page, "url": r.url, "violations": r.violations} for r in RESULTS],
                               indent=1))
    return path


# --- checks without axe ---------------------------------------------------------------------------------------

# Every tap target a young person meets on a survey step: choices (the whole label is the target; the
# input inside it is visually hidden), buttons, links that start a phone call, and text boxes.
TARGETS_JS = """
min => {
  const selectors = {
    radio: "[data-testid='stRadioOption']",
    checkbox: "[data-testid='stCheckbox'] label",
    button: "[data-testid='stMain'] button",
    "tel link": "a[href^='tel:']",
  };
  const found = [], small = [];
  for (const [kind, selector] of Object.entries(selectors)) {
    for (const el of document.querySelectorAll(selector)) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;  // not shown (e.g. a closed expander)
      const item = {kind, text: (el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 40),
                    width: Math.round(box.width), height: Math.round(box.height)};
      found.push(item);
      if (box.width < min - 0.5 || box.height < min - 0.5) small.push(item);
    }
  }
  return {found, small};
}
"""


def small_targets(page) -> tuple[list[dict], list[dict]]:
    """(every tap target on the page, those smaller than 44 x 44 px)."""
    result = page.evaluate(TARGETS_JS, MIN_TARGET)
    return result["found"], result["small"]


def sideways_scroll_at(page, width: int = NARROW) -> int:
    """The page's scroll width with the viewport `width` px wide (then the viewport is put back)."""
    before = page.viewport_size
    page.set_viewport_size({"width": width, "height": before["height"]})
    try:
        page.wait_for_timeout(200)  # let the layout settle (no re-run: only CSS media queries change)
        # Streamlit scrolls its main area itself, so that element can overflow while the document does not.
        return page.evaluate("""() => Math.max(document.documentElement.scrollWidth,
            ...[...document.querySelectorAll("[data-testid='stMain'], [data-testid='stAppViewContainer']")]
               .map(el => el.scrollWidth))""")
    finally:
        page.set_viewport_size(before)


FOCUS_JS = """
() => {
  // The focused element, or for a visually hidden input (Streamlit radios and checkboxes) its label,
  // which is what carries the ring.
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const candidates = [el, el.closest('label')].filter(Boolean);
  for (const c of candidates) {
    const s = getComputedStyle(c);
    const box = c.getBoundingClientRect();
    if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && box.width > 1 && box.height > 1) {
      return {tag: c.tagName, style: s.outlineStyle, width: s.outlineWidth, color: s.outlineColor,
              text: (c.innerText || '').trim().slice(0, 40)};
    }
  }
  return {tag: el.tagName, style: 'none', text: (el.innerText || el.getAttribute('aria-label') || '').slice(0, 40)};
}
"""


def focus_ring(page) -> dict | None:
    """The visible outline on the focused control (style 'none' when there is none)."""
    return page.evaluate(FOCUS_JS)


def doc_screenshot(page, name: str, full_page: bool = True) -> Path:
    """A screenshot for docs/screenshots (README shows some): 8-bit palette PNG to keep it small.

    Only the run on the embedded demo database writes docs/screenshots (that is what a newcomer sees);
    a run on another database (CI's PostgreSQL run) writes to test-artifacts/screenshots instead."""
    folder = SCREENSHOTS if not os.environ.get("VOICE_TEST_DATABASE_URL", "").strip() else ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    size = page.viewport_size
    # From the top of the page, whatever the test scrolled to.
    page.evaluate("""() => { window.scrollTo(0, 0); document.querySelectorAll(
        "[data-testid='stMain'], [data-testid='stAppViewContainer']").forEach(el => el.scrollTop = 0); }""")
    if full_page:
        # Streamlit's main area scrolls inside a fixed-height app, so Playwright's full_page sees one
        # screen only: make the window as tall as the content for the picture instead.
        height = page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
        page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(height, 4000))})
        page.wait_for_timeout(200)
    try:
        page.screenshot(path=str(path), animations="disabled", caret="hide")
    finally:
        page.set_viewport_size(size)
    try:
        from PIL import Image

        with Image.open(path) as image:
            small = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
        small.save(path, optimize=True)
    except ImportError:  # Pillow comes with Streamlit; without it the plain PNG is kept
        pass
    return path
