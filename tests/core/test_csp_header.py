"""The CSP header built once (o2o.core.csp) is the header django-csp builds, and whatever
makes a response's policy its own still goes through django-csp."""

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from o2o.core.csp import CSPMiddleware

pytestmark = pytest.mark.django_db


def _through(middleware_class, view, path="/"):
    request = RequestFactory().get(path)
    middleware = middleware_class(view)
    middleware.process_request(request)
    return request, middleware.process_response(request, view(request))


def _plain(request):
    return HttpResponse("ok")


def test_a_page_gets_the_header_django_csp_builds(client):
    response = client.get("/")
    _request, expected = _through(LibraryCSPMiddleware, _plain)
    assert response[HEADER] == expected[HEADER]
    assert "script-src 'self'" in response[HEADER]
    assert HEADER_REPORT_ONLY not in response


def test_settings_changed_are_read_again(client):
    policy = {"DIRECTIVES": {"default-src": ["'none'"]}}
    report = {"DIRECTIVES": {"img-src": ["'self'"]}, "EXCLUDE_URL_PREFIXES": ["/api/"]}
    assert "script-src 'self'" in client.get("/")[HEADER]  # built from the shipped settings
    with override_settings(
        CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=report
    ):
        page = client.get("/")
        api = client.get("/api/schema/")
        assert page[HEADER] == "default-src 'none'"
        assert "img-src 'self'" in page[HEADER_REPORT_ONLY]
        assert HEADER_REPORT_ONLY not in api  # its prefix is excluded
    assert "script-src 'self'" in client.get("/")[HEADER]


@pytest.mark.parametrize(
    "decorate",
    [csp_update({"img-src": ["https://tiles.example"]}), csp_exempt()],
    ids=["update", "exempt"],
)
def test_a_view_with_its_own_policy_gets_what_django_csp_gives(decorate):
    view = decorate(_plain)
    _request, ours = _through(CSPMiddleware, view)
    _request, theirs = _through(LibraryCSPMiddleware, view)
    assert ours.get(HEADER) == theirs.get(HEADER)


@override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": ["'self'", NONCE]}})
def test_a_nonce_used_by_the_page_is_in_its_header():
    def view(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    request, response = _through(CSPMiddleware, view)
    assert f"script-src 'self' 'nonce-{request._csp_nonce}'" in response[HEADER]
    _request, unused = _through(CSPMiddleware, _plain)
    assert "nonce" not in unused[HEADER]


def test_a_nonce_asked_for_after_the_header_went_out_is_refused():
    from csp.exceptions import CSPNonceError

    request, _response = _through(CSPMiddleware, _plain)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
