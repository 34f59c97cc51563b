"""``cauterize console``: tooling around the review console (screenshots for the docs).

The browser is the system's chromium driven through chromedriver by selenium (a test extra:
``pip install -e '.[test]'``; Debian: ``apt-get install chromium chromium-driver``). Nothing is
downloaded.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from cauterize.cli.common import console, err_console

console_app = typer.Typer(help="Review console tooling.", no_args_is_help=True)


def browser_missing() -> str | None:
    """Why no browser can be driven here, or None when one can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if not (shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")):
        return "no chromium binary (apt-get install chromium)"
    if not shutil.which("chromedriver"):
        return "no chromedriver (apt-get install chromium-driver)"
    return None


def chrome_driver(width: int = 1440, height: int = 1000) -> Any:
    """A headless chromium (the system's), driven by the system's chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager fetch a browser or driver
    opts = webdriver.ChromeOptions()
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if binary:
        opts.binary_location = binary
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--disable-extensions",
        "--no-first-run",
        f"--window-size={width},{height}",
        "--force-device-scale-factor=1",
        "--lang=en-US",
    ):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
    driver.set_page_load_timeout(60)
    return driver


def navigating(driver: Any, act: Any, timeout: float = 20) -> None:
    """Run ``act`` (a click, a key) and wait until the page it leads to has replaced this one."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")

    def replaced(_d: Any) -> bool:
        try:
            old.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            # Chromium sometimes reports a node of the previous document this way instead of
            # as a stale reference; it means the same thing.
            if "does not belong to the document" in str(exc):
                return True
            raise
        return False

    act()
    WebDriverWait(driver, timeout).until(replaced)
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script("return document.readyState") == "complete")


def log_in(driver: Any, base: str, username: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    navigating(driver, driver.find_element(By.ID, "login-button").click)


def take_screenshots(base: str, out: Path, username: str, password: str) -> list[Path]:
    """Queue view, case view (parent and child side by side) and a threat case, as PNGs in ``out``."""
    from selenium.webdriver.common.by import By

    out.mkdir(parents=True, exist_ok=True)
    driver = chrome_driver()
    shots = []
    try:
        log_in(driver, base, username, password)
        driver.get(f"{base}/queues/ban_evasion")
        path = out / "console-queue.png"
        driver.save_screenshot(str(path))
        shots.append(path)
        # The most urgent case with an account still up (the platform suspends some itself).
        first = driver.execute_script(
            "const r = Array.from(document.querySelectorAll('#queue-table tr.row'))"
            ".find(r => r.querySelector('.acct.st-active')) || document.querySelector('#queue-table tr.row');"
            "return r.dataset.href;"
        )
        driver.get(base + first)
        height = min(int(driver.execute_script("return document.getElementById('evidence').offsetTop")), 2200)
        driver.set_window_size(1440, max(height + 40, 1000))
        path = out / "console-case.png"
        driver.save_screenshot(str(path))
        shots.append(path)
        driver.set_window_size(1440, 1000)
        driver.get(f"{base}/queues/threat")
        threat = driver.find_elements(By.CSS_SELECTOR, "a.case-link")
        if threat:
            driver.get(threat[0].get_attribute("href"))
            path = out / "console-threat.png"
            driver.save_screenshot(str(path))
            shots.append(path)
    finally:
        driver.quit()
    return shots


@console_app.command("screenshots")
def screenshots(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the PNGs.")] = Path("docs/img"),
    directory: Annotated[
        Path | None, typer.Option("--dir", help="Demo world to use (made if missing; default: a temporary one).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Simulation seed of the demo world.")] = 7,
) -> None:
    """Make docs/img/console-{queue,case,threat}.png from a demo world in a headless chromium."""
    from cauterize.cli.demo import DEMO_PASSWORD, prepare_demo
    from cauterize.web.server import console_in_thread

    why = browser_missing()
    if why:
        err_console.print(f"[red]cannot take screenshots:[/] {why}")
        raise typer.Exit(2)
    tmp = None
    if directory is None:
        tmp = tempfile.TemporaryDirectory(prefix="cauterize-demo-")
        directory = Path(tmp.name)
    try:
        cfg = prepare_demo(directory, seed)
        with console_in_thread(cfg) as base:
            for p in take_screenshots(base, out, "reviewer", DEMO_PASSWORD):
                console.print(f"wrote {p}")
    finally:
        if tmp is not None:
            tmp.cleanup()


def register(app: typer.Typer) -> None:
    app.add_typer(console_app, name="console")
