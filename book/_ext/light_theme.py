"""Local Sphinx extension: a lighter theme load on every page (issue 14), using only Sphinx's and
the theme's documented hooks; the installed theme is never patched.

- Scripts: every external script but documentation_options.js (which inline scripts read at once)
  is deferred, so none blocks the first paint; deferred scripts still run in document order.
  Assets of features a page does not use (sphinx-design, copy buttons, toggles) are left out;
  sphinx-thebe's always are (launch buttons are off; its inline script also declared THEBE_JS_URL
  twice, a console error).
- Icons: FontAwesome's 1.5 MB of JavaScript is not loaded (see _templates/layout.html). After the
  build, _static/icons.css is written with one CSS mask per glyph the pages use, its path taken
  from the installed theme's own FontAwesome bundle, so icons look as before at a few KB (a glyph
  a page uses that the bundle does not have fails the build, naming the pages); the
  built copy of the theme's stylesheet loses its ~2,000 unused glyph rules (the installed theme
  is untouched), and its FontAwesome web fonts keep only the glyphs its remaining rules draw
  (admonition and external-link icons): a few KB instead of 300.
- Search: the index is not loaded on reading pages; _static/lazy-search.js fetches it ahead when the
  search dialog opens, and the search page loads it itself.
"""
from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

from sphinx.errors import ExtensionError

ICONS_CSS = "icons.css"
PACKS = {"fab": "brands", "fa-brands": "brands", "far": "regular", "fa-regular": "regular",
         "fas": "solid", "fa-solid": "solid"}
NOT_GLYPHS = {"fa-lg", "fa-xs", "fa-sm", "fa-xl", "fa-2x", "fa-fw", "fa-spin", "fa-pulse", "fa-border"} | set(PACKS)
# Needed before the body is parsed: inline scripts in the head read DOCUMENTATION_OPTIONS.
BLOCKING = {"_static/documentation_options.js"}


# Assets of extensions Jupyter Book always loads, each needed only where the page uses the feature:
# (marker in the page body, asset file names, text of their inline scripts).
FEATURES = (
    ("thebe-never", ("sphinx-thebe.js", "sphinx-thebe.css"), ("THEBE_JS_URL",)),  # launch buttons are off
    ("sd-", ("design-tabs.js", "sphinx-design.min.css"), ()),
    ('class="highlight', ("clipboard.min.js", "copybutton.js", "copybutton.css"), ()),
    ("toggle", ("togglebutton.js", "togglebutton.css"), ("toggleHint", "toggleOpenOnPrint", "togglebuttonSelector")),
)


def unneeded(body: str) -> tuple[set[str], tuple[str, ...]]:
    files, inline = set(), ()
    for marker, names, bodies in FEATURES:
        if marker not in body:
            files |= set(names)
            inline += bodies
    return files, inline


def _name(asset) -> str:
    return Path(str(asset.filename or "")).name.split("?")[0]


def lighten_page(app, pagename, templatename, context, doctree) -> None:
    files, inline = unneeded(context.get("body", ""))
    # context["script_files"] is the builder's list for this page (reset before each page); assets are
    # immutable, so each kept one is added again through the builder's add_js_file, in the same order.
    scripts = context.get("script_files", [])
    kept = list(dict.fromkeys(scripts))
    scripts.clear()
    for js in kept:
        if _name(js) in files or any(text in js.attributes.get("body", "") for text in inline):
            continue
        attributes = dict(js.attributes)
        external = bool(js.filename)
        # The search page's template loads searchtools.js without defer, and it needs doctools.js first.
        if external and pagename != "search" and js.filename not in BLOCKING and attributes.get("type") != "module" \
                and "async" not in attributes and "defer" not in attributes:
            attributes["defer"] = "defer"
        filename = js.filename or ""
        # add_js_file puts a local file under _static/ itself.
        if filename.startswith("_static/") and "://" not in filename:
            filename = filename[len("_static/"):]
        app.builder.add_js_file(filename, priority=js.priority, **attributes)
    context["css_files"] = [css for css in context.get("css_files", []) if _name(css) not in files]


def fontawesome_bundle() -> Path:
    import pydata_sphinx_theme
    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "scripts" / "fontawesome.js"


_ENTRY = re.compile(r'(?:"([^"]+)"|([\w$]+)):\[(\d+),(\d+),\[([^\]]*)\],(?:"[^"]*"|\d+),"([^"]+)"\]')


def glyphs(bundle: Path) -> dict[str, dict[str, tuple[int, int, str]]]:
    """pack -> icon name (and each alias) -> (width, height, SVG path), read from the theme's bundle."""
    text = bundle.read_text(encoding="utf-8")
    packs: dict[str, dict[str, tuple[int, int, str]]] = {}
    for marker in re.finditer(r'd\("(fab|far|fas)",p\)', text):
        start = text.rfind("var p={", 0, marker.start())
        icons = packs.setdefault(PACKS[marker.group(1)], {})
        for m in _ENTRY.finditer(text, start, marker.start()):
            glyph = (int(m.group(3)), int(m.group(4)), m.group(6))
            names = [m.group(1) or m.group(2)] + re.findall(r'"([^"]+)"', m.group(5))
            for name in names:
                icons.setdefault(name, glyph)
    return packs


