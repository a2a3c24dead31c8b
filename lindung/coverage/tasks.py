from django_tasks import task


@task()
def refresh_stale_coverage() -> list[str]:
    """The job worker's half of aggregate.figures_changed: rebuild every month marked stale."""
    from lindung.coverage.aggregate import refresh_coverage, stale_months

    months = stale_months()
    for month in months:
        refresh_coverage(month)
    return months
