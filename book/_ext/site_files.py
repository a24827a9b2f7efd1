"""Local Sphinx extension: what search engines and browsers look for at the site level (issue 13).

- robots.txt pointing at the sitemap (sphinx-sitemap writes sitemap.xml from html_baseurl).
- A valid root index.html: the table of contents' redirect to the first page, rewritten as a
  complete HTML page (doctype, language, title, description, canonical link, favicon, a link for
  readers without refresh).
- A meta description on pages sphinxext-opengraph leaves without one (pages with no text of their
  own, such as the search page), from `ccbook_site_description`; and the favicon links, which
  sphinx-favicon leaves off those pages too.
- JSON-LD hook: any extension may put a dict (or list) under `ccbook_jsonld` in a page's
  html-page-context; this extension serialises it safely for a <script type="application/ld+json">
  in the page head (see _templates/layout.html). Example, in another extension's setup():

      app.connect("html-page-context", lambda app, page, tpl, ctx, doctree:
                  ctx.update(ccbook_jsonld=dataset_jsonld()) if page == "book/data" else None)
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

from markupsafe import Markup


def one_title_and_url(app, config) -> None:
    """_config.yml's title and html.baseurl are the one definition; Sphinx's project name and
    opengraph's site URL follow them (Jupyter Book sets neither)."""
    if config.html_title and config.project in ("", "Project name not set"):
        config.project = config.html_title
    if not config.ogp_site_url and config.html_baseurl:
        config.ogp_site_url = config.html_baseurl


def _tidy(description: str) -> str:
    # Text extracted from inline nodes loses the space before a bracket and gains one after it:
    # "series[ Balin et al., 2012]" -> "series [Balin et al., 2012]".
    return re.sub(r"\s*([(\[])\s+", r" \1", description).strip()


def page_head(app, pagename, templatename, context, doctree) -> None:
    context["metatags"] = re.sub(r'((?:name="description"|property="og:description") content=")([^"]*)',
                                 lambda m: m.group(1) + _tidy(m.group(2)), context.get("metatags", ""))
    jsonld = context.get("ccbook_jsonld")
    if isinstance(jsonld, (dict, list)):
        text = json.dumps(jsonld, ensure_ascii=False, sort_keys=True)
        context["ccbook_jsonld"] = Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
    elif jsonld is not None:
        raise TypeError(f"{pagename}: ccbook_jsonld must be a dict or list, not {type(jsonld).__name__}")
    if doctree is None and 'rel="icon"' not in context.get("metatags", "") and app.config.favicons:
        # sphinx-favicon skips pages without a document (search, index); browsers then ask for
        # /favicon.ico, and every page should name its icon.
        from sphinx_favicon import create_favicons_meta
        context["metatags"] = context.get("metatags", "") + create_favicons_meta(
            context["pathto"], app.config.favicons, app.config.html_static_path, app.confdir)
    if 'name="description"' not in context.get("metatags", ""):
        description = html.escape(app.config.ccbook_site_description, quote=True)
        context["metatags"] = context.get("metatags", "") + f'\n<meta name="description" content="{description}" />'


def _description(page: Path) -> str:
    found = re.search(r'<meta name="description" content="([^"]*)"', page.read_text(encoding="utf-8"))
    return html.unescape(found.group(1)) if found else ""


def root_page(app, target: str) -> str:
    outdir = Path(app.outdir)
    base = app.config.html_baseurl.rstrip("/") + "/" if app.config.html_baseurl else ""
    description = _description(outdir / target) or app.config.ccbook_site_description
    e = lambda s: html.escape(s, quote=True)  # noqa: E731
    canonical = f'\n<link rel="canonical" href="{e(base + target)}">' if base else ""
    return f"""<!DOCTYPE html>
<html lang="{e(app.config.language or 'en')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(app.config.project)}</title>
<meta name="description" content="{e(description)}">
<meta http-equiv="refresh" content="0; url={e(target)}">{canonical}
<link rel="icon" href="_static/favicon.svg" type="image/svg+xml">
</head>
<body>
<p><a href="{e(target)}">{e(app.config.project)}</a></p>
</body>
</html>
"""


def write_site_files(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    index = outdir / "index.html"
    if index.exists():
        redirect = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', index.read_text(encoding="utf-8"), re.I)
        if redirect:
            index.write_text(root_page(app, html.unescape(redirect.group(1))), encoding="utf-8")
    lines = ["User-agent: *", "Allow: /"]
    if app.config.html_baseurl:
        lines.append(f"Sitemap: {app.config.html_baseurl.rstrip('/')}/sitemap.xml")
    (outdir / "robots.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def setup(app):
    app.connect("config-inited", one_title_and_url)
    app.add_config_value("ccbook_site_description", "", "html", types=[str])
    # After the other handlers, so JSON-LD set by any extension is serialised and opengraph's tags are in.
    app.connect("html-page-context", page_head, priority=950)
    # After sphinx-external-toc writes the redirect.
    app.connect("build-finished", write_site_files, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
