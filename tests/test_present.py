"""`make present LESSON=05`: lesson 05 served by Voila on localhost behind a token, driven in Chromium.

Starts tools/present.py as `make present` does, waits for the port to accept (Voila has
no /api/status to poll), checks that a visitor without the token is sent to the login page,
then opens the app, waits for the lesson's panel, moves a slider with the keyboard and
waits for the panel's picture to change. The panel's screenshot goes to tests/_artifacts/.
"""
import importlib.util
import os
import pathlib
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from test_browser import ARTIFACTS, CHROMIUM, LAUNCH_ARGS, _free_port, _require_browser

ROOT = pathlib.Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("present", ROOT / "tools" / "present.py")
present = importlib.util.module_from_spec(spec)
spec.loader.exec_module(present)


def test_a_lesson_is_found_by_its_number_and_a_wrong_number_is_named():
    assert present.lesson_path("05").name.startswith("05_")
    assert present.lesson_path("5") == present.lesson_path("05")
    with pytest.raises(ValueError, match=r"LESSON='99' matches 0 lessons; it needs one of 00, 01"):
        present.lesson_path("99")


def _require_voila():
    if importlib.util.find_spec("voila") is None:
        reason = "voila is not installed (make present or make test installs the present extra)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def voila_app(tmp_path):
    _require_browser()
    _require_voila()
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_DATA_DIR=str(tmp_path / "data"),
               JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    env["JUPYTER_PATH"] = str(pathlib.Path(sys.prefix) / "share" / "jupyter")
    log = open(tmp_path / "voila.log", "w")
    proc = subprocess.Popen([sys.executable, str(ROOT / "tools" / "present.py"), "05", f"--port={port}",
                             f"--token={token}"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:  # readiness by TCP connect: Voila answers no /api/status
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("voila did not start:\n" + (tmp_path / "voila.log").read_text()[-3000:])
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}", token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_lesson_05_runs_as_a_voila_app_behind_its_token_and_its_slider_redraws(voila_app):
    from playwright.sync_api import sync_playwright

    base, token = voila_app
    no_token = urllib.request.urlopen(f"{base}/", timeout=30)  # follows the redirect
    assert urllib.parse.urlparse(no_token.url).path == "/login", no_token.url
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/?token={token}")
            image = page.locator("img.widget-image").first
            image.wait_for(timeout=90_000)
            page.wait_for_function("img => img.getAttribute('src') && img.naturalWidth > 0",
                                   arg=image.element_handle(), timeout=30_000)
            assert "import tnlite as tl" not in page.inner_text("body")  # an app: code cells are hidden
            panel = page.locator(".widget-vbox", has=image).first
            before = image.get_attribute("src")
            panel.locator(".noUi-handle").first.focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_function("([img, old]) => img.getAttribute('src') !== old",
                                   arg=[image.element_handle(), before], timeout=20_000)
            errors = page.locator("[data-mime-type='application/vnd.jupyter.stderr']")
            assert errors.count() == 0, errors.first.inner_text()
            panel.screenshot(path=str(ARTIFACTS / "voila_lesson05_panel.png"))
        finally:
            browser.close()
