"""The repository is self-contained: its links resolve inside it, and it names no outside notes.

Three checks, each of which can fail:

* every relative link in README.md, docs/*.md and the markdown cells of the notebooks
  (lessons/, solutions/, exercises/) points to a file or folder inside the repository;
* every ``#anchor`` into a .md file (or within one) matches the GitHub slug of a heading there;
* no file under README.md, docs/, tnlite/, lessons/, solutions/, exercises/, tests/ names the
  team's private notes. The forbidden names are built from pieces below so that this file
  does not match itself.
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIRS = ("lessons", "solutions", "exercises")
SCANNED = ("README.md", "docs", "tnlite", "lessons", "solutions", "exercises", "tests", "benchmarks", "tools", "binder",
           "Makefile", "pyproject.toml", ".ci")
SKIPPED_DIRS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".hypothesis"}
TEXT_SUFFIXES = {".md", ".py", ".ipynb", ".txt", ".toml", ".cfg", ".json", ".yml", ".yaml", ".rst"}

# [text](target) or ![alt](target), with an optional "title"; the text may hold `code`.
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.S | re.M)
CODE_SPAN = re.compile(r"`[^`\n]*`")
DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
INLINE_MATH = re.compile(r"\$[^$\n]+\$")
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)


def _prose(text):
    """Markdown without code blocks, code spans or maths, so that `[A](x)` in a formula is no link.

    A code span keeps its words (minus brackets and dollars): it may be a link's text.
    """
    text = FENCE.sub("", text)
    text = CODE_SPAN.sub(lambda m: m.group(0).strip("`").translate(str.maketrans("", "", "[]$")), text)
    text = DISPLAY_MATH.sub("", text)
    return INLINE_MATH.sub("", text)


def github_slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`([^`]*)`", r"\1", heading)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link in a heading keeps its text
    text = unicodedata.normalize("NFC", text.strip().lower())
    text = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    return text.replace(" ", "-")


def anchors(md_path):
    """All heading anchors of a markdown file, with GitHub's -1, -2 suffixes for repeats."""
    seen, out = {}, set()
    for _, title in HEADING.findall(FENCE.sub("", md_path.read_text(encoding="utf-8"))):
        slug = github_slug(title)
        n = seen.get(slug, 0)
        out.add(slug if n == 0 else f"{slug}-{n}")
        seen[slug] = n + 1
    return out


def markdown_sources():
    """(path, markdown text) for README.md, docs/*.md and every notebook's markdown cells."""
    yield ROOT / "README.md", (ROOT / "README.md").read_text(encoding="utf-8")
    for md in sorted((ROOT / "docs").glob("*.md")):
        yield md, md.read_text(encoding="utf-8")
    for folder in NOTEBOOK_DIRS:
        for nb in sorted((ROOT / folder).glob("*.ipynb")):
            cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
            text = "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
            yield nb, text


def relative_links():
    """(source file, target) for every link that is not a URL, in every markdown source."""
    for path, text in markdown_sources():
        for target in LINK.findall(_prose(text)):
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):  # http:, https:, mailto:, ...
                continue
            yield path, target


def test_the_link_parser_sees_links_and_skips_maths_and_code():
    text = "A [doc](docs/a.md#x) and ![img](b.png \"t\"); [`tl.f`](../tnlite/x.py).\n" \
           "Maths $[A](P)$ and `[no](link)` and\n```\n[in](fence)\n```\n[url](https://x.org)"
    found = LINK.findall(_prose(text))
    assert found == ["docs/a.md#x", "b.png", "../tnlite/x.py", "https://x.org"]


def test_github_slugs_follow_githubs_rule():
    assert github_slug("When the min cut is the rank") == "when-the-min-cut-is-the-rank"
    assert github_slug("Information re-use and no-cloning") == "information-re-use-and-no-cloning"
    assert github_slug("ConvACs are tree tensor networks") == "convacs-are-tree-tensor-networks"
    assert github_slug("1. The network (`convac.py`)") == "1-the-network-convacpy"


def test_every_relative_link_resolves_inside_the_repository():
    broken = []
    for source, target in relative_links():
        file_part = target.split("#", 1)[0]
        if not file_part:
            continue  # a same-file anchor: checked by the anchor test
        resolved = (source.parent / file_part).resolve()
        inside = resolved == ROOT or ROOT in resolved.parents
        if not inside or not resolved.exists():
            why = "points outside the repository" if not inside else "does not exist"
            broken.append(f"{source.relative_to(ROOT)}: ({target}) {why}")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_every_anchor_into_a_markdown_file_matches_a_heading():
    broken = []
    for source, target in relative_links():
        if "#" not in target:
            continue
        file_part, anchor = target.split("#", 1)
        md = (source.parent / file_part).resolve() if file_part else source
        if md.suffix != ".md" or not md.exists():
            continue  # notebook anchors are Jupyter's business; missing files fail the test above
        if anchor not in anchors(md):
            broken.append(f"{source.relative_to(ROOT)}: ({target}) has no heading '#{anchor}' in {md.name}")
    assert not broken, "anchors without a heading:\n" + "\n".join(broken)


def _scanned_files():
    for name in SCANNED:
        path = ROOT / name
        if path.is_file():
            yield path
        elif path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and f.suffix in TEXT_SUFFIXES and not SKIPPED_DIRS & set(f.parts):
                    yield f


# Built from pieces: written out whole, this file would match itself.
FORBIDDEN = [stem + ".md" for stem in ("PAPER", "PERF", "DESIGN")] + ["shared" + "/" + "course"]


def test_forbidden_names_are_built_right():
    assert FORBIDDEN == ["PAPER" ".md", "PERF" ".md", "DESIGN" ".md", "shared/" "course"]
    assert Path(__file__) in set(_scanned_files())


def test_nothing_names_the_teams_private_notes():
    hits = []
    for f in _scanned_files():
        for n, line in enumerate(f.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            for name in FORBIDDEN:
                if name in line:
                    hits.append(f"{f.relative_to(ROOT)}:{n}: {name}")
    assert not hits, "the repository must stand alone; point to docs/science.md instead:\n" + "\n".join(hits)
