"""What the customer list shows, read from its HTML as a browser gets it (the table may come
from the list's page cache, so the view's context does not have it)."""

import html
import re

ROW_NAME = re.compile(r'<td><a href="/customers/[0-9a-f-]+/">([^<]*)</a></td>')
PAGE_LINK = re.compile(r'<a class="page-link" href="\?([^"]*)" rel="(next|prev)">')


def listed_names(response) -> list[str]:
    """The company names in the list's table, top to bottom."""
    return [html.unescape(name) for name in ROW_NAME.findall(response.content.decode())]


def page_link(response, rel: str) -> str | None:
    """The query string of the Next (``next``) or Previous (``prev``) link, if there is one."""
    for query, found in PAGE_LINK.findall(response.content.decode()):
        if found == rel:
            return html.unescape(query)
    return None
