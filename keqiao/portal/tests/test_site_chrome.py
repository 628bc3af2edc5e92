"""What every page carries for phones and assistive technology: the menu button, the skip link, the live
region of htmx updates, and the favicon served at the site's root."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/achievements/", "/demands/", "/accounts/login/"])
def test_every_page_has_a_skip_link_a_menu_button_and_a_live_region(client, url):
    html = client.get(url).content.decode()
    assert html.index('class="skip-link" href="#main"') < html.index("<header")
    assert '<main id="main" tabindex="-1">' in html
    assert (
        'aria-controls="site-menu"' in html and 'aria-expanded="false"' in html and 'id="site-menu"' in html
    )
    assert 'id="live-status"' in html and 'aria-live="polite"' in html
    assert 'rel="icon" href="/favicon.ico"' in html


@pytest.mark.django_db
def test_signed_in_users_find_their_places_in_the_menu(client, owner):
    client.force_login(owner)
    html = client.get("/").content.decode()
    menu = html.split('id="site-menu"', 1)[1].split("</header>", 1)[0]
    for path in ("/accounts/dashboard/", "/deals/", "/deals/contracts/", "/matching/notifications/"):
        assert f'href="{path}"' in menu
    assert 'class="username"' in menu


def test_the_favicon_is_served_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"


def test_the_demo_can_show_the_platforms_own_error_pages(monkeypatch):
    # Imported here, not at collection: the development settings are read afresh under each value of
    # KEQIAO_DEBUG, and no other test should see them loaded.
    import importlib

    import config.settings.dev as dev

    monkeypatch.setenv("KEQIAO_DEBUG", "0")
    assert importlib.reload(dev).DEBUG is False
    assert dev.WHITENOISE_USE_FINDERS is True
    monkeypatch.setenv("KEQIAO_DEBUG", "1")
    assert importlib.reload(dev).DEBUG is True
