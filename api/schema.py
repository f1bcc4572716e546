"""OpenAPI post-processing: every operation documents the reference's error bodies."""

ERROR = {
    "type": "object",
    "properties": {
        "code": {"type": "integer"},
        "description": {"type": "string"},
        "data": {"type": "array", "items": {"type": "string"}},
        "source": {"type": "string"},
    },
    "required": ["code", "description", "data", "source"],
}
THROTTLED = {
    "type": "object",
    "properties": {"statusCode": {"type": "integer"}, "message": {"type": "string"}},
    "required": ["statusCode", "message"],
}
ERROR_STATUSES = {
    "400": "Invalid input, or a business rule refused it (see description).",
    "401": "The bearer token is missing or not valid (WWW-Authenticate is set).",
    "403": "The agent's role (900150) or the partner's standing does not allow this.",
    "404": "Not found, or not managed by your organization.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "409": "Conflicts with the current state (see description).",
    "411": "A request body was sent without a Content-Length.",
    "412": "The If-Match ETag is no longer valid.",
    "413": "The request body is over the API's limit (GCC_API_MAX_BODY_BYTES, 1 MiB by default).",
    "415": "Unsupported media type.",
    "500": "An internal error (logged; quote the response's MS-CorrelationId).",
}
REQUEST_HEADERS = ("MS-RequestId", "MS-CorrelationId")


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["Throttled"] = THROTTLED
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {"description": description, "content": error})
            responses["429"] = {
                "description": "Rate limit exceeded; Retry-After says when to retry.",
                "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Throttled"}}
                },
            }
            parameters = operation.setdefault("parameters", [])
            for header in REQUEST_HEADERS:
                parameters.append(
                    {
                        "in": "header",
                        "name": header,
                        "required": False,
                        "schema": {"type": "string", "maxLength": 64},
                        "description": "Echoed back; MS-RequestId makes a retried write act once.",
                    }
                )
    return result
