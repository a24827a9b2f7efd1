"""The theme trimming (book/_ext/light_theme.py) draws every icon a page uses from the theme's own
FontAwesome bundle, and fails the build, naming the icon and the pages, when the bundle lacks one."""
from __future__ import annotations

import subprocess
import sys

import pytest
from sphinx.errors import ExtensionError

from conftest import EXTENSIONS, book_extension

light_theme = book_extension("light_theme")


def site_with(tmp_path, classes: str):
    (tmp_path / "_static").mkdir()
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "page.html").write_text(f'<p><i class="{classes}"></i> and <i class="fa-brands fa-github"></i></p>')
    return tmp_path


def test_icons_the_bundle_has_become_css_masks(tmp_path):
    site = site_with(tmp_path, "fa-solid fa-magnifying-glass fa-lg")
    light_theme.write_icon_css(site, light_theme.fontawesome_bundle())
    css = (site / "_static" / "icons.css").read_text(encoding="utf-8")
    assert ".fa-solid.fa-magnifying-glass::before" in css and ".fa-brands.fa-github::before" in css
    assert ".fa-lg" not in css and css.count("-webkit-mask-image:url(") == 2


def test_an_icon_missing_from_the_bundle_is_a_clear_error(tmp_path):
    site = site_with(tmp_path, "fa-solid fa-no-such-glyph-for-ccbook")
    with pytest.raises(ExtensionError, match=r"solid/no-such-glyph-for-ccbook \(on book/page\.html\)"):
        light_theme.write_icon_css(site, light_theme.fontawesome_bundle())
    assert not (site / "_static" / "icons.css").exists()


def test_a_bundle_that_is_not_there_is_a_clear_error(tmp_path):
    site = site_with(tmp_path, "fa-solid fa-bars")
    with pytest.raises(ExtensionError, match="FontAwesome bundle is not at"):
        light_theme.write_icon_css(site, tmp_path / "moved" / "fontawesome.js")


def test_a_build_using_a_missing_icon_fails_with_the_message_and_no_traceback(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text("extensions = ['light_theme']\nhtml_theme = 'pydata_sphinx_theme'\n")
    (source / "index.rst").write_text("Page\n====\n\n.. raw:: html\n\n   <i class=\"fa-solid fa-no-such-glyph-for-ccbook\"></i>\n")
    done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", str(source), str(tmp_path / "html")],
                          env={"PYTHONPATH": str(EXTENSIONS), "PATH": "/usr/bin:/bin"}, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "solid/no-such-glyph-for-ccbook (on index.html)" in done.stderr
    assert "Traceback" not in done.stderr


def test_no_private_sphinx_name_is_imported():
    source = (EXTENSIONS / "light_theme.py").read_text(encoding="utf-8")
    assert "._" not in "".join(line for line in source.splitlines() if line.lstrip().startswith(("import ", "from ")))
