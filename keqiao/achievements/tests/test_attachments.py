import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from keqiao.achievements import services
from keqiao.achievements.models import Attachment
from keqiao.common.errors import NotPermitted, TransitionNotAllowed

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return buf.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_pdf_and_png_accepted(make_achievement, owner):
    a = make_achievement("draft")
    pdf = services.attachment_add(
        achievement=a, by=owner, uploaded=upload("报告.pdf", PDF), kind="technical_report"
    )
    assert pdf.content_type == "application/pdf" and pdf.original_name == "报告.pdf"
    assert "报告" not in pdf.file.name  # stored under a random name
    img = services.attachment_add(
        achievement=a, by=owner, uploaded=upload("p.png", png_bytes()), kind="image", is_public=True
    )
    assert img.is_public
    assert a.events.filter(action="attachment_added").count() == 2


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("evil.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "type"),  # an executable named .pdf
        ("report.png", PDF, "mismatch"),  # a PDF named .png
        ("x.html", b"<html><script>alert(1)</script></html>", "type"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "corrupt"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_disguised_or_bad_uploads_refused(make_achievement, owner, name, content, code):
    from django.core.exceptions import ValidationError

    a = make_achievement("draft")
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(achievement=a, by=owner, uploaded=upload(name, content), kind="other")
    assert exc.value.code == code
    assert not Attachment.objects.exists()


def test_oversize_refused(make_achievement, owner, settings):
    from django.core.exceptions import ValidationError

    settings.KEQIAO = {**settings.KEQIAO, "ATTACHMENT_MAX_BYTES": 1024}
    a = make_achievement("draft")
    with pytest.raises(ValidationError) as exc:
        services.attachment_add(
            achievement=a, by=owner, uploaded=upload("big.pdf", PDF + b" " * 2000), kind="other"
        )
    assert exc.value.code == "too_large"


def test_only_members_and_only_when_editable(make_achievement, owner, outsider):
    a = make_achievement("draft")
    with pytest.raises(NotPermitted):
        services.attachment_add(achievement=a, by=outsider, uploaded=upload("r.pdf", PDF), kind="other")
    b = make_achievement("submitted")
    with pytest.raises(TransitionNotAllowed):
        services.attachment_add(achievement=b, by=owner, uploaded=upload("r.pdf", PDF), kind="other")


def test_upload_view_and_download_permissions(client, personas, make_achievement, owner, bureau):
    a = make_achievement("draft")
    client.force_login(owner)
    response = client.post(
        reverse("achievements:attachment_upload", args=[a.pk]),
        {"kind": "technical_report", "file": upload("r.pdf", PDF)},
    )
    assert response.status_code == 302
    private = Attachment.objects.get()
    client.post(
        reverse("achievements:attachment_upload", args=[a.pk]),
        {"kind": "image", "file": upload("p.png", png_bytes()), "is_public": "on"},
    )
    public = Attachment.objects.get(kind="image")
    services.achievement_submit(achievement=a, by=owner)
    services.achievement_approve(achievement=a, by=bureau)
    services.achievement_publish(achievement=a, by=owner)
    expected = {
        "owner": (200, 200),
        "colleague": (200, 200),
        "bureau": (200, 200),
        "outsider": (404, 200),
        "anonymous": (404, 200),
    }
    for persona, (private_status, public_status) in expected.items():
        client.logout()
        if personas[persona]:
            client.force_login(personas[persona])
        assert client.get(reverse("achievements:attachment", args=[private.pk])).status_code == private_status
        assert client.get(reverse("achievements:attachment", args=[public.pk])).status_code == public_status


def test_upload_view_shows_error_for_bad_file(client, owner, make_achievement):
    a = make_achievement("draft")
    client.force_login(owner)
    response = client.post(
        reverse("achievements:attachment_upload", args=[a.pk]),
        {"kind": "other", "file": upload("x.exe", b"MZ" + b"\x00" * 100)},
        follow=True,
    )
    assert not Attachment.objects.exists()
    assert "PDF" in response.content.decode()


def test_outsider_cannot_upload_or_delete(client, outsider, owner, make_achievement):
    a = make_achievement("draft")
    att = services.attachment_add(achievement=a, by=owner, uploaded=upload("r.pdf", PDF), kind="other")
    client.force_login(outsider)
    assert (
        client.post(
            reverse("achievements:attachment_upload", args=[a.pk]),
            {"kind": "other", "file": upload("r.pdf", PDF)},
        ).status_code
        == 404
    )
    assert client.post(reverse("achievements:attachment_delete", args=[att.pk])).status_code == 404
    assert Attachment.objects.count() == 1


def test_owner_removes_attachment(client, owner, make_achievement):
    a = make_achievement("draft")
    att = services.attachment_add(achievement=a, by=owner, uploaded=upload("r.pdf", PDF), kind="other")
    client.force_login(owner)
    client.post(reverse("achievements:attachment_delete", args=[att.pk]))
    assert not Attachment.objects.exists()
    assert a.events.filter(action="attachment_removed").exists()
