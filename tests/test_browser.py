"""Browser smoke test: JupyterLab in headless Chromium runs lesson 00 and moves a slider.

Uses Debian's Chromium (`apt-get install chromium`; never a browser downloaded by
playwright). Where Chromium is missing the test skips and says why, except under CI
(CI=true), where a missing browser is a failure: .ci/run installs it.
"""
import json
import os
import pathlib
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
LESSON = ROOT / "lessons" / "00_start_here.ipynb"
ARTIFACTS = ROOT / "tests" / "_artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic",
]


def _require_browser():
    if CHROMIUM is None:
        reason = "Debian's chromium is not installed (apt-get install chromium); .ci/run installs it"
        if os.environ.get("CI"):
            pytest.fail(f"browser smoke test cannot run under CI: {reason}")
        pytest.skip(reason)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab_server(tmp_path):
    """A JupyterLab on a free loopback port serving a copy of lesson 00; yields its URL."""
    _require_browser()
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(LESSON, work / LESSON.name)
    settings = tmp_path / "settings"
    for plugin, values in {
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false"},
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    }.items():
        target = settings / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the kernel uses its own default
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR"):
        env[var] = str(tmp_path / var.lower())
    env["JUPYTER_PATH"] = str(pathlib.Path(sys.prefix) / "share" / "jupyter")
    token, port = secrets.token_hex(16), _free_port()
    log = open(tmp_path / "lab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", f"--ServerApp.token={token}", f"--ServerApp.root_dir={work}",
         "--LabApp.expose_app_in_browser=True", f"--LabApp.user_settings_dir={settings}",
         f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text()[-3000:])
                time.sleep(0.3)
        yield f"{base}/lab/tree/{LESSON.name}?token={token}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_lesson_00_runs_in_jupyterlab_and_its_slider_redraws(lab_server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(lab_server)
            # "Run All" before the kernel is connected silently does nothing: wait for it.
            page.wait_for_function(
                "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                " && window.jupyterapp.shell.currentWidget.sessionContext"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.connectionStatus === 'connected'",
                timeout=60_000,
            )
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")

            def output(text):
                return page.locator(".jp-OutputArea-output pre", has_text=text).first

            output("install OK").wait_for(timeout=60_000)
            readout = page.locator(".widget-html", has_text="Schmidt values")
            readout.wait_for(timeout=60_000)
            output("theta = pi/4: Schmidt values").wait_for(timeout=60_000)
            # every cell ran: the last code cell has an execution count, no cell failed
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
                ".every(p => /\\[\\d+\\]/.test(p.textContent))",
                timeout=60_000,
            )
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
            assert errors.count() == 0, errors.first.inner_text()

            panel = page.locator(".widget-vbox", has=readout).first
            before_text = readout.inner_text()
            before_image = panel.locator("img.widget-image").first.get_attribute("src")
            panel.locator(".noUi-handle").first.focus()
            for _ in range(10):
                page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "([el, old]) => el.innerText !== old", arg=[readout.element_handle(), before_text], timeout=20_000
            )
            page.wait_for_function(
                "([img, old]) => img.getAttribute('src') !== old",
                arg=[panel.locator("img.widget-image").first.element_handle(), before_image], timeout=20_000,
            )
            after_text = readout.inner_text()
            assert after_text != before_text and "bits" in after_text
            panel.screenshot(path=str(ARTIFACTS / "lesson00_panel.png"))
        finally:
            browser.close()
