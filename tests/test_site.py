"""`make site`: the static site built from executed notebooks, checked file by file and in a browser.

Unit tests (always run): a panel's mime bundle carries a PNG beside its widget view, the
static copy of a notebook keeps that PNG with a line on getting the live panel, and the
execution cache re-runs exactly the notebooks whose bytes (or the library) changed.

Site tests (need `make site` first; `.ci/run` builds it before `make test`): every lesson
and exercise in the repository has a page; in headless Chromium every page loads with
no request leaving the machine, every image decodes, every maths element is typeset by
the bundled MathJax, every internal link and anchor resolves, and one screenshot per page
goes to tests/_artifacts/site/ (never committed).
"""
import base64
import functools
import html.parser
import http.server
import importlib.util
import io
import json
import os
import pathlib
import threading
import time
import urllib.parse

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SITE = ROOT / "build" / "site"
HTML = SITE / "html"
ARTIFACTS = ROOT / "tests" / "_artifacts" / "site"

spec = importlib.util.spec_from_file_location("site_build", ROOT / "tools" / "site" / "build.py")
site_build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(site_build)


# --- panels carry a picture for static renderers ------------------------------------------

def test_a_panels_mime_bundle_holds_its_widget_view_and_a_png_of_its_figure():
    import PIL.Image

    import tnlite as tl

    panel = tl.widgets.build_two_qubit(theta=0.3)
    bundle = panel._repr_mimebundle_()
    assert bundle[site_build.WIDGET_VIEW]["model_id"] == panel.model_id
    png = PIL.Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
    width, height = (panel.fig.get_size_inches() * panel.fig.dpi).round().astype(int)
    assert png.format == "PNG" and png.size == (width, height)
    # the picture is of this figure: the same pixels as a plain savefig of it
    buffer = io.BytesIO()
    panel.fig.savefig(buffer, format="png")
    assert PIL.Image.open(buffer).convert("RGB").tobytes() == png.convert("RGB").tobytes()


def _panel_notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.metadata["tnlite_site"] = {"key": "k", "seconds": 3.25, "cores": 2}
    panel = nbformat.v4.new_code_cell("panel")
    panel.outputs = [nbformat.v4.new_output("execute_result", execution_count=1, data={
        "text/plain": "Panel(...)", "image/png": "iVBORw0KGgo=", site_build.WIDGET_VIEW: {"model_id": "abc"}})]
    stub = nbformat.v4.new_code_cell("raise NotImplementedError", metadata={"tags": ["raises-exception"]})
    stub.outputs = [nbformat.v4.new_output("stream", name="stdout", text="Not done yet: ...\n"),
                    nbformat.v4.new_output("error", ename="NotImplementedError", evalue="", traceback=[])]
    crash = nbformat.v4.new_code_cell("1/0")
    crash.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="", traceback=[])]
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), panel, stub, crash]
    return nb


def test_a_static_page_shows_the_panel_picture_with_the_live_hint_and_its_run_time():
    nb = site_build.static_notebook(_panel_notebook(), "lessons")
    assert "widgets" not in nb.metadata
    md, runtime, panel, stub, crash = nb.cells
    assert "ran top to bottom in <strong>3.2 s</strong>" in runtime.source or "3.3 s" in runtime.source
    assert runtime.cell_type == "markdown" and "tnlite-runtime" in runtime.source
    picture, hint = panel.outputs
    assert set(picture.data) == {"text/plain", "image/png"}
    assert "make lab" in hint.data["text/html"] and "kernel" in hint.data["text/html"]
    assert [o.output_type for o in stub.outputs] == ["stream"]  # the unfinished task's message stays
    assert [o.output_type for o in crash.outputs] == ["error"]  # an untagged error is never hidden


# --- the execution cache ---------------------------------------------------------------------

def _mini_course(root):
    (root / "tnlite").mkdir(parents=True)
    (root / "tnlite" / "core.py").write_text("X = 1\n")
    for section in site_build.SECTIONS:
        (root / section).mkdir()
    for name in ("lessons/00_a.ipynb", "lessons/01_b.ipynb", "exercises/01_b.ipynb"):
        nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                               "language": "python"}})
        nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}"), nbformat.v4.new_code_cell(f"print({name!r})")]
        nbformat.write(nb, root / name)


