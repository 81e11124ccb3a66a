"""Screenshot pages of the built site in headless Chromium, to look at them.

    .venv/bin/python tools/screenshot.py site/ OUT_DIR PAGE [PAGE ...] [--dark] [--width 390]

PAGE is a URL path such as ``""`` (the Chinese home page) or ``en/glossary/``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from sitekit.testing.serving import launch_chromium, serve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("site", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--full", action="store_true", help="whole page, not just the viewport")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with serve(args.site) as root, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(
            viewport={"width": args.width, "height": 900},
            color_scheme="dark" if args.dark else "light",
        )
        page = context.new_page()
        for path in args.pages:
            page.goto(root + path, wait_until="networkidle")
            name = (path.strip("/").replace("/", "_") or "home") + ("-dark" if args.dark else "")
            target = args.out / f"{name}-{args.width}.png"
            page.screenshot(path=str(target), full_page=args.full)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
