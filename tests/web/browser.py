"""A real browser for the journeys: Debian's chromium under Playwright, axe-core on every page, a screenshot of each."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Error, Page

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-results" / "screenshots"
BLOCKING = ("serious", "critical")
_axe = Axe()


def chromium_path() -> str:
    """Return Debian's chromium, or fail: the browser tests never skip (`.ci/run` installs it)."""
    found = os.environ.get("MASH_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RuntimeError("chromium is not installed: apt-get install chromium (.ci/run does this)")
    return found


def launch_options() -> dict[str, object]:
    """Return how Playwright launches Debian's chromium (no sandbox: tests run as root)."""
    return {"executable_path": chromium_path(), "args": ["--no-sandbox"], "headless": True}


@dataclass
class Visitor:
    """One person's browser tab on the service: every page it lands on is checked with axe and photographed."""

    browser: Browser
    base: str
    journey: str
    javascript: bool = True
    page: Page = field(init=False)
    seen: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        context = self.browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=self.javascript)
        self.page = context.new_page()

    def check(self, name: str) -> None:
        """Run axe-core on the current page (no serious or critical violations) and save a screenshot of it.

        axe-core is JavaScript: a tab with JavaScript turned off is only photographed (its journey's pages are
        checked with axe in the same journey with JavaScript on).
        """
        if self.javascript:
            results = self._axe_when_settled()
            blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING]
            assert not blocking, f"{name}: " + "; ".join(f"{v['id']}: {v['help']}" for v in blocking)
        else:
            self.page.wait_for_load_state("load")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^a-z0-9]+", "-", f"{self.journey}-{len(self.seen):02d}-{name}".lower()).strip("-")
        self.page.screenshot(path=str(SCREENSHOTS / f"{safe}.png"), full_page=True)
        self.seen.append(name)

    def _axe_when_settled(self) -> AxeResults:
        """Run axe once the page has loaded: a click that submits a form may still be swapping the document."""
        for _ in range(4):
            self.page.wait_for_load_state("load")
            try:
                return _axe.run(self.page)
            except Error as error:
                if "documentElement" not in error.message and "context was destroyed" not in error.message:
                    raise
            self.page.wait_for_timeout(100)
        self.page.wait_for_load_state("load")
        return _axe.run(self.page)

    def go(self, path: str, name: str) -> Page:
        """Open a page by its address and check it."""
        self.page.goto(self.base + path)
        self.check(name)
        return self.page

    def sign_in(self, email: str, password: str) -> None:
        """Sign in through the form and check the home page."""
        self.go("/", "sign-in")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.check("home")

    def close(self) -> None:
        """Close the tab and its browser context."""
        self.page.context.close()
