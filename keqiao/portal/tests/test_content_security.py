"""A strict Content-Security-Policy: no page template carries inline script or inline event handlers,
every page is sent with the policy and a Permissions-Policy, and the API docs load only the platform's
own files."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = [p for p in ROOT.glob("keqiao/*/templates/**/*.html")] + list(ROOT.glob("templates/**/*.html"))
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def test_templates_were_found():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_script_in_any_template(path):
    source = path.read_text(encoding="utf-8")
    assert not INLINE_HANDLER.search(source), "inline event handler: bind it in static/js instead"
    assert not INLINE_SCRIPT.search(source), "inline <script>: move it to a static file"
    assert not JAVASCRIPT_URL.search(source), "javascript: URL"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/achievements/", "/demands/", "/accounts/login/", "/api/v1/docs"])
def test_pages_carry_the_policies(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-eval'" not in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_api_docs_load_only_the_platforms_own_files(client):
    html = client.get("/api/v1/docs").content.decode()
    sources = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert any("swagger-ui-bundle.js" in s for s in sources)