def test_a_one_lesson_change_re_executes_that_lesson_only_and_a_library_change_all(tmp_path):
    root, out = tmp_path / "course", tmp_path / "out"
    _mini_course(root)
    quiet = lambda *a: None  # noqa: E731
    first = site_build.execute_all(jobs=2, out=out, root=root, log=quiet)
    assert sorted(map(str, first)) == ["exercises/01_b.ipynb", "lessons/00_a.ipynb", "lessons/01_b.ipynb"]
    assert all(ran for _, ran in first.values())
    executed = nbformat.read(site_build.cached_path(pathlib.Path("lessons/00_a.ipynb"), out), as_version=4)
    assert executed.cells[1].outputs[0].text == "lessons/00_a.ipynb\n"  # it really ran

    assert not any(ran for _, ran in site_build.execute_all(2, out, root, quiet).values())

    nb = nbformat.read(root / "lessons/01_b.ipynb", as_version=4)
    nb.cells[1].source = "print('changed')"
    nbformat.write(nb, root / "lessons/01_b.ipynb")
    again = site_build.execute_all(2, out, root, quiet)
    assert {str(p) for p, (_, ran) in again.items() if ran} == {"lessons/01_b.ipynb"}

    (root / "tnlite" / "core.py").write_text("X = 2\n")
    assert all(ran for _, ran in site_build.execute_all(2, out, root, quiet).values())


# --- the built site ----------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _stale_pages():
    """Notebooks whose executed copy in the built site is missing or older than their source or tnlite."""
    fingerprint = site_build.library_fingerprint()
    return [str(p) for p in site_build.notebooks()
            if site_build.load_cached(p, site_build.cache_key(p, fingerprint), SITE) is None]


def _require_site():
    reason = None
    if not (HTML / "index.html").exists():
        reason = "the site is not built: run `make site` first (.ci/run builds it before make test)"
    elif _stale_pages():
        reason = f"the built site is older than {', '.join(_stale_pages()[:3])}...: run `make site` first"
    if reason and os.environ.get("CI"):
        pytest.fail(reason)
    if reason:
        pytest.skip(reason)


def _pages():
    """Every page the repository asks for: the front page, each notebook, each doc."""
    pages = ["index.html"]
    pages += [str(p.with_suffix(".html")) for p in site_build.notebooks()]
    pages += [f"docs/{p.stem}.html" for p in sorted((ROOT / "docs").glob("*.md"))]
    return pages + ["benchmarks/RESULTS.html"]


def test_the_site_has_a_page_for_every_lesson_exercise_and_doc_and_ships_the_licence():
    _require_site()
    missing = [p for p in _pages() if not (HTML / p).exists()]
    assert not missing, f"pages missing (the site is stale or incomplete: run make site): {missing}"
    assert (HTML / "LICENSE").read_text() == (ROOT / "LICENSE").read_text()
    front = _parse(str(HTML / "index.html"))
    licence = [h for h in front.hrefs if h.endswith("/LICENSE") or h == "LICENSE"]
    assert licence and (HTML / licence[0]).read_text() == (ROOT / "LICENSE").read_text()


def test_teaching_md_has_a_row_for_every_lesson_and_exercise_set():
    text = (ROOT / "docs" / "teaching.md").read_text()
    lessons = text.split("## Lessons")[1].split("\n## ")[0]
    sets = text.split("## Exercise sets")[1].split("\n## ")[0]
    for path in sorted((ROOT / "lessons").glob("*.ipynb")):
        assert f"\n| {path.name[:2]} |" in lessons, f"docs/teaching.md has no row for lesson {path.name[:2]}"
    for path in sorted((ROOT / "exercises").glob("*.ipynb")):
        assert f"\n| {path.name[:2]} |" in sets, f"docs/teaching.md has no row for exercise set {path.name[:2]}"


def test_every_lesson_page_shows_its_run_time_and_its_panel_as_a_picture_with_the_live_hint():
    _require_site()
    for path in site_build.notebooks():
        page = (HTML / path.with_suffix(".html")).read_text()
        assert 'class="tnlite-runtime"' in page and "ran top to bottom in" in page, path
        if path.parts[0] == "lessons":
            assert page.count('class="tnlite-panel-note"') >= 1, f"{path}: no panel picture with its hint"
            assert "widget-view" not in page and "unpkg" not in page and "cdn." not in page


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


