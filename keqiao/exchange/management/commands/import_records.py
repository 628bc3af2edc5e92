"""Import a file as the wizard does, from the command line (for operators): the suggested (or remembered)
column mapping, the same checks, and the same all-or-nothing import; row errors are printed."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from keqiao.accounts.models import Organization
from keqiao.common.errors import DomainError
from keqiao.exchange import services
from keqiao.exchange.choices import BatchStatus, RecordKind


class Command(BaseCommand):
    help = "Import achievements or patents from an .xlsx, .csv or .json file, on behalf of a user."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", choices=RecordKind.values, default=RecordKind.ACHIEVEMENTS)
        parser.add_argument("--source", required=True, help="the source's name (mapping and provenance)")
        parser.add_argument(
            "--user", required=True, help="username of the bureau officer or member importing"
        )
        parser.add_argument("--organization", type=int, help="id of the organisation whose records these are")
        parser.add_argument("--dry-run", action="store_true", help="check every row, import nothing")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
        organization = None
        if options["organization"]:
            organization = Organization.objects.filter(pk=options["organization"]).first()
            if organization is None:
                raise CommandError(f"No organisation {options['organization']}.")
        path = Path(options["file"])
        try:
            uploaded = SimpleUploadedFile(path.name, path.read_bytes())
            batch = services.batch_upload(
                by=user,
                uploaded=uploaded,
                kind=options["kind"],
                source_name=options["source"],
                organization=organization,
            )
            batch = services.batch_set_mapping(batch=batch, by=user, mapping=batch.mapping)
        except (ValidationError, DomainError) as exc:
            raise CommandError(
                " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc.message)
            ) from exc
        for e in batch.errors:
            self.stdout.write(f"row {e['row']} {e['column']}: {e['message']}")
        if batch.errors or options["dry_run"]:
            services.batch_cancel(batch=batch, by=user)
            if batch.errors:
                raise CommandError(f"{batch.report['errors']} errors; nothing was imported.")
            self.stdout.write(f"{batch.row_count} rows pass every check; nothing imported (dry run).")
            return
        batch = services.batch_commit(batch=batch, by=user)
        if batch.status == BatchStatus.QUEUED:
            self.stdout.write(f"Import {batch.pk} queued as a background job.")
            return
        if batch.status != BatchStatus.DONE:
            raise CommandError(f"The import failed, nothing was imported: {batch.failure}")
        r = batch.report
        self.stdout.write(
            f"Import {batch.pk}: {r['created']} created, {r['updated']} updated, {r['skipped']} skipped."
        )
