"""The numbered pager shared by every paginated list: the window of pages, its links and its labels."""

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory

from keqiao.common.pagination import page_window


@pytest.mark.parametrize(
    ("number", "num_pages", "expected"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 137, [1, 2, 3, None, 137]),
        (7, 137, [1, None, 5, 6, 7, 8, 9, None, 137]),
        (4, 137, [1, 2, 3, 4, 5, 6, None, 137]),  # a gap of one page shows that page
        (137, 137, [1, None, 135, 136, 137]),
        (500, 137, [1, None, 135, 136, 137]),  # out of range: clamped
        (0, 10, [1, 2, 3, None, 10]),
        (1, 0, []),
    ],
)
def test_page_window(number, num_pages, expected):
    assert page_window(number, num_pages) == expected


def render_pager(path: str, **context) -> str:
    request = RequestFactory().get(path)
    template = Template('{% include "includes/pager.html" %}')
    return template.render(Context({"request": request, **context}))


def test_search_pager_links_first_last_and_the_window_through_htmx():
    html = render_pager(
        "/achievements/?q=竹&page=7", pager_number=7, pager_pages=137, pager_target="#results"
    )
    assert 'aria-current="page"' in html and ">7</a>" in html
    for page in (1, 5, 6, 8, 9, 137):
        assert f'page={page}"' in html
    assert 'page=4"' not in html and 'page=10"' not in html
    assert html.count("…") == 2
    assert 'hx-target="#results"' in html and "q=%E7%AB%B9" in html
    assert 'data-page-status="' in html


def test_django_pages_use_the_same_pager_without_htmx():
    page_obj = Paginator(range(100), 10).get_page(2)
    html = render_pager("/deals/?page=2", page_obj=page_obj)
    assert 'aria-current="page"' in html and "hx-get" not in html
    assert 'rel="prev" href="?page=1"' in html and 'rel="next" href="?page=3"' in html
    assert 'href="?page=10"' in html


def test_a_single_page_has_no_pager():
    assert render_pager("/", pager_number=1, pager_pages=1).strip() == ""
