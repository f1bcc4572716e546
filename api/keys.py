"""Input keys matched case-insensitively (the docs send PascalCase, tools send camelCase)."""

from rest_framework import serializers


def key_fold(key: str) -> str:
    """A key as matched: ASCII letters without case. A non-ASCII key is left as it is, so a
    look-alike (``ſize``, the Kelvin sign's ``Key``) never folds into a field's name."""
    return key.lower() if key.isascii() else key


def match_keys(data, serializer: serializers.BaseSerializer):
    """``data`` with each key renamed to the serializer field it names, ignoring case,
    nested serializers included. Unknown keys are left as they are (and ignored)."""
    if isinstance(serializer, serializers.ListSerializer):
        if isinstance(data, list):
            return [match_keys(item, serializer.child) for item in data]
        return data
    if not isinstance(serializer, serializers.Serializer) or not isinstance(data, dict):
        return data
    fields = {key_fold(name): (name, field) for name, field in serializer.fields.items()}
    matched = {}
    for key, value in data.items():
        name, field = fields.get(key_fold(str(key)), (key, None))
        matched[name] = match_keys(value, field) if field is not None else value
    return matched


def parse(serializer_class, data, **kwargs):
    """Validate ``data`` with ``serializer_class`` after matching keys; the validated data."""
    serializer = serializer_class(**kwargs)
    if data is None:
        data = {}
    serializer = serializer_class(data=match_keys(data, serializer), **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
