"""Local Sphinx extension: execute the chapters in parallel, into myst-nb's execution cache.

With ``execute_notebooks: cache`` myst-nb runs a chapter only when jupyter-cache holds no record for
its code, but it runs each one while Sphinx reads it, one after another. Before reading starts, this
extension executes every chapter that is about to be read and has no record, a few at a time, and
stores the results in the same cache; myst-nb then finds them there. Its kernels are forks of one
process that has already imported the libraries every chapter imports (``kernel_forkserver.py``).
With an empty ``parallel_execute_preload``, jupyter-cache's own ``local-parallel`` executor runs them
instead. The fork server is kept because it is measured faster by more than 20% (bench/executors.py
writes both, side by side, in bench/results.md): each fresh kernel spends seconds importing pandas,
altair, pandera and vl-convert again.

jupyter-cache keys a record on the chapter's code alone, so a changed CSV, shared module, book layout
or configuration would be served stale outputs. The cache therefore lives in one folder per
fingerprint of those inputs (``execution_inputs``); a changed fingerprint executes every chapter
again, and the few most recent folders are kept, so reverting an edit finds its executions again.

In every execution mode a changed fingerprint makes Sphinx read every chapter again, so a changed input
never leaves a stale page. Only with ``cache`` does this extension execute anything:
``force`` still runs each chapter serially while Sphinx reads it, as myst-nb does. A chapter that
fails here is not cached: myst-nb executes it again while reading and reports the error.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path, PurePosixPath

# Cache folders kept besides the current one: enough to go back and forth between a few edits.
KEPT_CACHE_FOLDERS = 4
# myst-nb's reader, registered by myst-nb as a jupyter-cache reader plugin.
MYST_READER = {"name": "myst_nb_md", "type": "plugin"}


def is_notebook(path: Path) -> bool:
    from myst_nb.core.read import is_myst_markdown_notebook
    if path.suffix == ".ipynb":
        return True
    return path.suffix == ".md" and is_myst_markdown_notebook(path.read_text(encoding="utf-8"))


def caching(app) -> bool:
    return getattr(app.env, "mystnb_config", None) is not None and app.env.mystnb_config.execution_mode == "cache"


def use_keyed_cache(app) -> None:
    """With the cache, point myst-nb at the inputs fingerprint's folder (after myst-nb set its path)."""
    key = app.ccbook_inputs
    if not caching(app):
        app.ccbook_execution_folder = Path(app.doctreedir)
        return
    base = Path(app.env.mystnb_config.execution_cache_path)
    folder = base / key[:20]
    folder.mkdir(parents=True, exist_ok=True)
    os.utime(folder)
    older = sorted((p for p in base.iterdir() if p.is_dir() and p != folder), key=lambda p: p.stat().st_mtime)
    for stale in older[:max(0, len(older) - KEPT_CACHE_FOLDERS)]:
        shutil.rmtree(stale, ignore_errors=True)
    app.env.mystnb_config = app.env.mystnb_config.copy(execution_cache_path=str(folder))
    # Where files a chapter writes besides its outputs (chart data) belong: next to the outputs they
    # go with, so a chapter served from the cache finds the files of the same execution.
    app.ccbook_execution_folder = folder
    # Every chapter runs again when the key changed (a cold build too): start the kernel fork server
    # now, so that its imports overlap with the rest of Sphinx's start-up.
    if app.config.parallel_execute_preload and hasattr(os, "fork") and \
            getattr(app.env, "ccbook_inputs_key", None) != key:
        app.ccbook_fork_server = ForkServer(list(app.config.parallel_execute_preload))


def stop_fork_server(app, *_) -> None:
    server = getattr(app, "ccbook_fork_server", None)
    if server is not None:
        server.close()
        app.ccbook_fork_server = None


def outdated_by_key(app, env, added, changed, removed) -> list[str]:
    """Re-read every chapter when the inputs fingerprint changed since the last build (in every execution
    mode): the one trigger for re-reading chapters because an input outside them changed."""
    key = getattr(app, "ccbook_inputs", None)
    if key is None or getattr(env, "ccbook_inputs_key", None) == key:
        return []
    return sorted(d for d in env.found_docs if d not in added and is_notebook(Path(env.doc2path(d))))


