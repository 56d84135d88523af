"""What every browser journey does: sign in and out through the real pages, the service navigation, the
success banner."""

from playwright.sync_api import expect

CODE_HEADING = "Enter the 6-digit code"
CODE_LABEL = "Enter the 6-digit code from your authenticator app"


def sign_in(page, base: str, email: str, password: str) -> None:
    """Email and password, then the 6-digit code (issue 17 item 1) of the user's authenticator app: their device in
    the database (a harness one is made for a user who has none), a code it has not accepted yet."""
    _device(email)  # before the password: a user with no device would be sent to set one up
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    enter_code(page, email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def enter_code(page, email: str) -> None:
    """The code page's step: the user's current code, typed and sent."""
    from tests.two_factor import code_for

    expect(page.get_by_role("heading", level=1)).to_have_text(CODE_HEADING)
    page.get_by_label(CODE_LABEL).fill(code_for(_device(email)))
    page.get_by_role("button", name="Continue").click()


def _device(email: str):
    from cases.models import User
    from tests.two_factor import device_for

    return device_for(User.objects.get(email__iexact=email.strip()))


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to FFP Case")


def nav(page, name: str):
    """An entry of the service navigation (the home page links to the same places)."""
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True)


def success_banner(page):
    return page.locator(".govuk-notification-banner--success")


_WIDEST = """(width) => {
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && !el.closest(".app-table-scroll")) {
      const id = el.id ? "#" + el.id : "";
      const name = typeof el.className === "string" ? el.className.trim() : "";
      const classes = name ? "." + name.replace(/ +/g, ".") : "";
      wide.push(`${el.tagName.toLowerCase()}${id}${classes} (${Math.round(box.right)} px)`);
    }
  }
  return wide.slice(-5);
}"""


def _widest(page, width: int) -> list[str]:
    """The innermost elements reaching past the viewport's right edge (outside scrolling regions): what to fix."""
    return page.evaluate(_WIDEST, width)


def assert_reflows(page, width: int = 320) -> None:
    """WCAG 1.4.10 (reflow): at `width` CSS pixels the page scrolls only up and down, never sideways. The viewport is
    put back afterwards."""
    before = page.viewport_size
    page.set_viewport_size({"width": width, "height": 640})
    try:
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= width, f"{page.url} is {overflow} px wide at a {width} px viewport: {_widest(page, width)}"
    finally:
        if before:
            page.set_viewport_size(before)
