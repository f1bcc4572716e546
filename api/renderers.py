from rest_framework.renderers import JSONRenderer


class JsonRenderer(JSONRenderer):
    """``application/json; charset=utf-8``, as Partner Center answers."""

    charset = "utf-8"
