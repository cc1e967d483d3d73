"""The directory pages in a real browser (Debian's Chromium through Playwright) with the
site's Content-Security-Policy kept, as a person's browser keeps it; axe-core checks each
page. Skipped without /usr/bin/chromium unless TUTTI_REQUIRE_BROWSER=1. Screenshots land in
/tmp (or TUTTI_SCREENSHOT_DIR)."""

import pytest

from tutti.core.tests.browser import (
    AXE_JS,
    SCREENSHOT_DIR,
    assert_no_browser_problems,
    assert_styled,
    expect,
    tab_to,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def check(page, heading, screenshot):
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone ({width}px)"
    page.screenshot(path=str(SCREENSHOT_DIR / f"tutti-{screenshot}.png"), full_page=True)
    assert_no_serious_axe_violations_under_csp(page)
    assert_no_browser_problems(page)


def assert_no_serious_axe_violations_under_csp(page):
    """As tutti.core.tests.browser's check, but the page's CSP refuses an injected <script>:
    axe's source is evaluated through the DevTools connection, which is not a page script."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text())
    results = page.evaluate("axe.run()")
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe found serious problems on {page.url}: " + "; ".join(
        f"{v['id']} at {[n['target'] for n in v['nodes']]}" for v in serious
    )


def test_a_carer_finds_a_service_by_postcode_on_a_phone_with_the_keyboard(
    strict_page,
    directory,
    client,
):
    # Build the URL map and compile the templates first: on a busy machine that alone can
    # outlast the browser's patience with its first page.
    for path in ("/", "/services/", "/services/CAMDEN-16-24/"):
        client.get(path)
    page = strict_page
    page.set_viewport_size(PHONE)
    page.goto("/")
    link = page.get_by_role("link", name="Find a music therapy service near you")
    tab_to(page, link)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check(page, "Find music therapy", "directory-list")
    assert_styled(page)

    # A postcode that does not exist: the error is next to the field, and what was typed stays.
    postcode = page.get_by_label("Postcode")
    tab_to(page, postcode)
    page.keyboard.type("NW1 9ZZ")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check(page, "Find music therapy", "directory-postcode-error")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("We could not find NW1 9ZZ")
    expect(page.locator("#id_postcode-error")).to_contain_text("We could not find NW1 9ZZ")
    expect(page.get_by_label("Postcode")).to_have_value("NW1 9ZZ")

    page.get_by_label("Postcode").fill("NW1 2DB")
    page.get_by_label("What would you like help with?").select_option(
        label="Confidence and self-esteem"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    check(page, "Find music therapy", "directory-near-nw1")
    expect(page.locator("#results")).to_have_text("1 service, nearest to NW1 2DB first")
    first = page.locator(".nhsuk-card").first
    expect(first).to_contain_text("Camden Young Voices")
    expect(first).to_contain_text("0.4 miles away")

    with page.expect_navigation():
        first.get_by_role("link", name="Camden Young Voices").click()
    check(page, "Camden Young Voices", "directory-camden-young-voices")
    expect(page.get_by_role("heading", name="Where")).to_be_visible()
    expect(page.get_by_text("Step-free entrance; accessible toilet.")).to_be_visible()
    expect(page.get_by_role("button", name="Ask for music therapy")).to_have_attribute(
        "href", "/refer/?programme=CAMDEN-16-24"
    )
