"""Sphinx configuration of the course site (used by tools/site/build.py; `make site`).

The source folder is the repository itself: README.md is the front page, then
lessons/*.ipynb, exercises/*.ipynb and docs/*.md, found by glob so new lessons appear
without editing this file. Notebooks are never executed here: `_swap_executed` hands
Sphinx the copy build.py executed, made static (see build.static_notebook).
"""
import json
import os
import pathlib
import sys

import nbformat
from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import build  # noqa: E402  (tools/site/build.py)

OUT = pathlib.Path(os.environ.get("TNLITE_SITE_OUT", build.OUT))

project = "tnlite-course"
author = "the tnlite-course authors"
copyright = "2026, the tnlite-course authors. MIT licence (see LICENSE)"
root_doc = "README"
extensions = ["myst_nb"]
include_patterns = ["README.md", *(f"{d}/*.ipynb" for d in build.SECTIONS), "docs/*.md", "benchmarks/RESULTS.md"]
exclude_patterns = ["build", ".venv*", "**/.ipynb_checkpoints"]

nb_execution_mode = "off"  # build.py executed every notebook already, with its own cache
nb_ipywidgets_js = {}  # no widget JavaScript from a CDN: panels are pictures on the site
nb_mime_priority_overrides = [("html", build.WIDGET_VIEW, None)]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]  # a skipped heading level renders fine; links and references stay errors (-W)

html_theme = "alabaster"
html_title = "tnlite-course"
html_theme_options = {"fixed_sidebar": True, "sidebar_width": "260px", "page_width": "1180px",
                      "show_powered_by": False}
html_sidebars = {"**": ["about.html", "navigation.html", "searchbox.html"]}
html_static_path = [str(OUT / "static")]
html_extra_path = [str(build.ROOT / "LICENSE")]
html_show_sourcelink = False
html_copy_source = False
mathjax_path = "mathjax/tex-chtml.js"  # under _static: MathJax 3 copied from django-static-mathjax


def _readme_with_contents(text):
    """The front page: the README, then a hidden table of contents in course order."""
    toc = [("Lessons", "lessons/*"), ("Exercises", "exercises/*"), ("For lecturers and hosts", "docs/*"),
           ("Speed", "benchmarks/RESULTS")]
    blocks = [f"\n\n```{{toctree}}\n:hidden:\n:glob:\n:caption: {caption}\n\n{pattern}\n```\n"
              for caption, pattern in toc if list(build.ROOT.glob(pattern.rstrip("*") + "*"))]
    return text + "".join(blocks)


def _swap_executed(app, docname, source):
    if docname == "README":
        source[0] = _readme_with_contents(source[0])
        return
    section = docname.split("/")[0]
    if section not in build.SECTIONS:
        return
    path = pathlib.Path(docname + ".ipynb")
    nb = nbformat.read(build.cached_path(path, OUT), as_version=4)
    source[0] = json.dumps(build.static_notebook(nb, section))


class RepositoryLinks(SphinxTransform):
    """Links to repository paths that are not pages, settled as each page is read.

    A folder published as a section (``exercises/``) links to its first page; a file that
    is not a page (``solutions/06_....ipynb``) becomes a download of that file; another
    folder (``tnlite/``) is shown as its name in code font, since a static site has no
    folder listings. A link that leaves the repository is left to myst, which warns, and
    the build (run with -W) fails: it is broken for every reader of the repository too.
    """

    default_priority = 850  # before the doctree-read event (880), whose collectors copy downloads

    def apply(self, **kwargs):
        env, docname = self.env, self.env.docname
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get("reftype") != "myst" or node.get("refdomain") not in (None, "doc"):
                continue
            if node.get("refdomain") == "doc":
                if node["reftarget"] in env.found_docs:
                    continue
                path = pathlib.Path(env.doc2path(node["reftarget"]))
                matches = [p for p in path.parent.glob(path.stem + ".*") if p.is_file()]
                if matches:  # Sphinx's download collector copies it into the site
                    rel = os.path.relpath(matches[0], pathlib.Path(env.doc2path(docname)).parent)
                    new = addnodes.download_reference(refdomain=None, reftarget=rel, refdoc=docname,
                                                      reftype="myst", refexplicit=True)
                    new += node.children
                    node.replace_self(new)
                continue
            _, abs_path = env.relfn2path(node["reftarget"].split("#")[0], docname)
            folder = pathlib.Path(abs_path)
            if not folder.is_dir() or build.ROOT not in (folder, *folder.parents):
                continue
            prefix = folder.relative_to(build.ROOT).as_posix() + "/"
            pages = sorted(d for d in env.found_docs if d.startswith(prefix))
            if pages:
                node["refdomain"], node["reftarget"], node["reftargetid"] = "doc", pages[0], None
            else:
                node.replace_self(nodes.literal(node.astext(), node.astext()))


def setup(app):
    app.connect("source-read", _swap_executed)
    app.add_transform(RepositoryLinks)
