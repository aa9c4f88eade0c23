"""A Playwright page that counts what a person does with the mouse, for the journey tests of
issue 16 (part 10): every click, file choice, option chosen from a list and box ticked is one
click; typing (fill, type, press) is not. It also saves each page of a journey as a screenshot
at an office screen's width (1366 px) and a phone's (390 px), and measures the narrowest table
cell (the one-character-column bug)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

SCREENSHOTS = ROOT / "var" / "screenshots"  # var/ is git-ignored; CI keeps it as artefacts
WIDTHS = (1366, 390)
HEIGHTS = {1366: 768, 390: 844}
# What counts as one click: the mouse actions a person makes. Typing is free.
COUNTED = frozenset({"click", "dblclick", "set_input_files", "select_option", "check", "uncheck"})
# Locator methods that return another locator, which must keep counting.
_NARROWING = frozenset(
    {
        "locator",
        "filter",
        "nth",
        "get_by_role",
        "get_by_text",
        "get_by_label",
        "get_by_placeholder",
        "get_by_title",
        "get_by_test_id",
        "and_",
        "or_",
    }
)

# The narrowest table cell a person can see (its width with padding, what it holds, its table),
# and whether it breaks its words one character per line: a cell holding two or more characters
# whose text box is narrower than two of them (the one-character-column bug).
NARROWEST_CELL_JS = """() => {
  let narrowest = null;
  for (const el of document.querySelectorAll('td, th')) {
    if (el.getClientRects().length === 0) continue;            // display: none
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    const width = el.getBoundingClientRect().width;
    const text = (el.innerText || '').trim();
    const inner = width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
      - parseFloat(style.borderLeftWidth) - parseFloat(style.borderRightWidth);
    const firstWord = text.split(/\\s+/)[0] || '';
    const oneCharPerLine = firstWord.length >= 2 && inner < 1.9 * parseFloat(style.fontSize);
    const score = oneCharPerLine ? -1 : width;                  // the bug first, then the narrowest
    if (narrowest === null || score < narrowest.score) {
      const table = el.closest('table');
      narrowest = {
        score: score,
        width: width,
        inner: inner,
        one_char_per_line: oneCharPerLine,
        text: text.slice(0, 40),
        table: table ? (table.id || table.className || table.closest('[id]')?.id || '') : '',
      };
    }
  }
  return narrowest;
}"""


class Clicks:
    """The running count for one journey, shared by the page and every locator taken from it."""

    def __init__(self) -> None:
        self.count = 0
        self.log: list[str] = []

    def add(self, what: str) -> None:
        self.count += 1
        self.log.append(what)

    def reset(self) -> None:
        self.count = 0
        self.log = []


class CountingLocator:
    """A Playwright locator whose mouse actions add to the journey's count."""

    def __init__(self, locator: Any, clicks: Clicks, description: str) -> None:
        self._locator = locator
        self._clicks = clicks
        self._description = description

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._locator, name)
        if name in ("first", "last"):  # properties in Playwright's API
            return CountingLocator(attr, self._clicks, f"{self._description}.{name}")
        if not callable(attr):
            return attr
        if name in COUNTED:

            def counted(*args: Any, **kwargs: Any) -> Any:
                self._clicks.add(f"{name} {self._description}")
                return attr(*args, **kwargs)

            return counted
        if name in _NARROWING:

            def narrowed(*args: Any, **kwargs: Any) -> CountingLocator:
                shown = ", ".join(
                    [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
                )
                return CountingLocator(
                    attr(*args, **kwargs), self._clicks, f"{self._description}.{name}({shown})"
                )

            return narrowed
        return attr


class JourneyPage:
    """The page a journey is walked on: page.click / locator(...).click / set_input_files /
    select_option / check each count one click (``clicks``); fill and type do not.
    ``shot(name)`` saves var/screenshots/<journey>-<name>-<width>.png at both widths."""

    def __init__(self, page: Any, journey: str) -> None:
        self.page = page
        self.journey = journey
        self._clicks = Clicks()
        self.shots: list[Path] = []
        self.phone_problems: list[str] = []

    # -- counting -------------------------------------------------------------------------

    @property
    def clicks(self) -> int:
        return self._clicks.count

    @property
    def click_log(self) -> list[str]:
        return list(self._clicks.log)

    def start_counting(self) -> None:
        """Counting starts here (after signing in, on the journey's first page)."""
        self._clicks.reset()

    def locator(self, selector: str, **kwargs: Any) -> CountingLocator:
        shown = selector + "".join(f" {k}={v!r}" for k, v in kwargs.items())
        return CountingLocator(self.page.locator(selector, **kwargs), self._clicks, shown)

    def get_by_role(self, role: str, **kwargs: Any) -> CountingLocator:
        return CountingLocator(
            self.page.get_by_role(role, **kwargs), self._clicks, f"{role}{kwargs}"
        )

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.page, name)
        if name in COUNTED:

            def counted(*args: Any, **kwargs: Any) -> Any:
                self._clicks.add(f"{name} {args[0] if args else ''}")
                return attr(*args, **kwargs)

            return counted
        return attr

    # -- what is on the page --------------------------------------------------------------

    def text(self, selector: str = "body") -> str:
        """What the page (or a part of it) says, whitespace folded."""
        return re.sub(r"\s+", " ", self.page.locator(selector).first.inner_text())

    def narrowest_cell(self) -> dict[str, Any] | None:
        result: dict[str, Any] | None = self.page.evaluate(NARROWEST_CELL_JS)
        return result

    # -- screenshots ----------------------------------------------------------------------

    def shot(self, name: str) -> dict[int, dict[str, Any] | None]:
        """Screenshot the current page full length at 1366 and 390 px, then return to 1366;
        gives the narrowest visible table cell at each width."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        narrowest: dict[int, dict[str, Any] | None] = {}
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": HEIGHTS[width]})
            path = SCREENSHOTS / f"{self.journey}-{name}-{width}.png"
            self.page.screenshot(path=str(path), full_page=True)
            self.shots.append(path)
            narrowest[width] = self.narrowest_cell()
        self.page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHTS[WIDTHS[0]]})
        return narrowest

    def shot_on_a_phone_reads(self, name: str, *, min_cell: float = 40) -> None:
        """Screenshot at both widths and check that at 390 px no visible table cell is narrower
        than ``min_cell`` px nor breaks its text one character per line. What is wrong is kept
        in ``phone_problems`` (the test asserts it is empty at its end, so the journey's clicks
        are still counted when a page does not read on a phone)."""
        narrowest = self.shot(name)[390]
        if narrowest is None:
            return
        where = f"{self.journey}-{name}: at 390 px a cell of table {narrowest['table']!r}"
        if narrowest["width"] < min_cell:
            self.phone_problems.append(
                f"{where} is {narrowest['width']:.0f} px wide ({narrowest['text']!r})"
            )
        elif narrowest["one_char_per_line"]:
            self.phone_problems.append(
                f"{where} breaks {narrowest['text']!r} one character per line "
                f"(its text box is {narrowest['inner']:.0f} px)"
            )