def execute_ahead(app, env, docnames: list[str]) -> None:
    env.ccbook_inputs_key = app.ccbook_inputs
    if not caching(app):
        return
    from jupyter_cache import get_cache
    from myst_nb.core.read import create_nb_reader

    config = env.mystnb_config
    if not app.config.parallel_execute_preload:
        stock_execute_ahead(env, docnames)
        return
    cache = get_cache(config.execution_cache_path)
    pending = []
    for docname in docnames:
        path = Path(env.doc2path(docname))
        if not is_notebook(path) or any(PurePosixPath(path.as_posix()).match(pattern)
                                        for pattern in config.execution_excludepatterns):
            continue
        text = path.read_text(encoding="utf-8")
        reader = create_nb_reader(str(path), env.myst_config, config, text)
        if reader is None:
            continue
        notebook = reader.read(text)
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            pending.append((path, notebook))
    if not pending:
        stop_fork_server(app)
        return
    jobs = max(1, min(app.config.parallel_execute_jobs, len(pending)))
    from sphinx.util import logging
    logger = logging.getLogger(__name__)
    logger.info(f"executing {len(pending)} notebook(s), {jobs} at a time")
    # Longest first keeps both workers busy to the end; source length stands in for run time.
    pending.sort(key=lambda item: -len(item[0].read_bytes()))
    started, cpu = time.monotonic(), os.times()
    try:
        results = execute_notebooks(pending, jobs, config.execution_timeout, config.execution_allow_errors,
                                    app.config.parallel_execute_preload, getattr(app, "ccbook_fork_server", None))
    except ForkServerError as error:
        from sphinx.errors import ExtensionError
        raise ExtensionError(f"parallel_execute_preload in _config.yml: {error}") from None
    finally:
        stop_fork_server(app)
    from jupyter_cache.base import CacheBundleIn
    for (path, notebook), (seconds, error) in zip(pending, results):
        if error is not None:
            logger.info(f"{path.name}: execution failed ahead of reading; it is executed again and reported")
            continue
        cache.cache_notebook_bundle(CacheBundleIn(notebook, str(path), data={"execution_seconds": seconds}),
                                    check_validity=False, overwrite=True)
    used = sum(os.times()[:4]) - sum(cpu[:4])  # this process and its finished children (kernels, server)
    logger.info(f"executed {len(pending)} notebook(s) in {time.monotonic() - started:.1f} s ({used:.1f} s of CPU)")


def stock_execute_ahead(env, docnames: list[str]) -> None:
    """Without a preload: jupyter-cache's own local-parallel executor (one chapter per core, kernels
    started afresh), with myst-nb's reader, so the records it stores are those myst-nb then matches.
    bench/executors.py measures it against the fork server."""
    import logging
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor
    config = env.mystnb_config
    cache = get_cache(config.execution_cache_path)
    uris = []
    for docname in docnames:
        path = Path(env.doc2path(docname))
        if is_notebook(path) and not any(PurePosixPath(path.as_posix()).match(pattern)
                                         for pattern in config.execution_excludepatterns):
            uris.append(str(path.absolute()))
            cache.add_nb_to_project(uris[-1], read_data=MYST_READER)
    pending = [record.uri for record in cache.list_unexecuted() if record.uri in uris]
    if not pending:
        return
    from sphinx.util import logging as sphinx_logging
    logger = sphinx_logging.getLogger(__name__)
    logger.info(f"executing {len(pending)} notebook(s), jupyter-cache local-parallel")
    started = time.monotonic()
    executor = load_executor("local-parallel", cache=cache, logger=logging.getLogger("jupyter_cache"))
    executor.run_and_cache(filter_uris=pending, timeout=config.execution_timeout,
                           allow_errors=config.execution_allow_errors)
    logger.info(f"executed {len(pending)} notebook(s) in {time.monotonic() - started:.1f} s")


