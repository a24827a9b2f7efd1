"""Writing several files as one step: stage each beside its target, swap all in by rename, and put
every original back if any step fails. Nothing is ever half-written."""
from __future__ import annotations

import shutil
from pathlib import Path


def write_all(texts: dict[Path, str]) -> None:
    staged: dict[Path, Path] = {}
    backups: dict[Path, Path] = {}
    try:
        for target, text in texts.items():
            staged[target] = target.with_name(f".{target.name}.new")
            staged[target].write_text(text, encoding="utf-8", newline="\n")
            if target.exists():
                backups[target] = target.with_name(f".{target.name}.bak")
                shutil.copy2(target, backups[target])
        for target in texts:
            staged[target].replace(target)
    except BaseException:
        for target in texts:
            if target in backups and backups[target].exists():
                backups[target].replace(target)
            elif target not in backups and not staged[target].exists():
                target.unlink(missing_ok=True)  # a new file that was already swapped in
        raise
    finally:
        for path in [*staged.values(), *backups.values()]:
            path.unlink(missing_ok=True)
