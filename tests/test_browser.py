"""The course in a real browser: `make lab` in headless Chromium, every lesson's panel moved.

The lab is started by `make lab` itself (the student's command; only the port, the token,
--no-browser and expose_app_in_browser are added through LAB_ARGS), with Jupyter's config,
data, runtime, settings and workspace folders in a temporary directory. The test checks
that the printed URL lands on lesson 00 and that a lesson's link to its exercise opens it
(the repository root is served), then runs every lesson that has a panel, moves one slider
of the panel with the keyboard a few times (lesson 10's control is a dropdown: the page
picks its neighbouring option) and measures, in the page, the time from the key
press to the panel's new image in the DOM. It prints a table (also written to
tests/_artifacts/browser_latency.md). Timings are reported, not asserted: performance is
judged by `make bench` and by reading the table, not by a test that flakes under load.

Uses Debian's Chromium (`apt-get install chromium`; never a browser downloaded by
playwright). Where Chromium is missing the test skips and says why, except under CI
(CI=true), where a missing browser is a failure: .ci/run installs it.
"""
import json
import os
import pathlib
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "_artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic",
]
# lesson -> the control the test moves with the keyboard (its description)
PANELS = {
    "00_start_here.ipynb": "theta",
    "01_tensors_and_diagrams.ipynb": "terms k",
    "02_entanglement.ipynb": "cut l",
    "03_matrix_product_states.ipynb": "bond dim chi",
    "04_tree_tensor_networks.ipynb": "bond, level 0",
    "05_convac_is_a_tree.ipynb": "r_1",
    "06_rac_is_an_mps.ipynb": "cut t",
    "07_designing_widths.ipynb": "r_1",
    "08_information_reuse.ipynb": "kernel K",
    "09_entanglement_scaling.ipynb": "parameters",
    "10_capstone_variational_states.ipynb": "cut",  # a dropdown: the panel has no slider
}
MOVES = 6          # key presses per panel: the median of these is reported
SETTLE_MS = 300    # an image is final when no other image follows within this time


def _require_browser():
    if CHROMIUM is None:
        reason = "Debian's chromium is not installed (apt-get install chromium); .ci/run installs it"
        if os.environ.get("CI"):
            pytest.fail(f"browser test cannot run under CI: {reason}")
        pytest.skip(reason)
    if shutil.which("make") is None:
        pytest.skip("make is needed: the test starts the lab with `make lab`")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def course_lab(tmp_path_factory):
    """`make lab` on a free loopback port; yields (base URL, token, log path)."""
    _require_browser()
    tmp = tmp_path_factory.mktemp("lab")
    settings = tmp / "settings"
    for plugin, values in {
        # keep every cell in the DOM, and never write a test run's outputs into lessons/
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
        "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    }.items():
        target = settings / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "JUPYTER_CONFIG_PATH")}
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR"):
        env[var] = str(tmp / var.lower())
    env["JUPYTERLAB_SETTINGS_DIR"] = str(settings)
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(tmp / "workspaces")
    token, port = secrets.token_hex(16), _free_port()
    lab_args = (f"--no-browser --ip=127.0.0.1 --IdentityProvider.token={token} "
                "--LabApp.expose_app_in_browser=True")
    checkpoints = {p for p in ROOT.glob("*/.ipynb_checkpoints")}  # JupyterLab makes these on open
    log_path = tmp / "lab.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"PORT={port}", f"LAB_ARGS={lab_args}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("`make lab` did not start JupyterLab:\n" + log_path.read_text()[-3000:])
                time.sleep(0.3)
        yield base, token, log_path
    finally:
        os.killpg(proc.pid, 15)  # make and the jupyter it started: their own process group
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
        log.close()
        for made in set(ROOT.glob("*/.ipynb_checkpoints")) - checkpoints:
            shutil.rmtree(made, ignore_errors=True)


@pytest.fixture(scope="module")
def page(course_lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 1000})
        finally:
            browser.close()


CURRENT = "window.jupyterapp.shell.currentWidget"


def _wait_for_notebook(page, path, timeout=60_000):
    """Wait until `path` is the current tab, its kernel connected and its cells rendered."""
    page.wait_for_function(
        f"""(path) => {{ const w = window.jupyterapp && {CURRENT};
            return w && w.context && w.context.path === path && w.sessionContext && w.sessionContext.session
                && w.sessionContext.session.kernel
                && w.sessionContext.session.kernel.connectionStatus === 'connected'
                && w.content && w.content.widgets.length > 0; }}""",
        arg=path, timeout=timeout,
    )


