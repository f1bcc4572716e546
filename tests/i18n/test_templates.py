"""Every word a template shows goes through a translation tag (so the Spanish catalog can
hold it): a string outside {% translate %} / {% blocktranslate %} fails here."""

import pytest

from .untranslated import TEMPLATES, templates, untranslated


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_visible_text_outside_a_translation_tag(path):
    assert untranslated(path.read_text()) == []


def test_the_check_finds_what_it_should():
    source = (
        '{% load i18n %}<h1>{% translate "Customers" %}</h1><p>Plain words</p>'
        '<a title="A tip" href="#">{{ name }}</a>{% blocktranslate %}Covered {{ x }}'
        "{% endblocktranslate %}{% comment %}Not shown{% endcomment %}"
        '<input type="submit" value="Send"><span>GCC · {{ n }}</span>'
        "<script>let shown = 'no';</script>"
    )
    assert untranslated(source) == ["Plain words", "A tip", "Send"]
