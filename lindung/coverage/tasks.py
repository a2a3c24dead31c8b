import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def refresh_stale_coverage() -> list[str]:
    """The job worker's half of aggregate.figures_changed: rebuild every month marked stale. A month that
    fails is logged and left marked (its next reader rebuilds it) while the others are rebuilt; the job then
    fails with the first error."""
    from lindung.coverage.aggregate import refresh_coverage, stale_months

    months, failed = stale_months(), None
    for month in months:
        try:
            refresh_coverage(month, only_if_stale=True)
        except Exception as error:
            logger.exception("coverage figures of %s not rebuilt", month)
            failed = failed or error
    if failed:
        raise failed
    return months
