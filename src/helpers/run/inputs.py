"""One version of the inputs per month: their identity taken when the month starts, checked
before every notebook and before publishing.

An export replaced during a run (orders.csv swapped after notebook 01) once published a mix:
pages 01 and 03 on one file, 02, 04, 05, 06 and the manifest on another. Copying the inputs
into the staging folder would freeze them, but costs gigabytes a month at 10M lines, and a hard
link is no snapshot (a file rewritten in place changes under it). So the runner records each
input file's sha256 when the month starts (the staging cache's own checksum index makes this
instant for a file staged before) and checks, before each notebook starts and once all are
done, that every file is still the same: its size, times and inode first (free), its sha256
when those moved. A file that changed, appeared or disappeared stops the run naming it, and
nothing is published. The notebooks' staging cache is keyed by the same checksums, so every
notebook that ran read this version. The manifest records it (`input_version`).
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from helpers.core.checks import DATA_INPUTS
from helpers.core.errors import IngestError, InputChanged
from helpers.core.files import MONTH_VERSION_ENV, expand_inputs, file_sha256, month_version_env
from helpers.core.params import RunParams
from helpers.core.paths import CACHE_DIR, MAPPINGS_DIR, resolve
from helpers.core.schemes import SchemeError, scheme_path

# settings files the notebooks read during the run, besides the exports
SETTINGS_INPUTS = ("loyalty_path",)


class InputsChanged(RuntimeError):
    """An input file changed while the month ran; the message names it."""


def input_files(params: dict) -> dict[str, list[Path]]:
    """param -> the files it means now (a folder or a glob may gain or lose files)."""
    out: dict[str, list[Path]] = {}
    for key in (*DATA_INPUTS, *SETTINGS_INPUTS):
        value = params.get(key)
        if value in (None, ""):
            continue
        try:
            out[key] = expand_inputs(value, key=key)
        except IngestError:
            out[key] = []  # an optional file that is not there (the page says so)
    scheme = params.get("scheme") or RunParams.scheme  # the notebooks' default when unset
    if scheme:
        try:
            path = scheme_path(scheme)
            out["scheme"] = [path] if path.is_file() else []
        except SchemeError:
            pass
    mapping = str(params.get("mapping") or "auto")
    if mapping != "auto":
        path = resolve(mapping) if Path(mapping).suffix in (".yaml", ".yml") \
            else MAPPINGS_DIR / f"{mapping}.yaml"
        out["mapping"] = [path] if path.is_file() else []
    return out


def _stat(path: Path) -> tuple:
    st = path.stat()
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


@dataclass
class InputVersion:
    """The identity of every input file of a month (see the module)."""

    params: dict
    index_dir: Path | None = CACHE_DIR
    files: dict[str, list[Path]] = field(default_factory=dict)
    sha256: dict[str, str] = field(default_factory=dict)
    stats: dict[str, tuple] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def take(cls, params: dict, *, index_dir: Path | None = CACHE_DIR) -> InputVersion:
        version = cls(params=params, index_dir=index_dir)
        version.files = input_files(params)
        for paths in version.files.values():
            for path in paths:
                version.stats[str(path)] = _stat(path)
                version.sha256[str(path)] = file_sha256(path, index_dir=index_dir)
        return version

    def changes(self) -> list[str]:
        """What differs from the version taken: one phrase per file."""
        with self._lock:  # notebooks start from two threads
            now = input_files(self.params)
            found = []
            for key in sorted(set(now) | set(self.files)):
                before = {str(p) for p in self.files.get(key, [])}
                after = {str(p) for p in now.get(key, [])}
                found += [f"{key}: {p} appeared" for p in sorted(after - before)]
                found += [f"{key}: {p} disappeared" for p in sorted(before - after)]
                for name in sorted(before & after):
                    path = Path(name)
                    try:
                        stat = _stat(path)
                        if stat == self.stats[name]:
                            continue
                        if file_sha256(path, index_dir=self.index_dir) == self.sha256[name]:
                            self.stats[name] = stat  # touched, not changed
                            continue
                    except OSError:
                        found.append(f"{key}: {path} disappeared")
                        continue
                    except InputChanged:
                        pass  # the month's version, set for the kernels, said it differs
                    found.append(f"{key}: {path} changed")
            return found

    def check(self, when: str) -> None:
        """InputsChanged naming every file that changed since the month started."""
        found = self.changes()
        if found:
            raise InputsChanged(
                f"an input changed while the month ran ({when}): " + "; ".join(found)
                + ". Nothing was published: a month is computed from one version of its inputs. "
                  "Run the month again once the export is complete (and not being written).")

    def manifest(self) -> dict:
        """For manifest.json: per parameter, each file with its sha256 and size."""
        return {key: [{"path": str(p), "sha256": self.sha256[str(p)],
                       "bytes": self.stats[str(p)][0]} for p in paths]
                for key, paths in sorted(self.files.items())}

    @contextlib.contextmanager
    def for_kernels(self):
        """The version set in this process's environment for the run (the kernels inherit it):
        a notebook that hashes an input to stage it stops if the file is not this version, so
        a file changed and put back while a notebook read it is caught too (core.files)."""
        before = os.environ.get(MONTH_VERSION_ENV)
        os.environ[MONTH_VERSION_ENV] = month_version_env(self.sha256)
        try:
            yield
        finally:
            if before is None:
                os.environ.pop(MONTH_VERSION_ENV, None)
            else:
                os.environ[MONTH_VERSION_ENV] = before