def execute_notebooks(pending, jobs: int, timeout, allow_errors: bool, preload: list[str] | tuple[str, ...] = (),
                      server: ForkServer | None = None) -> list[tuple[float, BaseException | None]]:
    """Execute (path, notebook) pairs in place, ``jobs`` at a time, each in its folder; (seconds, error) each.

    With ``preload`` (or a started ``server``), kernels are forks of one process that imported those modules.
    """
    owned = server is None and bool(preload) and hasattr(os, "fork")
    if owned:
        server = ForkServer(list(preload))
    try:
        manager_class = server.manager_class() if server else None
        return asyncio.run(execute_all(pending, jobs, timeout, allow_errors, manager_class))
    finally:
        if owned:
            server.close()


class ForkServerError(RuntimeError):
    """The kernel fork server could not start (a preloaded module failed to import)."""


class ForkServer:
    """A running kernel_forkserver: it imports ``modules`` as soon as it is created, in the background."""

    def __init__(self, modules: list[str]) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="ccbook-kernels-")
        self.socket = os.path.join(self.folder.name, "server")
        self.script = str(Path(__file__).with_name("kernel_forkserver.py"))
        self.process = subprocess.Popen([sys.executable, self.script, "serve", self.socket, *modules],
                                        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
        self.ready = False

    def manager_class(self):
        """A kernel manager class whose kernels are forks of this server (waits until it is ready)."""
        from jupyter_client.kernelspec import KernelSpec
        from jupyter_client.manager import AsyncKernelManager
        if not self.ready:
            status = self.process.stdout.readline().strip()
            if status != "ready":
                raise ForkServerError(status or f"the kernel fork server stopped (exit status {self.process.wait()})")
            self.ready = True
        spec = KernelSpec(argv=[sys.executable, self.script, "launch", self.socket, "{connection_file}"],
                          display_name="Python 3 (forked)", language="python")
        return type("ForkedKernelManager", (AsyncKernelManager,), {"kernel_spec": property(lambda self: spec)})

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process.stdout.close()
        self.folder.cleanup()


async def execute_all(pending, jobs: int, timeout, allow_errors: bool, manager_class) -> list[tuple[float, BaseException | None]]:
    gate = asyncio.Semaphore(jobs)

    async def one(path: Path, notebook):
        async with gate:
            return await execute_one(notebook, path.parent, timeout, allow_errors, manager_class)

    return await asyncio.gather(*(one(path, notebook) for path, notebook in pending))


async def execute_one(notebook, cwd: Path, timeout, allow_errors: bool, manager_class) -> tuple[float, BaseException | None]:
    """Execute in place, as jupyter-cache's single_nb_execution does for myst-nb (same options)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError
    execution = notebook.metadata.get("execution", {})
    timeout = execution.get("timeout", timeout)
    allow_errors = execution.get("allow_errors", allow_errors)
    options = {"kernel_manager_class": manager_class} if manager_class else {}
    client = NotebookClient(nb=notebook, resources={"metadata": {"path": str(cwd)}}, timeout=timeout,
                            allow_errors=allow_errors, record_timing=False, **options)
    started = time.monotonic()
    try:
        await client.async_execute()
    except (CellExecutionError, CellTimeoutError) as error:
        return time.monotonic() - started, error
    return time.monotonic() - started, None


def setup(app):
    app.setup_extension("execution_inputs")
    app.add_config_value("parallel_execute_jobs", 2, "env", [int])
    # Modules the kernels import anyway; kernels are then forked from a process that has them. Empty:
    # jupyter-cache's stock local-parallel executor instead (bench/executors.py compares the two).
    app.add_config_value("parallel_execute_preload", [], "env", [list])
    app.connect("builder-inited", use_keyed_cache, priority=900)
    app.connect("env-get-outdated", outdated_by_key)
    app.connect("env-before-read-docs", execute_ahead)
    app.connect("build-finished", stop_fork_server)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
