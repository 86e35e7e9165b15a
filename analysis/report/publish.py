"""Putting a build's results in place: one build at a time per output folder, and all at once.

- **One build at a time.** A build holds an exclusive lock (``fcntl.flock``) on ``.build.lock``
  in its output folder from before it validates until its outputs are in place; the file
  names the holder's process id while it is held and is emptied on release. A second build
  prints one line naming that process and waits for it. The operating system releases the
  lock of a process that dies, however it dies, so a lock is never stuck; a build that finds
  the file still naming a process (a build that was killed) says it takes over.
- **A staging folder of its own.** Each build stages in ``.staging-<random>/`` in its output
  folder; whatever a killed build left there is removed by the next one, under the lock.
- **All at once.** A build's outputs are files and folders in two places (``outputs/`` and
  ``figures/``), which no single rename can switch. So the promotion first writes a journal,
  ``.promotion.json``, naming the staging folder and every move; then it moves the old
  manifest aside, then each old item aside and its new one in (a rename each, on one file
  system), the new manifest last; then it removes the journal and the old items. Everything
  it moves is complete before the journal is written, so an interrupted promotion is finished
  forward: interrupt and terminate signals wait until it is done, and after a kill the next
  build of that folder completes it before anything else. Whenever a manifest is there and
  the journal is not, the manifest describes exactly the files on disk.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from analysis.paths import display_path

LOCK_NAME = ".build.lock"
JOURNAL_NAME = ".promotion.json"
STAGING_PREFIX = ".staging"
MANIFEST_NAME = "manifest.json"
ASIDE = ".previous"  # inside the staging folder: the outputs a promotion replaced
DEFERRED_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def exclusive(outputs_dir: Path, echo: Callable[[str], None]) -> Iterator[None]:
    """Hold the output folder's build lock: wait for a running build (one line naming it), take
    over from a killed one, and finish what that one left (:func:`tidy`) before going on."""
    outputs_dir = Path(outputs_dir)
    outputs_dir.mkdir(parents=True, exist_ok=True)
    with (outputs_dir / LOCK_NAME).open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(handle)
            echo(f"waiting for {'build ' + holder if holder else 'another build'} (process id) to finish writing "
                 f"{display_path(outputs_dir)}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        killed = _holder(handle)
        _name_holder(handle, str(os.getpid()))
        try:
            completed = tidy(outputs_dir)
            if killed:
                echo(f"build {killed} (process id) stopped without finishing; taking over"
                     + ("; its outputs, already staged, are now in place" if completed else ""))
            yield
        finally:
            _name_holder(handle, "")


def _holder(handle) -> str:
    """The process id the lock file names ('' when none)."""
    handle.seek(0)
    return handle.read().strip()


def _name_holder(handle, pid: str) -> None:
    handle.seek(0)
    handle.truncate()
    handle.write(pid)
    handle.flush()


def new_staging(outputs_dir: Path) -> Path:
    """A new, empty staging folder of this build's own, in the output folder."""
    return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}-", dir=outputs_dir))


def tidy(outputs_dir: Path) -> bool:
    """Finish a promotion a killed build left (True if there was one), then remove staging
    folders left behind. Call it only while holding the lock."""
    journal = Path(outputs_dir) / JOURNAL_NAME
    completed = pending(outputs_dir)
    if completed:
        _complete(journal)
    for leftover in Path(outputs_dir).glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    journal.with_name(journal.name + ".tmp").unlink(missing_ok=True)  # a journal never finished: nothing moved
    return completed


def pending(outputs_dir: Path) -> bool:
    """Whether a promotion into the output folder was begun and not finished."""
    return (Path(outputs_dir) / JOURNAL_NAME).exists()


def discard(staging: Path) -> None:
    """Remove a staging folder, unless a promotion's journal still needs it."""
    journal = staging.parent / JOURNAL_NAME
    if not (journal.exists() and json.loads(journal.read_text(encoding="utf-8"))["staging"] == staging.name):
        shutil.rmtree(staging, ignore_errors=True)


def promote(staging: Path, targets: dict[str, Path]) -> None:
    """Put every item of ``staging`` (its name -> where it belongs) in place at once (see the
    module); the old ones are removed. Interrupt and terminate signals wait until it is done."""
    moves = sorted(targets.items(), key=lambda item: (item[0] == MANIFEST_NAME, item[0]))
    journal = staging.parent / JOURNAL_NAME
    with signals_deferred():
        _write_durably(journal, json.dumps({"staging": staging.name, "moves": [[name, str(target)] for name, target in moves]}))
        _complete(journal)


def _complete(journal: Path) -> None:
    """Carry out (or finish) the promotion a journal describes; each step is skipped once done."""
    content = json.loads(journal.read_text(encoding="utf-8"))
    staging = journal.parent / content["staging"]
    aside = staging / ASIDE
    aside.mkdir(parents=True, exist_ok=True)
    moves = [(name, Path(target)) for name, target in content["moves"]]
    for name, target in moves:
        if name == MANIFEST_NAME and target.exists() and not (aside / name).exists():
            _move(target, aside / name)  # first: no manifest describes a mixture
    for name, target in moves:  # the manifest last
        new = staging / name
        if not new.exists():
            continue  # already in place
        if target.exists() and (aside / name).exists():
            _remove(target)  # the old one is aside already: this is no one's
        elif target.exists():
            _move(target, aside / name)
        target.parent.mkdir(parents=True, exist_ok=True)
        _move(new, target)
    _fsync_folder(journal.parent)
    journal.unlink()
    _fsync_folder(journal.parent)
    shutil.rmtree(staging, ignore_errors=True)


def _move(source: Path, target: Path) -> None:
    """One step of a promotion: a rename."""
    os.rename(source, target)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _write_durably(path: Path, text: str) -> None:
    """Write a file whole or not at all (a temporary file, flushed to disk, then renamed)."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    """Make the renames in a folder durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Interrupt and terminate signals received meanwhile are held back, then dropped: the block
    they would have stopped has finished (in the main thread; elsewhere signals are not handled)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, lambda *_: None) for number in DEFERRED_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
