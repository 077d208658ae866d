"""No personal data in log lines: whatever a service writes to its log passes through `mask`.

Guests' names and document numbers reach a log line in three ways, each closed here:
- a structured field that holds them (`full_name`, `id_number`, …): masked by field name;
- a database error: PostgreSQL's DETAIL ("Key (document_number)=(…)", "Failing row contains
  (…)") travels in the driver's message into tracebacks and `repr(exc)`: dropped;
- a number that looks like a document (9 or 12 digits: CMND/CCCD; passport-like letters and
  digits) anywhere in the text: masked.
SQL parameters themselves are never logged (the engines use ``hide_parameters``).
"""

from __future__ import annotations

import logging
import re

MASK = "***"

# Fields of the domain that carry a person's identity (DOMAIN.md: the guest record).
PERSONAL_FIELDS = frozenset(
    {
        "full_name",
        "name_folded",
        "guest_name",
        "id_number",
        "document_number",
        "passport_number",
        "date_of_birth",
        "phone",
        "address",
    }
)

_PATTERNS = [
    # PostgreSQL's error detail: values of the row or key in question.
    (re.compile(r"DETAIL:[^\n]*"), f"DETAIL: {MASK}"),
    (
        re.compile(r"Failing row contains \(.*?\)(?=[\"'\n]|$)", re.S),
        f"Failing row contains {MASK}",
    ),
    (re.compile(r"(Key \([^)]*\))=\(.*?\)"), rf"\1=({MASK})"),
    # asyncpg's detail attribute in a repr
    (re.compile(r"(detail=)(['\"]).*?\2"), rf"\1\2{MASK}\2"),
    # document numbers: 9 or 12 digits (CMND, CCCD), passports (1-2 letters, 6-8 digits)
    (re.compile(r"(?<![\w-])(?:\d{12}|\d{9})(?![\w-])"), MASK),
    (re.compile(r"(?<![\w-])[A-Z]{1,2}\d{6,8}(?![\w-])"), MASK),
]


def mask(text: str) -> str:
    """The text with database error details (row and key values) and document numbers masked."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def mask_fields(_logger, _method, event_dict: dict) -> dict:
    """structlog processor: personal fields masked by name, at any depth of dicts."""
    return _masked(event_dict)


def _masked(value):
    if isinstance(value, dict):
        return {k: (MASK if k in PERSONAL_FIELDS else _masked(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(v) for v in value]
    return value


def masking_renderer(renderer):
    """Wrap structlog's final renderer so the rendered line (exceptions included) is masked."""

    def render(logger, method, event_dict):
        return mask(renderer(logger, method, event_dict))

    return render


class MaskingFormatter(logging.Formatter):
    """For the standard library's loggers (uvicorn, SQLAlchemy, aiokafka): the record as the
    handler's own formatter writes it, traceback included, then masked."""

    def __init__(self, inner: logging.Formatter | None = None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter(logging.BASIC_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        """The inner formatter's line, masked."""
        return mask(self.inner.format(record))


def mask_standard_logging() -> None:
    """Put every handler configured so far (root, uvicorn's) behind MaskingFormatter."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if not isinstance(handler.formatter, MaskingFormatter):
                handler.setFormatter(MaskingFormatter(handler.formatter))
