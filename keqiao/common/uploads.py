"""Upload checks: the declared type must match the bytes, and only PDF and images are accepted.

Written here rather than taken from a library because the rule is small and specific: sniff the
leading bytes with `filetype`, open images with Pillow to reject disguised or truncated files, and
compare against the file name's extension.
"""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image

ALLOWED = {
    "application/pdf": {"pdf"},
    "image/jpeg": {"jpg", "jpeg"},
    "image/png": {"png"},
    "image/webp": {"webp"},
}


def check_upload(uploaded) -> str:
    """Return the sniffed content type of an acceptable upload, or raise ValidationError."""
    max_bytes = settings.KEQIAO["ATTACHMENT_MAX_BYTES"]
    if uploaded.size > max_bytes:
        raise ValidationError(
            _("The file is too large: at most %(mb)d MB is allowed."),
            code="too_large",
            params={"mb": max_bytes // (1024 * 1024)},
        )
    if uploaded.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    head = uploaded.read(8192)
    uploaded.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime not in ALLOWED:
        raise ValidationError(
            _("Only PDF documents and JPEG, PNG or WebP pictures are accepted."), code="type"
        )
    name = uploaded.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED[mime]:
        raise ValidationError(
            _("The file's name does not match its content (%(ext)s is not %(type)s)."),
            code="mismatch",
            params={"ext": ext or "—", "type": mime},
        )
    if mime.startswith("image/"):
        try:
            with Image.open(uploaded) as img:
                img.verify()
        except Exception as exc:  # Pillow raises many types for corrupt data
            raise ValidationError(_("The picture is damaged or not a real image."), code="corrupt") from exc
        finally:
            uploaded.seek(0)
    return mime
