"""Background jobs behind the batch page's files for BPJS: the registration file out, BPJS's answer in.

Their progress is kept on a BpjsFileJob for the page to show (as intake does for uploads).
"""
import os
import uuid
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import task

from lindung.accounts import audit
from lindung.enrolment.models import BpjsFileJob
from lindung.keys import var_dir

ISSUES_KEPT = 200


def exports_folder() -> Path:
    folder = var_dir() / "enrolment" / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_private(path: Path, content: bytes) -> None:
    """A new file only its owner may read (it holds full NIKs)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(content)


def _progress(job_id: int):
    def progress(fraction: float, text: str) -> None:
        BpjsFileJob.objects.filter(pk=job_id).update(progress=max(1, int(fraction * 100)), progress_text=text)
    return progress


def _start(job_id: int):
    job = BpjsFileJob.objects.select_related("batch").get(pk=job_id)
    user = get_user_model().objects.filter(pk=job.created_by_id).first()
    BpjsFileJob.objects.filter(pk=job_id).update(state=BpjsFileJob.State.RUNNING, progress=1)
    return job, user


def _done(job_id: int, **fields) -> None:
    BpjsFileJob.objects.filter(pk=job_id).update(state=BpjsFileJob.State.DONE, progress=100, progress_text="",
                                                 finished_at=timezone.now(), **fields)


def fail(job_id: int, message: str) -> None:
    BpjsFileJob.objects.filter(pk=job_id).update(state=BpjsFileJob.State.FAILED, error=message, progress_text="",
                                                 finished_at=timezone.now())


@task()
def run_export(job_id: int) -> None:
    """The batch's collective-registration workbook, kept under the var folder (0600) for its download."""
    from lindung.enrolment.bpjs_files import BpjsFileError, export_batch

    job, user = _start(job_id)
    try:
        with audit.acting_as(user):
            content = export_batch(job.batch, user=user, progress=_progress(job_id))
        stored = exports_folder() / f"{uuid.uuid4().hex}.xlsx"
        write_private(stored, content)
    except BpjsFileError as e:
        fail(job_id, str(e))
    except Exception as e:
        fail(job_id, f"Berkas untuk BPJS gagal dibuat / the file for BPJS could not be made: {e}")
        raise
    else:
        rows = job.batch.members.filter(status__in=["candidate", "submitted"]).count()
        _done(job_id, stored_as=str(stored), result={"rows": rows})
        forget_earlier_exports(job)


def forget_earlier_exports(job: BpjsFileJob) -> None:
    """Only the latest file of a batch is offered: the earlier ones (full NIKs) are removed."""
    earlier = BpjsFileJob.objects.filter(batch_id=job.batch_id, kind=BpjsFileJob.Kind.EXPORT, pk__lt=job.pk) \
        .exclude(stored_as="")
    for path in earlier.values_list("stored_as", flat=True):
        Path(path).unlink(missing_ok=True)
    earlier.update(stored_as="")


@task()
def run_import(job_id: int) -> None:
    """Read BPJS's answer kept at the job's stored_as; the report (without every row's outcome) goes on the job."""
    from lindung.enrolment.bpjs_files import BpjsFileError, import_response

    job, user = _start(job_id)
    try:
        with audit.acting_as(user):
            report = import_response(job.batch, Path(job.stored_as), user=user, filename=job.filename,
                                     progress=_progress(job_id))
    except BpjsFileError as e:
        fail(job_id, str(e))
    except Exception as e:
        fail(job_id, f"Jawaban BPJS gagal dibaca, tidak ada yang berubah / the BPJS response could not be read, "
                     f"nothing was changed: {e}")
        raise
    else:
        _done(job_id, result=report_summary(report))


def report_summary(report) -> dict:
    """What the batch page shows of a response report: the counts and the first issues (not every row's outcome)."""
    data = report.as_json()
    data.pop("outcomes", None)
    data["more_issues"] = max(len(data["issues"]) - ISSUES_KEPT, 0)
    data["issues"] = data["issues"][:ISSUES_KEPT]
    return data
