import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path, heading",
    [
        ("/", "Music therapy from"),
        ("/accessibility/", "Accessibility statement"),
        ("/privacy/", "Privacy notice"),
        ("/account/sign-in/", "Sign in to Tutti"),
    ],
)
def test_public_pages_use_the_layout_with_skip_link_and_footer_links(client, path, heading):
    page = client.get(path).content.decode()
    assert heading in page
    assert 'href="#maincontent"' in page  # skip link
    assert 'href="/accessibility/"' in page and 'href="/privacy/"' in page
    assert "/static/nhsuk/nhsuk-frontend.min.css" in page


def test_security_headers_are_sent(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_inline_script_carries_the_csp_nonce(client):
    response = client.get("/")
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_health_endpoint_answers(client):
    assert client.get("/api/v1/health").json() == {"status": "ok"}


def test_openapi_is_published(client):
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Tutti API"


def test_forwarded_address_is_believed_only_behind_a_trusted_proxy(rf, settings):
    from tutti.core.audit import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.1")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.AXES_IPWARE_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # not the forged first entry
