"""One Content-Disposition for every download: an ASCII name and the UTF-8 one (RFC 6266)."""

import io

from keqiao.common.downloads import PDF, XLSX, ascii_filename, attachment_response, file_response


def test_ascii_fallback_keeps_the_extension():
    assert ascii_filename("技术合同登记-2025.xlsx") == "-2025.xlsx"
    assert ascii_filename("行动方案.pdf") == "download.pdf"
    assert ascii_filename("行动方案.pdf", "action-plan-3.pdf") == "action-plan-3.pdf"
    assert ascii_filename("Résumé.pdf") == "Resume.pdf"
    assert ascii_filename('a"b\\c.txt') == "abc.txt"


def test_generated_and_stored_files_have_the_same_headers():
    generated = attachment_response(b"x", "年度报告.xlsx", XLSX, ascii_name="annual-report.xlsx")
    stored = file_response(io.BytesIO(b"%PDF"), "合同扫描件.pdf", PDF)
    inline = file_response(io.BytesIO(b"\x89PNG"), "照片.png", "image/png", inline=True)
    assert generated["Content-Disposition"] == (
        "attachment; filename=\"annual-report.xlsx\"; filename*=UTF-8''%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A.xlsx"
    )
    assert stored["Content-Disposition"].startswith(
        "attachment; filename=\"download.pdf\"; filename*=UTF-8''"
    )
    assert inline["Content-Disposition"].startswith('inline; filename="download.png"')
    for response in (generated, stored, inline):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
    assert stored["Content-Type"] == PDF