def used_icons(outdir: Path) -> dict[tuple[str, str], set[str]]:
    """(pack, icon) -> the built pages whose elements name that FontAwesome glyph in their classes."""
    used: dict[tuple[str, str], set[str]] = {}
    for page in sorted(outdir.rglob("*.html")):
        for classes in re.findall(r'class="([^"]*\bfa-[^"]*)"', page.read_text(encoding="utf-8")):
            tokens = classes.split()
            pack = next((PACKS[t] for t in tokens if t in PACKS), "solid")
            for icon in (t[3:] for t in tokens if t.startswith("fa-") and t not in NOT_GLYPHS):
                used.setdefault((pack, icon), set()).add(page.relative_to(outdir).as_posix())
    return used


def missing_glyphs(used: dict[tuple[str, str], set[str]], packs: dict) -> list[str]:
    """One line per glyph the pages use that the bundle does not have, with the pages using it."""
    return [f"{pack}/{name} (on {', '.join(sorted(pages)[:3])}{' and more' if len(pages) > 3 else ''})"
            for (pack, name), pages in sorted(used.items()) if name not in packs.get(pack, {})]


def icon_css(used, packs: dict) -> str:
    pack_classes = {"brands": ("fab", "fa-brands"), "regular": ("far", "fa-regular"), "solid": ("fas", "fa-solid")}
    rules, selectors = [], []
    for pack, name in sorted(used):
        width, height, path = packs[pack][name]
        svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'><path d='{path}'/></svg>"
        url = "data:image/svg+xml," + urllib.parse.quote(svg, safe="/:=' ")
        names = [f".{c}.fa-{name}::before" for c in pack_classes[pack]]
        selectors += names
        rules.append(f"{','.join(names)}{{width:{width / height:.4f}em;-webkit-mask-image:url(\"{url}\");"
                     f"mask-image:url(\"{url}\")}}")
    shared = (f"{','.join(selectors)}{{content:\"\";display:inline-block;height:1em;vertical-align:-0.125em;"
              "background-color:currentColor;-webkit-mask-repeat:no-repeat;mask-repeat:no-repeat;"
              "-webkit-mask-position:center;mask-position:center;-webkit-mask-size:contain;mask-size:contain}")
    header = "/* Generated by book/_ext/light_theme.py from the theme's FontAwesome bundle: the glyphs this site uses. */\n"
    return header + (shared + "\n" if selectors else "") + "\n".join(rules) + "\n"


def write_icon_css(outdir: Path, bundle: Path) -> None:
    """_static/icons.css for the glyphs the built pages use; a glyph the bundle lacks is an error (its
    icon would silently be blank, since the theme's glyph rules are dropped from the built CSS)."""
    if not bundle.is_file():
        raise ExtensionError(f"light_theme: the theme's FontAwesome bundle is not at {bundle}; the installed "
                             "pydata-sphinx-theme does not match the one this extension reads")
    used, packs = used_icons(outdir), glyphs(bundle)
    missing = missing_glyphs(used, packs)
    if missing:
        raise ExtensionError("light_theme: these icons are used but not found in the theme's FontAwesome bundle "
                             f"({bundle}); use an icon the bundle has, or check the theme's version:\n  "
                             + "\n  ".join(missing))
    (outdir / "_static" / ICONS_CSS).write_text(icon_css(used, packs), encoding="utf-8")


# The theme's stylesheet maps all ~2,000 FontAwesome names to web-font glyphs (a third of its
# compressed size); icons.css draws the few in use, so those rules are dropped from the built copy.
_GLYPH_RULE = re.compile(r'(?:\.fa-[a-z0-9-]+:before,)*\.fa-[a-z0-9-]+:before\{content:"[^"]*"\}')


def write_icons(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    write_icon_css(outdir, fontawesome_bundle())
    theme_css = outdir / "_static" / "styles" / "pydata-sphinx-theme.css"
    if theme_css.exists():
        css = _GLYPH_RULE.sub("", theme_css.read_text(encoding="utf-8"))
        theme_css.write_text(css, encoding="utf-8")
        subset_webfonts(outdir, {ord(c) for c in css if 0xE000 <= ord(c) <= 0xF8FF})


def subset_webfonts(outdir: Path, codepoints: set[int]) -> None:
    """The theme's own CSS still draws a few glyphs from the web font (admonition and link icons):
    keep only the glyphs its remaining rules name, from the installed theme's fonts each build."""
    from fontTools import subset
    source = fontawesome_bundle().parent.parent / "vendor" / "fontawesome" / "webfonts"
    target = outdir / "_static" / "vendor" / "fontawesome" / "webfonts"
    for font in sorted(source.glob("*.woff2")):
        options = subset.Options()
        options.flavor = "woff2"
        loaded = subset.load_font(str(font), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(loaded)
        target.mkdir(parents=True, exist_ok=True)
        subset.save_font(loaded, str(target / font.name), options)
    # The theme copies its FontAwesome script into every build; no page loads it any more.
    for unused in ("fontawesome.js", "fontawesome.js.map", "fontawesome.js.LICENSE.txt"):
        (outdir / "_static" / "scripts" / unused).unlink(missing_ok=True)


def setup(app):
    app.connect("html-page-context", lighten_page, priority=900)
    app.connect("build-finished", write_icons)
    app.add_css_file(ICONS_CSS)
    app.add_js_file("lazy-search.js", defer="defer")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