def _run_all(page, timeout=90_000):
    """Run every cell of the current notebook and wait until each has a count; no errors."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        f"""() => {{ const nb = {CURRENT}.content;
            return nb.widgets.filter(c => c.model.type === 'code').every(c => c.model.executionCount !== null)
                && nb.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt').length > 0; }}""",
        timeout=timeout,
    )
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    tracebacks = [t for t in errors.all_inner_texts() if "Traceback" in t or "Error" in t]
    assert not tracebacks, tracebacks[0][-2000:]


def _close_current(page):
    """Close the notebook without saving and shut its kernel down."""
    page.evaluate(
        f"""async () => {{ const w = {CURRENT};
            await w.sessionContext.shutdown(); w.context.model.dirty = false; w.dispose(); }}"""
    )


def _measure_slider(page, description, moves=MOVES):
    """Move the slider (arrow keys) or dropdown labelled `description`; latency of each move (ms).

    A key press's latency is the time from the keydown (for a dropdown: the change of its
    option) to the last image change it causes
    (the panel's img.widget-image, or an ipympl canvas' drawImage), found by waiting until
    no further change comes within SETTLE_MS. Also returns the number of images per move
    and the kernel's own time for each update (ms).
    """
    label = page.locator(".widget-label", has_text=description)
    slider = page.locator(".widget-slider, .widget-dropdown", has=label).first
    slider.scroll_into_view_if_needed()
    panel_handle = slider.evaluate_handle("s => s.closest('.widget-vbox')")
    page.evaluate(
        """(panel) => {
            const log = window.__panelLog = {keys: [], images: []};
            document.addEventListener('keydown', () => log.keys.push(performance.now()), true);
            const img = panel.querySelector('img.widget-image');
            if (img) new MutationObserver(() => log.images.push(performance.now()))
                .observe(img, {attributes: true, attributeFilter: ['src']});
            const canvas = panel.querySelector('canvas');
            if (!img && canvas) {  // ipympl: the figure is painted into a canvas
                const ctx = CanvasRenderingContext2D.prototype, draw = ctx.drawImage;
                ctx.drawImage = function (...a) { if (panel.contains(this.canvas)) log.images.push(performance.now());
                                                  return draw.apply(this, a); };
            }
        }""",
        panel_handle,
    )
    if slider.locator("select").count():
        # a dropdown: headless Chromium's arrow keys do not step a closed <select>, so the
        # page picks the neighbouring option as a reader's choice does (the time is taken first)
        handle = slider.locator("select").first
        up = handle.evaluate("s => s.selectedIndex < s.options.length - 1")
        keys = ["next", "previous"] if up else ["previous", "next"]
    else:
        handle = slider.locator(".noUi-handle").first
        value, top = (float(handle.get_attribute(a)) for a in ("aria-valuenow", "aria-valuemax"))
        keys = ["ArrowRight", "ArrowLeft"] if value < top else ["ArrowLeft", "ArrowRight"]
    keys = keys * (moves // 2)
    latencies, images, kernel = [], [], []
    for key in keys:
        n_before = page.evaluate("() => window.__panelLog.images.length")
        if key in ("next", "previous"):
            handle.evaluate("""(s, step) => { window.__panelLog.keys.push(performance.now());
                s.selectedIndex += step; s.dispatchEvent(new Event('change', {bubbles: true})); }""",
                            1 if key == "next" else -1)
        else:
            handle.focus()
            page.keyboard.press(key)
        page.wait_for_function(f"() => window.__panelLog.images.length > {n_before}", timeout=30_000)
        while True:  # settle: wait until no image follows the last one within SETTLE_MS
            n = page.evaluate("() => window.__panelLog.images.length")
            page.wait_for_timeout(SETTLE_MS)
            if page.evaluate("() => window.__panelLog.images.length") == n:
                break
        log = page.evaluate("() => window.__panelLog")
        latencies.append(log["images"][-1] - log["keys"][-1])
        images.append(len(log["images"]) - n_before)
        kernel.append([1e3 * float(v) for v in _kernel_print(page, KERNEL_UPDATE_SECONDS).split()])
    return latencies, images, kernel


# the panel's own measure of its last update (compute, draw, PNG: wall clock and CPU), read in its kernel
KERNEL_UPDATE_SECONDS = (
    "import gc, tnlite\n"
    "p = max((p for p in gc.get_objects() if isinstance(p, tnlite.widgets.Panel) and p.last_update_seconds),\n"
    "        key=lambda p: p.last_update_seconds)\n"
    "print(p.last_update_seconds, getattr(p, 'last_update_cpu_seconds', 0.0))"
)


def _kernel_print(page, code):
    """Run `code` in the current notebook's kernel (no cell, no history); its printed text."""
    return page.evaluate(
        f"""async (code) => {{ const k = {CURRENT}.sessionContext.session.kernel;
            const future = k.requestExecute({{code, silent: false, store_history: false}});
            let text = ''; future.onIOPub = (msg) => {{ if (msg.header.msg_type === 'stream') text += msg.content.text;
                                                      if (msg.header.msg_type === 'error') text += msg.content.evalue; }};
            await future.done; return text; }}""",
        code,
    )


def test_make_lab_serves_the_repository_and_opens_lesson_00(course_lab, page):
    base, token, log_path = course_lab
    log = log_path.read_text()
    assert re.search(r"Serving notebooks from local directory: .*", log).group(0).endswith(str(ROOT))
    printed = re.search(r"http://127\.0\.0\.1:\d+/\S*", log).group(0)
    assert "/lab/tree/lessons/00_start_here.ipynb" in printed                 # the printed URL lands on lesson 00
    page.goto(f"{base}/?token={token}")
    _wait_for_notebook(page, "lessons/00_start_here.ipynb")
    toast = page.locator(".jp-toast-message", has_text="news")                # the news toast is off
    page.wait_for_timeout(1000)
    assert toast.count() == 0


def test_a_lessons_link_to_its_exercise_opens_it(course_lab, page):
    base, token, _ = course_lab
    page.goto(f"{base}/lab/tree/lessons/05_convac_is_a_tree.ipynb?token={token}")
    _wait_for_notebook(page, "lessons/05_convac_is_a_tree.ipynb")
    link = page.locator(".jp-RenderedMarkdown a", has_text="exercises/05_convac_is_a_tree.ipynb").first
    link.scroll_into_view_if_needed()
    link.click()
    _wait_for_notebook(page, "exercises/05_convac_is_a_tree.ipynb")
    assert page.locator(".jp-Notebook .jp-Cell").count() > 3                  # a notebook, not a 404
    _close_current(page)
    _close_current(page)


def test_every_panel_answers_a_slider_in_the_browser(course_lab, page, capsys):
    base, token, _ = course_lab
    rows = []
    for lesson, description in PANELS.items():
        path = f"lessons/{lesson}"
        page.goto(f"{base}/lab/tree/{path}?token={token}")
        _wait_for_notebook(page, path)
        _run_all(page)
        truncated = page.evaluate(  # a label wider than its box shows as "bond dim ..."
            """() => [...document.querySelectorAll('.jp-OutputArea .widget-label')]
                     .filter(l => l.offsetParent !== null && l.scrollWidth > l.clientWidth + 1).map(l => l.textContent)""")
        assert truncated == [], f"{lesson}: labels cut off: {truncated}"
        latencies, images, kernel = _measure_slider(page, description)
        assert len(latencies) == MOVES and all(n >= 1 for n in images)      # every move drew a new image
        rows.append((lesson[:2], description, statistics.median(latencies), min(latencies), max(latencies),
                     statistics.median(k[0] for k in kernel), statistics.median(k[1] for k in kernel),
                     statistics.median(images)))
        _close_current(page)
    table = ["| lesson | slider | key to image, median (ms) | min | max | kernel's update: wall (ms) | CPU (ms) "
             "| images per move |", "|---|---|---|---|---|---|---|---|"]
    table += [f"| {n} | {d} | {med:.0f} | {lo:.0f} | {hi:.0f} | {kw:.0f} | {kc:.0f} | {img:g} |"
              for n, d, med, lo, hi, kw, kc, img in rows]
    load = os.getloadavg()[0]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "browser_latency.md").write_text(f"load average {load:.1f}\n\n" + "\n".join(table) + "\n")
    with capsys.disabled():
        print("\nkey press -> new panel image in JupyterLab (headless Chromium), "
              f"{MOVES} moves each; load average {load:.1f} on {os.cpu_count()} cores:\n" + "\n".join(table))
