"""Files written whole or not at all (plain Python, no Django: a child process can use it as it is).

A report file is written into a temporary file in the same folder, flushed to disk (fsync), then renamed over its
final name — a rename within one file system is atomic, so a reader sees either no file or the whole file. A worker
killed mid-write leaves only its temporary file (a dot-name never served), which the retry removes.
"""
from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(*, target: Path, write: Callable[[Path], None]) -> tuple[str, int]:
    """Write a file so that it is either whole or absent: into a temporary file in the same folder, fsync, then
    rename over the target (atomic on one file system). Returns (sha256, size)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".tmp-{target.stem}-{uuid.uuid4().hex[:8]}{target.suffix}"
    try:
        write(tmp)
        digest = hashlib.sha256()
        with open(tmp, "rb+") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        size = tmp.stat().st_size
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    finally:
        if tmp.exists():
            tmp.unlink()
    return digest.hexdigest(), size


def clear_stale_temporaries(folder: Path, stem: str) -> None:
    """A worker killed mid-write leaves its temporary file: the retry removes it before starting again."""
    if folder.exists():
        for stale in folder.glob(f".tmp-{stem}-*"):
            stale.unlink(missing_ok=True)
