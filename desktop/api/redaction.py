"""A second line of defence: secrets and token-shaped strings never reach a log line.

The first line is simply never logging them. This module adds, for every log record created
anywhere in the process (our loggers, httpx, httpcore, websockets, Qt bridges):

* exact redaction of every secret registered with :func:`register_secret` (client secret,
  refresh token, access tokens, quote tokens);
* pattern redaction of anything token-shaped: JWTs, ``Bearer <token>``, and ``token``/
  ``secret``-named values in ``key=value`` or JSON form.

:func:`install` hooks ``logging``'s record factory once (idempotent).
"""

from __future__ import annotations

import logging
import re
import threading
from collections import deque
from typing import Any

MASK = "[redacted]"

_PATTERNS = (
    re.compile(r"eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}"),  # JWT
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(
        r"(?i)([\"']?(?:access|refresh|quote|session|auth|remember|id)[_-]?token[\"']?\s*[:=]\s*[\"']?)"
        r"[^\"'\s,;&}]{4,}"
    ),
    re.compile(r"(?i)([\"']?client[_-]?secret[\"']?\s*[:=]\s*[\"']?)[^\"'\s,;&}]{4,}"),
    re.compile(r"(?i)([\"']token[\"']\s*:\s*[\"']?)[^\"'\s,;&}]{4,}"),  # DXLink AUTH's bare key
)

_lock = threading.Lock()
_secrets: deque[str] = deque(maxlen=256)
_installed = False


def register_secret(value: str | None) -> None:
    """Remember ``value`` so it is masked wherever it appears in a log message."""
    if not value or len(value) < 4:
        return
    with _lock:
        if value not in _secrets:
            _secrets.append(value)


def redact(text: str) -> str:
    """``text`` with registered secrets and token-shaped substrings masked."""
    for pattern in _PATTERNS:  # shapes first: a known secret inside a key name must not hide it
        replacement = (lambda m: m.group(1) + MASK) if pattern.groups else MASK
        text = pattern.sub(replacement, text)
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def _redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: keep the raw template
        message = str(record.msg)
    clean = redact(message)
    if clean != message or record.args:
        record.msg = clean
        record.args = None
    if record.exc_info and record.exc_info[1] is not None:
        exc = record.exc_info[1]
        if redact(str(exc)) != str(exc):
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None


def install() -> None:
    """Redact every log record created from now on, process-wide. Safe to call repeatedly."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _redact_record(record)
        return record

    logging.setLogRecordFactory(factory)


class RedactingFilter(logging.Filter):
    """The same redaction as a handler filter, for handlers that receive foreign records."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True
