"""Reads a page's error summary (partials/error_summary.html) out of its HTML, and checks it
against the contract every form page keeps (issue 21):

- ONE ``#error-summary``, ``role="alert"``, ``tabindex="-1"``, class ``alert alert-danger``,
  before the form, with an h2 and a list: a field's error is a link to its control's id (a
  control the page has), a non-field error is text;
- every control marked ``aria-invalid="true"`` or ``is-invalid`` is linked from it;
- the title starts with "Error: " (the same in Spanish);
- js/error_summary.js (moves the focus to it) is loaded, by a script file, not inline.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {
    *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"),
    *("param", "source", "track", "wbr"),
}
CONTROLS = {"input", "select", "textarea"}
HEADINGS = {"en": "There is a problem", "es": "Hay un problema"}


@dataclass
class Summary:
    attrs: dict = field(default_factory=dict)
    position: int = 0
    headings: list[str] = field(default_factory=list)
    items: list[tuple[str, str]] = field(default_factory=list)  # (href or "", text)


@dataclass
class Page:
    title: str = ""
    ids: dict = field(default_factory=dict)  # id -> tag
    names: dict = field(default_factory=dict)  # a control's id -> its name
    summaries: list[Summary] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # ids of the controls marked invalid
    forms: list[int] = field(default_factory=list)  # positions of the <form>s
    scripts: list[str] = field(default_factory=list)
    inline_scripts: int = 0


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[str] = []
        self.position = 0
        self.summary_depth = None  # stack depth of the open #error-summary
        self.in_title = False
        self.heading: list[str] | None = None
        self.item: list | None = None  # [href, text parts]
        self.script_inline = False

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        self.position += 1
        if attrs.get("id"):
            self.page.ids.setdefault(attrs["id"], tag)
        if tag in CONTROLS and attrs.get("id"):
            self.page.names[attrs["id"]] = attrs.get("name", "")
        if tag in CONTROLS and attrs.get("type") != "hidden":
            marked = (
                attrs.get("aria-invalid") == "true"
                or "is-invalid" in attrs.get("class", "").split()
            )
            if marked:
                self.page.invalid.append(attrs.get("id", ""))
        if tag == "form":
            self.page.forms.append(self.position)
        if tag == "title":
            self.in_title = True
        if tag == "script":
            if attrs.get("src"):
                self.page.scripts.append(attrs["src"])
            else:
                self.script_inline = True
        if attrs.get("id") == "error-summary":
            self.page.summaries.append(Summary(attrs=attrs, position=self.position))
            self.summary_depth = len(self.stack)
        if self.summary_depth is not None:
            if tag == "h2":
                self.heading = []
            if tag == "li":
                self.item = ["", []]
            if tag == "a" and self.item is not None:
                self.item[0] = attrs.get("href", "")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag == "title":
            self.in_title = False
        if tag == "script":
            if self.script_inline:
                self.page.inline_scripts += 1
            self.script_inline = False
        if self.summary_depth is not None:
            summary = self.page.summaries[-1]
            if tag == "h2" and self.heading is not None:
                summary.headings.append(" ".join("".join(self.heading).split()))
                self.heading = None
            if tag == "li" and self.item is not None:
                summary.items.append((self.item[0], " ".join("".join(self.item[1]).split())))
                self.item = None
        while self.stack:
            if self.stack.pop() == tag:
                break
        if self.summary_depth is not None and len(self.stack) <= self.summary_depth:
            self.summary_depth = None

    def handle_data(self, data):
        if self.in_title:
            self.page.title += data
        if self.heading is not None:
            self.heading.append(data)
        if self.item is not None:
            self.item[1].append(data)


def read(response) -> Page:
    reader = _Reader()
    reader.feed(response.content.decode())
    reader.close()
    page = reader.page
    page.title = " ".join(page.title.split())
    return page


def assert_summary(response, *, linked=(), texts=(), language="en") -> Summary:
    """The page's error summary keeps the contract; ``linked``: the control ids it must link
    to; ``texts``: words some entry must hold. Returns the summary."""
    page = read(response)
    assert len(page.summaries) == 1, f"{len(page.summaries)} #error-summary on the page"
    summary = page.summaries[0]
    assert summary.attrs.get("role") == "alert"
    assert summary.attrs.get("tabindex") == "-1"
    assert {"alert", "alert-danger"} <= set(summary.attrs.get("class", "").split())
    assert summary.headings == [HEADINGS[language]], summary.headings
    assert summary.items, "an error summary without entries"
    assert page.title.startswith("Error: "), page.title
    assert any(src.endswith("/js/error_summary.js") for src in page.scripts), page.scripts
    assert page.inline_scripts == 0
    later_forms = [at for at in page.forms if at > summary.position]
    assert later_forms, "the error summary is not above the form"
    links = [href for href, _ in summary.items if href]
    for href in links:
        assert href.startswith("#"), href
        assert page.ids.get(href[1:]) in CONTROLS, f"{href} is no control of the page"
    for control_id in linked:
        assert f"#{control_id}" in links, (control_id, summary.items)
    # Each control marked invalid is linked; of a group of radios or checkboxes, its first.
    linked_names = {page.names.get(href[1:]) for href in links}
    for control_id in page.invalid:
        assert control_id, "a control marked invalid has no id to link to"
        grouped = page.names.get(control_id) in linked_names
        assert f"#{control_id}" in links or grouped, (control_id, summary.items)
    for text in texts:
        assert any(text in entry for _, entry in summary.items), (text, summary.items)
    return summary


def assert_no_summary(response) -> None:
    page = read(response)
    assert not page.summaries
    assert not page.title.startswith("Error:"), page.title
