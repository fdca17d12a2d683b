"""The API docs work in a real browser under the site's Content Security Policy."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_api_docs_list_the_operations(page):
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{page.base}/api/docs/")
    expect(page.get_by_text("/api/v1/brands/", exact=True).first).to_be_visible()
    expect(page.get_by_text("/api/v1/outlets/{code}/stock/", exact=True).first).to_be_visible()
    assert blocked == []
