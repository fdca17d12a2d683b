"""Values from outside that a database cannot store, found before they reach it."""

import re

# NUL (PostgreSQL text and jsonb refuse it) and lone surrogates (not encodable as UTF-8)
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
MAX_NESTING = 32
# The longest address an e-mail column holds (models.EmailField: 254, RFC 5321's path
# limit); Django's and DRF's form fields accept 320, which PostgreSQL then refuses.
EMAIL_LENGTH = 254
# Characters that break a mail header or a log line: CR, LF and the other C0/C1 controls.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def unstorable_reason(value, *, depth=0):
    """Why `value` (decoded JSON) cannot be stored, or None."""
    if depth > MAX_NESTING:
        return f"nested more than {MAX_NESTING} levels deep"
    if isinstance(value, str):
        if UNSTORABLE.search(value):
            return "contains a NUL byte or an invalid character (lone surrogate)"
        return None
    if isinstance(value, dict):
        items = list(value.keys()) + list(value.values())
    elif isinstance(value, list):
        items = value
    else:
        return None
    for item in items:
        reason = unstorable_reason(item, depth=depth + 1)
        if reason:
            return reason
    return None


def storable(text):
    """`text` with what a database cannot store replaced by U+FFFD."""
    return UNSTORABLE.sub("\ufffd", text)


def single_line(value):
    """`value` with control characters (CR, LF, tabs...) folded to single spaces."""
    return CONTROL.sub(" ", str(value or "")).strip()