@functools.lru_cache(maxsize=None)
def _parse(path):
    parser = _Links()
    parser.feed(pathlib.Path(path).read_text())
    return parser


def _broken_links(page, hrefs):
    """The hrefs of `page` (relative to the site) that point inside the site at nothing."""
    broken = []
    for href in hrefs:
        url = urllib.parse.urlparse(href)
        if url.scheme or url.netloc or href.startswith("mailto:"):
            continue  # external: pages here link none, and the browser test blocks them anyway
        target = (HTML / page).parent / urllib.parse.unquote(url.path) if url.path else HTML / page
        target = target.resolve()
        if target.is_dir():
            target = target / "index.html"
        if HTML.resolve() not in target.parents or not target.exists():
            broken.append(href)
        elif url.fragment and target.suffix == ".html" and url.fragment not in _parse(str(target)).ids:
            broken.append(href)
    return broken


@pytest.fixture(scope="module")
def site_server():
    """The built site served on a free loopback port."""
    _require_site()
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _expected_images(page):
    """Images the page must show: every PNG its executed notebook produced."""
    if not page.endswith(".html") or page.split("/")[0] not in site_build.SECTIONS:
        return 0
    nb = nbformat.read(site_build.cached_path(pathlib.Path(page).with_suffix(".ipynb"), SITE), as_version=4)
    return sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def test_every_page_renders_in_chromium_with_its_figures_maths_and_working_links(site_server):
    from test_browser import CHROMIUM, LAUNCH_ARGS, _require_browser
    from playwright.sync_api import sync_playwright

    _require_browser()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pages, problems, timings = _pages(), [], {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            outside = []

            def only_loopback(route):
                if route.request.url.startswith(site_server):
                    return route.continue_()
                outside.append(route.request.url)
                return route.abort()

            page.route("**/*", only_loopback)
            for name in pages:
                t0 = time.perf_counter()
                response = page.goto(f"{site_server}/{name}")
                assert response.ok, f"{name}: HTTP {response.status}"
                page.wait_for_load_state("load")
                n_math = page.locator(".math").count()
                if n_math:
                    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise"
                                           " && document.querySelectorAll('mjx-container').length > 0",
                                           timeout=30_000)
                    page.evaluate("() => MathJax.startup.promise")
                state = page.evaluate("""() => ({
                    untypeset: [...document.querySelectorAll('.math')].filter(e => !e.querySelector('mjx-container'))
                                .map(e => e.textContent.slice(0, 60)),
                    errors: [...document.querySelectorAll('mjx-merror')].map(e => e.textContent.slice(0, 60)),
                    images: [...document.images].map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0]),
                    outputImages: document.querySelectorAll('.cell_output img').length,
                    hrefs: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
                })""")
                if state["untypeset"] or state["errors"]:
                    problems.append(f"{name}: maths not rendered: {state['untypeset'][:3]} {state['errors'][:3]}")
                bad_images = [src for src, ok in state["images"] if not ok]
                if bad_images:
                    problems.append(f"{name}: images that do not load: {bad_images}")
                expected = _expected_images(name)
                if state["outputImages"] < expected:
                    problems.append(f"{name}: {state['outputImages']} figures shown, the notebook drew {expected}")
                broken = _broken_links(name, state["hrefs"])
                if broken:
                    problems.append(f"{name}: broken internal links {broken}")
                if name.startswith("lessons/") and n_math == 0:
                    problems.append(f"{name}: a lesson page without maths (expected typeset formulas)")
                page.screenshot(path=str(ARTIFACTS / (name.replace("/", "__").replace(".html", ".png"))),
                                full_page=True)
                timings[name] = time.perf_counter() - t0
        finally:
            browser.close()
    assert not outside, f"the site asked for resources off this machine: {sorted(set(outside))[:5]}"
    assert not problems, "\n".join(problems)
    (ARTIFACTS / "timings.json").write_text(json.dumps(timings, indent=1))
