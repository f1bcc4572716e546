"""A person at a browser window, and the checks every page they see goes through.

``Person.check`` audits the page as shown (axe-core: no serious or critical violation; every
visible form control labelled; every invalid control pointing at its error message), and saves
a screenshot as ``artifacts/e2e/<scenario>/NN-name.png``. A page the browser lands on that was
never checked fails the test (``Person.assert_all_checked``).
"""

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "e2e"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 10_000
# Two 1-second business days, a 1-second sweep and a page that polls every 3 to 5 seconds: about
# 10 s on Redis; an upper bound, generous for the embedded filesystem broker on a busy machine.
WORKER_TIMEOUT_MS = 90_000

_axe = Axe()

# Visible form controls without a label, and invalid controls whose error is not announced.
_FORM_CONTROL_PROBLEMS_JS = """
() => {
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
    && getComputedStyle(el).visibility !== "hidden";
  const describe = (el) => el.outerHTML.slice(0, 160);
  const textOf = (ids) => (ids || "").split(/\\s+/).filter(Boolean)
    .map((id) => document.getElementById(id))
    .filter((el) => el && visible(el))
    .map((el) => el.textContent.trim()).join(" ");
  const problems = [];
  // Input buttons are named by their value (axe's button-name checks them).
  const buttons = ":not([type=submit]):not([type=button]):not([type=reset])";
  const controls = document.querySelectorAll(
    `input:not([type=hidden])${buttons}, select, textarea`);
  for (const el of controls) {
    if (!visible(el)) continue;
    const named = el.labels?.length || el.getAttribute("aria-label")
      || el.getAttribute("aria-labelledby") || el.getAttribute("title");
    if (!named) problems.push(`no label: ${describe(el)}`);
    const invalid = el.classList.contains("is-invalid")
      || el.getAttribute("aria-invalid") === "true";
    if (invalid) {
      const group = el.closest("fieldset[aria-describedby]");
      const said = textOf(el.getAttribute("aria-describedby"))
        + " " + (group ? textOf(group.getAttribute("aria-describedby")) : "");
      const announced = [...document.querySelectorAll(".invalid-feedback")].filter(visible)
        .map((e) => e.textContent.trim()).some((t) => t && said.includes(t));
      if (!announced) problems.push(`error not announced (aria-describedby): ${describe(el)}`);
    }
  }
  return problems;
}
"""


# A page whose form has errors says so first: a summary announced (role="alert") at the top,
# a link from it to each field in error, and "Error:" at the start of the title (WCAG 3.3.1).
_ERROR_SUMMARY_PROBLEMS_JS = """
() => {
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const invalid = [...document.querySelectorAll(
    "main [aria-invalid=true], main .is-invalid, #content [aria-invalid=true]")]
    .filter((el) => visible(el) && el.matches("input, select, textarea"));
  if (!invalid.length) return [];
  const problems = [];
  const summary = document.getElementById("error-summary");
  if (!summary || summary.getAttribute("role") !== "alert") {
    problems.push("form errors without an error summary (#error-summary, role=alert)");
  } else {
    for (const el of invalid) {
      const ids = el.name ? [...document.getElementsByName(el.name)].map((e) => e.id) : [el.id];
      const linked = ids.filter(Boolean).some((id) => summary.querySelector(
        `a[href="#${CSS.escape(id)}"]`));
      if (!linked) problems.push(`error summary has no link to #${el.id || el.name}`);
    }
  }
  if (!document.title.startsWith("Error:")) {
    problems.push(`form errors, but the title does not start with "Error:": ${document.title}`);
  }
  return problems;
}
"""

# At 640 px (1280 px at 200% zoom) nothing but a table in its own scrolling wrapper may be
# wider than the window (WCAG 1.4.10 Reflow).
_SIDEWAYS_SCROLL_JS = """
() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth + 1) return [];
  const wide = [...document.querySelectorAll("body *")].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.right > root.clientWidth + 1 && box.width > 0;
  }).slice(0, 3).map((el) => el.outerHTML.slice(0, 120));
  return [`the page scrolls sideways at ${root.clientWidth} px ` +
    `(${root.scrollWidth} px wide): ${wide.join(" | ")}`];
}
"""


@dataclass
class AxeLedger:
    """What the session audited, for the summary at the end: page states by URL pattern."""

    audits: int = 0
    pages: dict = field(default_factory=dict)  # normalized path -> names of the states checked
    minor: Counter = field(default_factory=Counter)  # moderate/minor findings, reported only

    def record(self, url: str, name: str) -> None:
        self.audits += 1
        self.pages.setdefault(normalized_path(url), set()).add(name)

    def summary(self) -> str:
        states = sum(len(names) for names in self.pages.values())
        lines = [
            f"axe-core: {self.audits} audits of {len(self.pages)} distinct pages (URL patterns), "
            f"{states} distinct page states; serious/critical violations: 0"
        ]
        if self.minor:
            found = ", ".join(f"{rule} x{n}" for rule, n in sorted(self.minor.items()))
            lines.append(f"axe-core moderate/minor findings (reported, not failing): {found}")
        return "\n".join(lines)

    @classmethod
    def merged(cls, paths) -> "AxeLedger":
        """The ledgers ``write`` left, one per process, as one."""
        ledger = cls()
        for path in paths:
            report = json.loads(path.read_text())
            ledger.audits += report["audits"]
            for url, names in report["pages"].items():
                ledger.pages.setdefault(url, set()).update(names)
            ledger.minor.update(report["moderate_or_minor"])
        return ledger

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        report = {
            "audits": self.audits,
            "pages": {url: sorted(names) for url, names in sorted(self.pages.items())},
            "moderate_or_minor": dict(self.minor),
        }
        path.write_text(json.dumps(report, indent=2))


