import logging
import sys

from django.core.exceptions import PermissionDenied

from lindung.accounts.log_filters import RefusalsWithoutTraceback


def record_of(exception: Exception) -> logging.LogRecord:
    try:
        raise exception
    except Exception:
        return logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: /audit/", None,
                                 sys.exc_info())


def test_a_refusal_is_logged_as_one_line_and_an_error_keeps_its_traceback():
    refusal, error = record_of(PermissionDenied()), record_of(ValueError("broken"))
    keep = RefusalsWithoutTraceback()
    assert keep.filter(refusal) and keep.filter(error)
    assert refusal.exc_info is None and logging.Formatter().format(refusal) == "Forbidden: /audit/"
    assert error.exc_info is not None and "ValueError: broken" in logging.Formatter().format(error)
