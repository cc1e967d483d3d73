"""Shared by the browser tests: Debian's Chromium driven by Playwright, checked with axe-core.

The tests need /usr/bin/chromium (Debian's `chromium` package; Playwright never downloads a
browser here). Without it they are skipped, unless TUTTI_REQUIRE_BROWSER=1 is set (as CI does),
in which case they fail, so a machine without the browser cannot pass them silently.
Screenshots land in /tmp (or TUTTI_SCREENSHOT_DIR) for a person to look at.

The fixtures `browser`, `page` and `strict_page` are made available to every test by
tutti/conftest.py.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # a dev dependency: the browser fixture says what to do without it
    expect = sync_playwright = None

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
PASSWORD = "correct horse battery staple"
NHS_BLUE = "rgb(0, 94, 184)"


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

    def on_request_failed(request):
        # ERR_ABORTED is the browser dropping a request because the page moved on (a favicon
        # still loading when a form is sent): not a fault of the page.
        if "ERR_ABORTED" not in (request.failure or ""):
            problem(f"request failed: {request.url} {request.failure}", request.url)

    tab.on("requestfailed", on_request_failed)
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


def tab_to(page, target, limit=80):
    """Press Tab until `target` has the focus: proof that a keyboard can reach it."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"the Tab key never reached {target}")


def type_into(page, label, text):
    """Reach a labelled field with the keyboard and type into it."""
    field = page.get_by_label(label, exact=True)
    tab_to(page, field)
    page.keyboard.type(text)
