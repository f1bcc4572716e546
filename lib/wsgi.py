"""What the WSGI application must tidy before Django builds its request.

Django reads a request's ``charset`` parameter when it builds the request, before any middleware
or error handling: it checks the name with ``codecs.lookup``, which also knows the codecs that
are no text encoding (``base64``, ``hex``, ``zlib``, ``rot13``…), and then decodes the query
string with it. ``Content-Type: application/json; charset=base64`` on any URL with a query
string raised ``LookupError`` there: a bare 500 from the server, on every page. Such a charset
is dropped here, so it is treated as Django treats an unknown one (the default, UTF-8).
"""

from django.utils.http import parse_header_parameters


def is_text_encoding(name: str) -> bool:
    try:
        b"a".decode(name)  # LookupError for an unknown name and for a bytes-to-bytes codec
    except LookupError:
        return False
    except ValueError:  # a text encoding in which b"a" is no text (utf-16: truncated)
        return True
    return True


def without_binary_charset(content_type: str) -> str:
    """``content_type`` as sent, or without its ``charset`` when that names no text encoding."""
    media_type, params = parse_header_parameters(content_type)
    charset = params.get("charset")
    if charset is None or is_text_encoding(charset):
        return content_type
    kept = "".join(f"; {name}={value}" for name, value in params.items() if name != "charset")
    return media_type + kept


def tidy_environ(environ: dict) -> dict:
    content_type = environ.get("CONTENT_TYPE")
    if content_type and "charset" in content_type.lower():
        environ["CONTENT_TYPE"] = without_binary_charset(content_type)
    return environ


class TextCharsetsOnly:
    """WSGI middleware around Django's application (gccportal.wsgi)."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        return self.application(tidy_environ(environ), start_response)
