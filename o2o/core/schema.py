"""OpenAPI post-processing: every operation documents the JSON error shape it may return."""

ERROR = {
    "type": "object",
    "required": ["code", "detail"],
    "properties": {
        "code": {"type": "string", "description": "Stable, machine-readable error code."},
        "detail": {"type": "string", "description": "A human-readable explanation."},
        "fields": {
            "type": "object",
            "additionalProperties": True,
            "description": "Per-field problems of an invalid request.",
        },
    },
    "example": {
        "code": "insufficient_stock",
        "detail": "Sorry, this shop no longer has enough units available.",
    },
}
STATUSES = {
    "400": "Invalid request (`invalid`, `parse_error`, `invalid_snapshot`, ...)",
    "401": "Missing or wrong credentials (`not_authenticated`, `authentication_failed`)",
    "403": "Not allowed (`permission_denied`)",
    "404": "Not found, or not yours (`not_found`, `unknown_outlet`)",
    "409": "Conflict with the current state (`insufficient_stock`, `illegal_transition`)",
    "429": "Too many requests (`throttled`)",
}
WITH_BODY = {
    "413": "The body is larger than the limit (`too_large`, with `limit` in bytes)",
    "415": "A content type this operation does not read (`unsupported_media_type`)",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            statuses = {**STATUSES, **(WITH_BODY if "requestBody" in operation else {})}
            for status, description in statuses.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result
