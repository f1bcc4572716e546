"""Finds the words of a template a reader sees that no translation tag covers.

Template tags and variables are replaced by a placeholder, then the rest is read as HTML: its
text, and the attributes a reader meets (title, aria-label, placeholder, alt, a button's
value). Text inside {% translate %} (a tag) and {% blocktranslate %} ... {% endblocktranslate %}
is covered; so are comments, the admin's bodyclass block, <script>, <style> and SVG drawings.
A few words are the same in every language (acronyms and product names): NEVER_TRANSLATED.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}
SKIPPED_ELEMENTS = {"script", "style", "svg"}
COVERING_BLOCKS = {"blocktranslate": "endblocktranslate", "comment": "endcomment"}
# Blocks that hold no reader's text: the admin's <body> CSS classes.
UNREAD_BLOCKS = {"bodyclass"}
WORD = re.compile(r"[^\W\d_]{2,}")
NEVER_TRANSLATED = {
    *("GCC", "CSP", "API", "PDF", "PNG", "JPEG", "MB", "ITAR", "CJIS", "IRS", "DFARS", "CUI"),
    *("TOTP", "QR", "JSON", "HTTP", "HTTPS", "ET", "EST", "EDT", "MS", "CV", "OK", "GUID"),
    *("Microsoft", "Office", "Azure", "Windows", "Bearer", "Authorization", "Dynamics", "EMS"),
    *("Power", "BI", "GSA", "SAM", "UEI", "CAGE", "DUNS", "FedRAMP", "NIST", "MFA"),
    *("English", "Español"),  # each language's own name, in its own language
}
PLACEHOLDER = "\ue000"


def _words(text: str) -> list[str]:
    if "@" in text or "://" in text:  # an address or a link written out
        text = re.sub(r"\S*(@|://)\S*", " ", text)
    return [w for w in WORD.findall(text) if w not in NEVER_TRANSLATED]


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_ELEMENTS:
            self.skipping += 1
        attrs = dict(attrs)
        read = {name for name in READ_ATTRIBUTES if attrs.get(name)}
        if tag == "input" and attrs.get("type") in {"submit", "button"}:
            read.add("value")
        for name in read:
            self._check(attrs[name] or "")

    def handle_endtag(self, tag):
        if tag in SKIPPED_ELEMENTS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self._check(data)

    def _check(self, text: str):
        for part in text.split(PLACEHOLDER):
            if _words(part):
                self.found.append(" ".join(part.split()))


def untranslated(source: str) -> list[str]:
    """The texts of ``source`` (a template) outside any translation tag."""
    visible, closing = [], []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            words = token.contents.split()
            if closing and name == closing[-1]:
                closing.pop()
            elif name in COVERING_BLOCKS:
                closing.append(COVERING_BLOCKS[name])
            elif name == "block" and len(words) > 1 and words[1] in UNREAD_BLOCKS:
                closing.append("endblock")
            if not closing:
                visible.append(PLACEHOLDER)
        elif token.token_type == TokenType.TEXT and not closing:
            visible.append(token.contents)
        elif not closing:
            visible.append(PLACEHOLDER)
    reader = _Reader()
    reader.feed("".join(visible))
    reader.close()
    return reader.found


def templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt"})


if __name__ == "__main__":  # python -m tests.i18n.untranslated [paths]: what is left to wrap
    import sys

    paths = [Path(p) for p in sys.argv[1:]] or templates()
    for path in paths:
        for text in untranslated(path.read_text()):
            print(f"{path}: {text}")
