"""Screenshot the portal's pages in headless Chromium, to look at what was built.

    .venv/bin/python scripts/screenshots.py [--base-url http://127.0.0.1:8000] [--out DIR]
                                            [--language es]
    .venv/bin/python scripts/screenshots.py --docs [--base-url ...]

Needs a running portal with the demo data (python3 run.py) and Debian's Chromium
(/usr/bin/chromium). Pages and logins are listed in PAGES below; output is PNG files, whole
pages, in artifacts/screenshots/ (not in git).

``--docs`` takes the few pages in DOCS_PAGES instead, as the first screen a reader sees (a
1280 x 800 viewport, not the whole page), into docs/screenshots/ (committed, shown by the
README and docs/): run it after a change to those pages and commit the PNGs. With Pillow
installed they are also reduced to a 256-colour palette (smaller files); without it they are
saved as Chromium writes them.
"""

import argparse
import os
import sys
from pathlib import Path

import django
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gccportal.settings")
os.environ.setdefault("DEBUG", "true")
django.setup()

from console.demo import DEMO_PASSWORD  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# (login or None, path, file name)
PAGES = [
    (None, "/accounts/login/", "login"),
    ("admin@contoso.test", "/", "home"),
    ("admin@contoso.test", "/settings/organization/", "organization-profile"),
    ("admin@contoso.test", "/validation/partner/new/", "partner-validation-form"),
    ("sales@contoso.test", "/validation/partner/new/", "partner-validation-refused-sales"),
    ("admin@northwind.test", "/validation/partner/new/", "partner-validation-refused-indirect"),
    ("admin@contoso.test", "/customers/", "customers"),
    ("globaladmin@contoso.test", "/settings/users/", "users"),
    ("globaladmin@contoso.test", "/settings/users/new/", "user-create"),
    ("admin@contoso.test", "/accounts/password/", "password-change"),
    ("sales@tailspin.test", "/customers/", "customers-tailspin"),
    ("sales@tailspin.test", "/customers/?page=last", "customers-tailspin-last-page"),
    ("sales@tailspin.test", "/customers/?status=pending", "customers-tailspin-pending"),
    ("sales@tailspin.test", "/customers/new/codes/?code_search=Franklin", "code-search"),
    ("sales@tailspin.test", "/customers/new/", "add-customer"),
    ("sales@tailspin.test", "/customers/validation/new/", "customer-validation-form"),
    ("sales@tailspin.test", "/customers/relationships/new/", "relationship-new"),
    ("helpdesk@tailspin.test", "/customers/new/", "add-customer-refused-helpdesk"),
    ("sales@tailspin.test", "/settings/api-tokens/", "api-tokens"),
    (None, "/v1/docs/", "api-docs"),
    ("reviewer@microsoft.test", "/admin/", "admin-index"),
    ("reviewer@microsoft.test", "/admin/validation/validationrequest/", "admin-queue"),
    ("reviewer@microsoft.test", "/admin/validation/validationrequest/1/change/", "admin-request"),
    ("reviewer@microsoft.test", "/admin/validation/validationrequest/5/change/", "admin-open"),
    (
        "reviewer@microsoft.test",
        "/admin/validation/validationrequest/dashboard/",
        "admin-dashboard",
    ),
    (None, "/help/eligibility/", "help-eligibility"),
    (None, "/help/questions/", "help-questions"),
    ("sales@tailspin.test", "/validation/requests/", "validation-requests"),
    ("sales@tailspin.test", "/validation/codes/", "validation-codes"),
    ("sales@tailspin.test", "/notifications/", "notifications"),
    ("sales@tailspin.test", "/settings/security/", "security"),
    ("admin@springfield.test", "/admin-center/", "admin-center"),
]


# The committed screenshots (--docs): (login or None, path, file name under docs/screenshots/).
DOCS_PAGES = [
    ("sales@tailspin.test", "/", "home"),
    ("sales@tailspin.test", "/customers/", "customers"),
    ("sales@tailspin.test", "/customers/new/", "add-customer"),
    ("admin@contoso.test", "/validation/partner/new/", "partner-validation-form"),
    ("reviewer@microsoft.test", "/admin/validation/validationrequest/", "admin-queue"),
    (None, "/v1/docs/", "api-docs"),
]
DOCS_VIEWPORT = {"width": 1280, "height": 800}


def optimise(path: Path) -> None:
    """Re-save ``path`` with a 256-colour palette, if Pillow is installed (else leave it)."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    reduced.save(path, optimize=True)


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill(username)  # by id: the labels are in the page's language
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", help="default: artifacts/screenshots, or docs/screenshots")
    parser.add_argument(
        "--docs", action="store_true", help="the README's and docs' screenshots (DOCS_PAGES)"
    )
    parser.add_argument("--password", default=DEMO_PASSWORD)
    parser.add_argument("--language", default="en", help="the browser's Accept-Language")
    args = parser.parse_args()
    pages = DOCS_PAGES if args.docs else PAGES
    out = Path(args.out or ("docs/screenshots" if args.docs else "artifacts/screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for login, path, name in pages:
            context = browser.new_context(
                viewport=DOCS_VIEWPORT if args.docs else {"width": 1280, "height": 900},
                extra_http_headers={"Accept-Language": args.language},
            )
            page = context.new_page()
            if login:
                sign_in(page, args.base_url, login, args.password)
            page.goto(f"{args.base_url}{path}")
            page.wait_for_load_state("networkidle")  # htmx parts (the bell) loaded
            page.screenshot(path=out / f"{name}.png", full_page=not args.docs)
            if args.docs:
                optimise(out / f"{name}.png")
            size = (out / f"{name}.png").stat().st_size
            print(f"{out / f'{name}.png'}  {size // 1024} KB")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
