"""What every browser journey does: sign in and out through the real pages, the service navigation, the
success banner."""

from playwright.sync_api import expect


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


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
