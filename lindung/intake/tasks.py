from pathlib import Path

from django.contrib.auth import get_user_model
from django_tasks import task

from lindung.accounts import audit
from lindung.intake.models import ImportBatch


@task()
def run_import(batch_id: int) -> None:
    """The background job behind a web upload; its progress is kept on the batch for the page to show."""
    from lindung.intake.reader import UnreadableFile
    from lindung.intake.services import RegionsNotLoaded, run_intake

    batch = ImportBatch.objects.get(pk=batch_id)
    user = get_user_model().objects.filter(pk=batch.uploaded_by_id).first()
    ImportBatch.objects.filter(pk=batch_id).update(state=ImportBatch.State.RUNNING, progress=1)

    def progress(fraction: float, text: str) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(progress=int(fraction * 100), progress_text=text)

    try:
        with audit.acting_as(user):
            run_intake(Path(batch.stored_as), source=batch.source, user=user, filename=batch.filename,
                       batch=batch, progress=progress)
    except (UnreadableFile, RegionsNotLoaded) as e:
        fail(batch_id, f"{e.message('id')} / {e.message('en')}")
    except Exception as e:
        fail(batch_id, f"Impor gagal, registrasi tidak berubah / the import failed, nothing was changed: {e}")
        raise


def fail(batch_id: int, message: str) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(state=ImportBatch.State.FAILED, error=message, progress_text="")
