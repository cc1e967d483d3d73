"""Signing in, in a real browser: Debian's Chromium driven by Playwright, checked with axe-core.

These tests need /usr/bin/chromium (Debian's `chromium` package; Playwright never downloads a
browser here). Without it they are skipped, unless TUTTI_REQUIRE_BROWSER=1 is set (as CI does),
in which case they fail, so a machine without the browser cannot pass them silently.

Screenshots of the pages land in /tmp (or TUTTI_SCREENSHOT_DIR) for a person to look at.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # a dev dependency: the browser fixture says what to do without it
    expect = sync_playwright = None

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT_DIR = Path(os.environ.get("TUTTI_SCREENSHOT_DIR", "/tmp"))
USERNAME = "cora"
PASSWORD = "correct horse battery staple"
NHS_BLUE = "rgb(0, 94, 184)"
WRONG_LOGIN = "The email address or password is not right"


def _unavailable(reason):
    """Skip, or fail when the environment says the browser tests must run."""
    if os.environ.get("TUTTI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (TUTTI_REQUIRE_BROWSER=1, so this fails instead of skipping)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: install Debian's chromium package")
    if not AXE_JS.exists():
        _unavailable(f"{AXE_JS} is missing: run `make install` (npm ci)")
    if sync_playwright is None:
        _unavailable("the playwright package is missing: run `make install`")

    # Playwright's sync API keeps an asyncio loop running in this thread, so Django would
    # refuse the tests' ORM calls (SynchronousOnlyOperation). The tests themselves are sync.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# NHS.UK frontend's stylesheet asks for the Frutiger web font from the NHS's own server. The tests
# never go off this machine, and the site's CSP (default-src 'self') refuses that font anyway,
# so browsers fall back to Arial. Those refusals are expected; anything else off-site is not.
EXPECTED_OFFSITE = ("https://assets.nhs.uk/fonts/",)


def _open_tab(browser, live_server, *, bypass_csp):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=bypass_csp
    )
    context.set_default_timeout(15_000)

    # Nothing leaves this machine: requests for anything but the live server are refused.
    def local_only(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", local_only)
    tab = context.new_page()

    # Anything the browser complains about: console errors (Content-Security-Policy refusals
    # among them), uncaught script errors, and requests that failed or got an error status.
    tab.problems = []

    def problem(text, url=""):
        if not any(url.startswith(p) or p in text for p in EXPECTED_OFFSITE):
            tab.problems.append(text)

    def on_console(msg):
        if msg.type == "error":
            problem(f"console: {msg.text}", msg.location.get("url", ""))

    def on_response(response):
        if response.status >= 400:
            problem(f"HTTP {response.status}: {response.url}", response.url)

    tab.on("console", on_console)
    tab.on("response", on_response)
    tab.on("pageerror", lambda error: problem(f"script error: {error}"))
    tab.on(
        "requestfailed",
        lambda request: problem(f"request failed: {request.url} {request.failure}", request.url),
    )
    return context, tab


@pytest.fixture
def page(browser, live_server):
    """A tab that lets axe-core be injected: the page's CSP forbids inline scripts."""
    context, tab = _open_tab(browser, live_server, bypass_csp=True)
    yield tab
    context.close()


@pytest.fixture
def strict_page(browser, live_server):
    """A tab that keeps the site's Content-Security-Policy, as a person's browser does."""
    context, tab = _open_tab(browser, live_server, bypass_csp=False)
    yield tab
    context.close()


@pytest.fixture
def coordinator(transactional_db, django_user_model):
    # live_server tests flush the database after each test, which removes the role groups
    # the data migration made, so make sure the one we need is there.
    group, _ = Group.objects.get_or_create(name="coordinator")
    user = django_user_model.objects.create_user(
        username=USERNAME, email="cora@example.org", password=PASSWORD, full_name="Cora Hart"
    )
    user.groups.add(group)
    return user


def assert_no_serious_axe_violations(page):
    """Run axe-core on the page as it is now; serious and critical violations fail."""
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("axe.run()")
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    at {node['target']}" for node in v["nodes"])
        for v in serious
    )
    assert not serious, f"axe found serious problems on {page.url}:\n{report}"


def assert_styled(page):
    """The NHS.UK stylesheet and the Tutti logo were served from /static/."""
    header_colour = page.locator("header.nhsuk-header").evaluate(
        "element => getComputedStyle(element).backgroundColor"
    )
    assert header_colour == NHS_BLUE, "the NHS.UK frontend stylesheet did not load"
    logo = page.locator("img.nhsuk-header__organisation-logo")
    assert logo.get_attribute("src").startswith(settings.STATIC_URL)
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0"), "the logo did not load"


def assert_no_browser_problems(page):
    assert not page.problems, "the browser reported problems:\n" + "\n".join(page.problems)


def test_coordinator_signs_in_with_the_keyboard(page, coordinator):
    page.goto("/account/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Tutti")
    assert_styled(page)
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-sign-in.png"), full_page=True)
    assert_no_serious_axe_violations(page)

    page.get_by_label("Email address or username").focus()
    page.keyboard.type(USERNAME)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.get_by_role("button", name="Sign in").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/account/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Cora Hart")
    expect(page.get_by_role("heading", level=2, name="Referrals")).to_be_visible()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Intake coordinator")
    assert_styled(page)
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-dashboard.png"), full_page=True)
    assert_no_serious_axe_violations(page)
    assert_no_browser_problems(page)


def test_wrong_password_shows_the_errors_and_keeps_the_username(page, coordinator):
    page.goto("/account/sign-in/")
    page.get_by_label("Email address or username").fill(USERNAME)
    page.get_by_label("Password", exact=True).fill("not the password at all")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title("Error: Sign in – Tutti")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary).to_contain_text(WRONG_LOGIN)
    # The same message next to the field, tied to it for screen readers.
    username = page.get_by_label("Email address or username")
    expect(page.locator("#id_username-error")).to_contain_text(WRONG_LOGIN)
    expect(username).to_have_attribute("aria-describedby", "id_username-error")
    expect(username).to_have_value(USERNAME)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    # The summary's link takes a keyboard user to the field.
    summary.get_by_role("link").first.focus()
    page.keyboard.press("Enter")
    expect(username).to_be_focused()
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-sign-in-error.png"), full_page=True)
    assert_no_serious_axe_violations(page)
    assert_no_browser_problems(page)


def test_missing_password_is_shown_next_to_the_password_field(page, coordinator):
    page.goto("/account/sign-in/")
    page.get_by_label("Email address or username").fill(USERNAME)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()

    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter your password")
    expect(page.locator("#id_password-error")).to_contain_text("Enter your password")
    expect(page.get_by_label("Email address or username")).to_have_value(USERNAME)
    assert_no_serious_axe_violations(page)
    assert_no_browser_problems(page)


def test_pages_work_under_the_content_security_policy(strict_page, coordinator):
    """With the real CSP: our scripts run, nothing is refused, and errors take the focus."""
    page = strict_page
    page.goto("/account/sign-in/")
    assert_styled(page)
    # The inline script in the NHS.UK template needs the CSP nonce; without it the
    # frontend's JavaScript (password reveal, error summary focus) never starts.
    expect(page.locator("body")).to_have_class(re.compile(r"\bnhsuk-frontend-supported\b"))
    expect(page.get_by_role("button", name="Show password")).to_be_visible()

    page.get_by_label("Email address or username").fill(USERNAME)
    page.get_by_label("Password", exact=True).fill("not the password at all")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    # NHS.UK frontend moves the focus to the error summary, so it is read out first.
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Cora Hart")
    assert_styled(page)
    assert_no_browser_problems(page)
