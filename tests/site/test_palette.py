"""Gate: the palette toggle (overrides/partials/*palette.html) does what Material's did, and a
page load never restyles the whole page for it."""

from __future__ import annotations

import pytest

from sitekit.testing.visits import after_two_frames

# Every change of the scheme or of data-md-color-switching, and whether the content was parsed
# by then; recorded from before the page's first script.
RECORD_BODY = """
window.__bodyChanges = [];
new MutationObserver(records => records.forEach(r => window.__bodyChanges.push(
    r.attributeName + (document.querySelector('.md-content') ? ' after the content' : ''))))
  .observe(document, {attributes: true, subtree: true, attributeFilter: [
    'data-md-color-switching', 'data-md-color-scheme']});
"""
SCHEME = "document.body.getAttribute('data-md-color-scheme')"
SHOWN_TOGGLE = (
    "[...document.querySelectorAll('form[data-md-palette] label')].filter(l => !l.hidden)"
)


def shown_toggle_titles(page) -> list[str]:
    return page.evaluate(f"{SHOWN_TOGGLE}.map(l => l.title)")


@pytest.mark.browser
@pytest.mark.parametrize(
    ("os_scheme", "scheme", "toggle"),
    [("light", "default", "切换到深色模式"), ("dark", "slate", "切换到浅色模式")],
)
def test_the_page_opens_in_the_readers_scheme_without_a_restyle(
    browser, site_url, os_scheme, scheme, toggle
):
    context = browser.new_context(color_scheme=os_scheme)
    try:
        page = context.new_page()
        page.add_init_script(RECORD_BODY)
        page.goto(site_url + "losses/", wait_until="load")
        after_two_frames(page)  # what the page's scripts do after load has been done
        assert page.evaluate(SCHEME) == scheme
        assert shown_toggle_titles(page) == [toggle]
        # Chosen while the header was parsed; Material's component set data-md-color-switching
        # here, which restyled every element twice.
        assert page.evaluate("window.__bodyChanges") == ["data-md-color-scheme"]
        assert page.evaluate("document.querySelector('[data-md-component=palette]')") is None
        header = page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor")
        red, green, blue = (int(part) for part in header[header.index("(") + 1 : -1].split(",")[:3])
        theme = page.evaluate("document.querySelector('meta[name=theme-color]').content")
        assert theme == f"#{red:02x}{green:02x}{blue:02x}"
    finally:
        context.close()


@pytest.mark.browser
def test_the_toggle_switches_saves_and_the_choice_survives_a_reload(browser, site_url):
    context = browser.new_context(color_scheme="light")
    try:
        page = context.new_page()
        page.goto(site_url + "en/losses/", wait_until="load")
        page.locator("form[data-md-palette] label:not([hidden])").click()
        assert page.evaluate(SCHEME) == "slate"
        assert shown_toggle_titles(page) == ["Switch to light mode"]
        page.wait_for_function("!document.body.hasAttribute('data-md-color-switching')")
        saved = page.evaluate("__md_get('__palette')")
        assert saved["index"] == 1 and saved["color"]["scheme"] == "slate"
        page.goto(site_url + "en/dilated-convolution/", wait_until="load")
        assert page.evaluate(SCHEME) == "slate"  # another page, the reader's choice
        # Enter on the focused option switches back, as in Material.
        page.focus("#__palette_1")
        page.keyboard.press("Enter")
        assert page.evaluate(SCHEME) == "default"
        assert page.evaluate("__md_get('__palette').index") == 0
    finally:
        context.close()
