"""JSON log lines. Only technical fields: never names, identity codes or free text."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import structlog

_SAFE_EXTRA = ("request_id", "status_code", "view", "event_type")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = structlog.contextvars.get_contextvars()
        if "request_id" in context:
            payload["request_id"] = context["request_id"]
        for key in _SAFE_EXTRA:
            if hasattr(record, key):
                payload[key] = getattr(record, key)
        if record.exc_info:
            payload["exception"] = record.exc_info[0].__name__ if record.exc_info[0] else "unknown"
        return json.dumps(payload, ensure_ascii=False)