LEDGER = AxeLedger()


def audit(page: Page) -> list[str]:
    """What is wrong with the page as shown, for a person using a screen reader, a keyboard or
    200% zoom: axe-core's serious and critical violations (moderate and minor are counted in
    the ledger), unlabelled or unannounced form controls, a form's errors without their summary,
    and content wider than the window (sideways scrolling)."""
    problems = []
    for violation in _axe.run(page).response["violations"]:
        if violation["impact"] in BLOCKING_IMPACTS:
            nodes = "; ".join(" ".join(map(str, n["target"])) for n in violation["nodes"])
            problems.append(
                f"axe {violation['id']} ({violation['impact']}): {violation['help']} — {nodes}"
            )
        else:
            LEDGER.minor[violation["id"]] += 1
    problems += page.evaluate(_FORM_CONTROL_PROBLEMS_JS)
    problems += page.evaluate(_ERROR_SUMMARY_PROBLEMS_JS)
    problems += page.evaluate(_SIDEWAYS_SCROLL_JS)
    return problems


def normalized_path(url: str) -> str:
    path = re.sub(r"^https?://[^/]+", "", url).split("?")[0].split("#")[0]
    path = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", path)
    return re.sub(r"/relationships/[^/]*:[^/]+/", "/relationships/<token>/", path)


@dataclass
class Scenario:
    """Where one test's screenshots go, numbered across all its windows."""

    folder: Path
    step: int = 0

    def next_shot(self, name: str) -> Path:
        self.step += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / f"{self.step:02d}-{name}.png"


@dataclass
class Person:
    """One person at one browser window (own cookies)."""

    page: Page
    base_url: str
    scenario: Scenario
    label: str = ""
    unchecked: str | None = None  # the page loaded since the last check, if any
    shown: str | None = None  # the page in the window
    missed: list = field(default_factory=list)

    def __post_init__(self):
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.on("framenavigated", self._navigated)

    def _navigated(self, frame):
        if frame != self.page.main_frame or frame.url.startswith("about:"):
            return
        url = frame.url.split("#")[0]
        if "#" in frame.url and url == self.shown:
            return  # an in-page link (Skip to main content): the same page
        if self.unchecked and self.unchecked != url:
            self.missed.append(self.unchecked)
        self.unchecked = self.shown = url

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def goto(self, path: str, name: str) -> Page:
        self.page.goto(self.url(path))
        return self.check(name)

    def check(self, name: str, *, same_page: bool = False) -> Page:
        """Audit the page and keep a screenshot of it: by default the next page the browser
        goes to (waits for it), with ``same_page`` the page as it changed in place."""
        page = self.page
        if not same_page:
            for _ in range(TIMEOUT_MS // 50):
                if self.unchecked:
                    break
                page.wait_for_timeout(50)
            else:
                raise AssertionError(f"{name}: the browser did not go to another page")
        page.wait_for_load_state("load")
        shot = f"{self.label}-{name}" if self.label else name
        page.screenshot(path=self.scenario.next_shot(shot), full_page=True)
        problems = audit(page)
        assert not problems, f"{name} ({page.url}):\n  " + "\n  ".join(problems)
        LEDGER.record(page.url, name)
        self.unchecked = None
        return page

    def sign_in(self, username: str, password: str, *, landing: str = "home") -> Page:
        self.goto("/accounts/login/", "sign-in")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        expect(self.page).not_to_have_url(re.compile(r"/accounts/login/"))
        return self.check(landing)

    def menu(self, menu: str, item: str) -> None:
        """Open a navigation bar menu and choose an item, as with a mouse."""
        nav = self.page.locator("nav.portal-navbar")  # named in the reader's language
        nav.get_by_role("button", name=menu).click()
        nav.get_by_role("link", name=item).click()

    def assert_all_checked(self) -> None:
        if self.unchecked:
            self.missed.append(self.unchecked)
        assert not self.missed, f"pages shown but never checked: {self.missed}"


def expect_error_next_to(field: Locator, message: str) -> None:
    """The field is marked invalid, and its accessible description carries the error."""
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))


def exactly(label: str) -> re.Pattern:
    """An accessible name that is ``label`` (crispy-forms adds ``*`` to required fields)."""
    return re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$")


def fill(page: Page, values: dict) -> None:
    """Type into each labelled field, as with a mouse: click into it and type."""
    for label, value in values.items():
        page.get_by_label(exactly(label)).fill(value)
