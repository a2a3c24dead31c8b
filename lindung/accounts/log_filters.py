"""Filters for the server's log."""
import logging

from django.core.exceptions import PermissionDenied


class RefusalsWithoutTraceback(logging.Filter):
    """A refusal (403) is one line in the server log, not a traceback: they are expected (and in the audit log
    with who and what), and dozens of tracebacks would hide a real error."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
