"""Staging per file: each input file read (ingest.readers) and parsed (stg_order_lines_parsed)
once, kept by its own content, so a folder of monthly exports with one new month reads and
parses that month alone; the checks that span files (ingest.staging) then run over the parsed
rows of every file.

    <cache_dir>/files/raw-<key>.parquet   the file as read: its columns, source_file, source_line
    <cache_dir>/files/raw-<key>.json      what reading it told (headers, rows, rows that could
                                          not be split, notes, a CSV's line accounting)
    <cache_dir>/files/parsed-<key>.parquet  its order lines parsed, under the decisions taken
                                          from every file (date order, decimal marks, ...)

A file's key is its sha256, its label among the files of the export (its name, or its path below
their common folder: the name its rows carry), the encoding, and the version of the reading code;
a parsed file's key adds every setting and decision its parse depends on. A decision that a new
file changes (a date order it decides) is another key: every file is parsed again, never mixed.
Without the cache (use_cache: false) the same files are written in the work folder and dropped.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from dataclasses import asdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from helpers.core.files import file_label
from helpers.engine import db
from helpers.ingest.cache import cache_key
from helpers.ingest.detect import evidence_row
from helpers.ingest.raw_views import raw_view
from helpers.ingest.readers import RawFile, convert_jobs

# entries no staging has used for this long are removed (a month's files are used every month)
UNUSED_DAYS = 120


@functools.lru_cache(maxsize=1)
def _reading_version() -> str:
    """The text of the reading code: a changed rule for reading a file is a new key by itself."""
    folder = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("readers.py", "lines.py", "file_checks.py", "typed.py"):
        path = folder / name
        if path.exists():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


class FileStore:
    """Where each file's reading and parsing is kept (`folder`), and what this load did."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.counts = {"files": 0, "files_read": 0, "files_parsed": 0}
        # (device, inode) -> sha256 of the parts this load published (ingest.file_parts): the
        # staged cache records them without reading them again
        self.shas: dict[tuple[int, int], str] = {}

    # ------------------------------------------------------------ reading

    def raw_key(self, sha: str, label: str, encoding: str) -> str:
        return cache_key({"file": sha, "label": label, "enc": encoding,
                          "reader": _reading_version()})

    def read_all(self, files: list[Path], shas: list[str], *, encoding: str,
                 prefix: str = "raw") -> list[RawFile]:
        """Every file as read by ingest.readers, in the files' order: from the store, or read
        now (only the files not seen before, side by side as convert_all does)."""
        labels = [file_label(f, files) for f in files]
        keys = [self.raw_key(sha, label, encoding) for sha, label in zip(shas, labels)]
        raws: list[RawFile | None] = [self._stored(prefix, key, f) for f, key in zip(files, keys)]
        todo = [i for i, raw in enumerate(raws) if raw is None]
        if todo:
            stamp = f"{os.getpid()}-{time.monotonic_ns()}"
            jobs = [(files[i], labels[i], self.folder / f".{prefix}-{keys[i]}.{stamp}.parquet")
                    for i in todo]
            for i, raw in zip(todo, convert_jobs(jobs, encoding=encoding)):
                raws[i] = self._keep(prefix, keys[i], raw)
        for raw, sha, key in zip(raws, shas, keys):
            raw.sha256, raw.key = sha, key
        self.counts["files"] += len(files)
        self.counts["files_read"] += len(todo)
        return raws

    def _paths(self, prefix: str, key: str) -> tuple[Path, Path]:
        return self.folder / f"{prefix}-{key}.parquet", self.folder / f"{prefix}-{key}.json"

    def _stored(self, prefix: str, key: str, path: Path) -> RawFile | None:
        target, told = self._paths(prefix, key)
        try:
            said = json.loads(told.read_text(encoding="utf-8"))
            if pq.ParquetFile(target).metadata.num_rows != said["rows"]:
                return None
        except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
            return None
        _touch(target, told)
        said["bad_rows"] = [tuple(r) for r in said["bad_rows"]]
        return RawFile(**(said | {"path": path, "parquet": target}))

    def _keep(self, prefix: str, key: str, raw: RawFile) -> RawFile:
        target, told = self._paths(prefix, key)
        os.replace(raw.parquet, target)
        said = {k: v for k, v in asdict(raw).items() if k not in ("path", "parquet", "key")}
        tmp = told.with_name(f".{told.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(said, ensure_ascii=False, default=str), encoding="utf-8")
        os.replace(tmp, told)
        raw.parquet = target
        return raw

    # ------------------------------------------------------------ parsing

    def parsed(self, raws: list[RawFile], keys: list[str], parse) -> list[tuple[Path, list]]:
        """Each file's parsed rows, from the store when its key was parsed before; the files not
        parsed before are parsed together, in one pass (parse(raws, target) writes them), into
        one batch file, and each file's key points to it. Returns (batch file, the labels read
        from it) pairs."""
        batches: dict[Path, list[str]] = {}
        todo = []
        for raw, key in zip(raws, keys):
            index = self.folder / f"parsed-{key}.json"
            try:
                batch = self.folder / json.loads(index.read_text(encoding="utf-8"))["batch"]
                if not _readable(batch):
                    raise ValueError
                _touch(index, batch)
                batches.setdefault(batch, []).append(raw.label)
            except (OSError, ValueError, KeyError, TypeError):
                todo.append((raw, key))
        if todo:
            name = cache_key({"keys": sorted(k for _, k in todo)})
            batch = self.folder / f"parsed-batch-{name}.parquet"
            tmp = batch.with_name(f".{batch.name}.{os.getpid()}.tmp")
            parse([raw for raw, _ in todo], tmp)
            os.replace(tmp, batch)
            for _, key in todo:
                _write_json(self.folder / f"parsed-{key}.json", {"batch": batch.name})
            batches.setdefault(batch, []).extend(raw.label for raw, _ in todo)
            self.counts["files_parsed"] += len(todo)
        return list(batches.items())

    def sweep(self) -> None:
        """Remove entries unused for UNUSED_DAYS, and the scratch of stagings that died."""
        now = time.time()
        for path in self.folder.iterdir():
            try:
                age = now - path.stat().st_mtime
            except OSError:
                continue
            if path.name.startswith("part-") and not path.name.endswith(".json"):
                # a file's checked part (ingest.file_parts): its files are never touched once
                # written (the staged caches link them); its json says when it was last used
                try:
                    age = now - (self.folder / (path.name.split(".")[0] + ".json")).stat().st_mtime
                except OSError:
                    pass
            if age > UNUSED_DAYS * 86400 or (path.name.startswith(".") and age > 86400):
                path.unlink(missing_ok=True)


def parsed_key(raw_key_of: str, label: str, settings: dict) -> str:
    """The key of one file's parsed rows: the file as read and everything its parse uses."""
    return cache_key({"raw": raw_key_of, "label": label, "parse": settings,
                      "macros": db.sql_text("macros")})


def _readable(path: Path) -> bool:
    try:
        pq.ParquetFile(path)
    except (OSError, pa.ArrowException):
        return False
    return True


def _touch(*paths: Path) -> None:
    for path in paths:
        try:
            os.utime(path)
        except OSError:
            pass


def parse_each(con, store: FileStore, raws: list[RawFile], picks: list[dict], mapping: dict,
               params: dict, columns: list[str], settings: dict,
               view: str = "parsed_order_lines") -> tuple[list[str], dict[str, Path]]:
    """View `view`: step 1 of the staging models (stg_order_lines_parsed) over each file on its
    own, kept in the store, with each file's export rank (ingest.overlap: a fact of all the files
    together, so never stored with a file). `settings`: what else the parse uses (the mapping,
    the run's overrides). Returns each file's parsed key, and the batch file holding each
    file's parsed lines (by label)."""
    parse_params = {k: v for k, v in params.items() if k not in ("export_files", "export_ranks")}
    keys = [parsed_key(raw.key, raw.label, {
        "params": parse_params, "settings": settings, "amount": pick["amount"],
        "columns": pick["columns"], "amount_headers": pick["amount_headers"]})
        for raw, pick in zip(raws, picks)]

    def parse(todo: list[RawFile], target: Path) -> None:
        raw_view(con, "raw_orders", todo, "orders", mapping, columns)
        db.stage_to(con, "stg_order_lines_parsed", target, **parse_params,
                    export_files=[], export_ranks=[])

    try:
        batches = store.parsed(raws, keys, parse)
    finally:
        raw_view(con, "raw_orders", raws, "orders", mapping, columns)
    con.execute("create or replace temp table file_export_ranks "
                "(source_file varchar, export_rank integer)")
    con.executemany("insert into file_export_ranks values (?, ?)",
                    list(zip(params["export_files"], params["export_ranks"])))
    # each batch's lines of the files of this export (a batch may hold a file since changed)
    parts = " union all ".join(
        f"select * from read_parquet({_literal(batch)}) "
        f"where source_file in ({', '.join(_literal(label) for label in labels)})"
        for batch, labels in batches)
    con.execute(f"""
        create or replace temp view {view} as
        select lines.* replace (ranks.export_rank as export_rank)
        from ({parts}) as lines
        left join file_export_ranks as ranks on lines.source_file = ranks.source_file
    """)
    return keys, {label: batch for batch, labels in batches for label in labels}


def _literal(text) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _write_json(path: Path, value) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


EVIDENCE_VIEWS = {"export_date_evidence": "date_texts", "export_decimal_evidence": "amount_texts"}


class FileEvidence:
    """What a column of every file tells about the export's shape (export_date_evidence,
    export_decimal_evidence), gathered file by file and kept with each file: the counts add up
    and the examples are the least and the greatest of all files, so the decision is the one
    taken from the whole column across files, without reading the files read before again."""

    def __init__(self, con, store: FileStore, raws: list[RawFile], mapping: dict,
                 columns: list[str]):
        self.con, self.store, self.raws, self.mapping = con, store, raws, mapping
        self.columns = columns
        self.settings = {k: v for k, v in mapping.items() if not k.startswith("_")}

    def of(self, column: str):
        """evidence(model) for detect.decide_date_order / decide_decimal_mark."""
        return lambda model: self.row(model, column)

    def row(self, model: str, column: str) -> tuple:
        """The evidence of the column in every file: batches of files seen together before
        whose files are all here, and the other files together, in one pass."""
        keys = [cache_key({"raw": raw.key, "label": raw.label, "mapping": self.settings,
                           "model": model, "column": column,
                           "sql": db.sql_text(model) + db.sql_text("macros")})
                for raw in self.raws]
        present = set(keys)
        rows, covered = [], set()
        for key in keys:
            if key in covered:
                continue
            try:
                batch = self.store.folder / json.loads(
                    (self.store.folder / f"evidence-{key}.json").read_text(encoding="utf-8"))[
                    "batch"]
                said = json.loads(batch.read_text(encoding="utf-8"))
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if set(said["members"]) <= present and not covered & set(said["members"]):
                rows.append(said["row"])
                covered |= set(said["members"])
                _touch(batch)
        todo = [(raw, key) for raw, key in zip(self.raws, keys) if key not in covered]
        if todo:
            raw_view(self.con, "raw_new_files", [raw for raw, _ in todo], "orders", self.mapping,
                     self.columns)
            try:
                row = list(evidence_row(self.con, None, model, EVIDENCE_VIEWS[model],
                                        f"select {column} as value from raw_new_files"))
            finally:
                self.con.execute("drop view if exists raw_new_files")
            members = sorted({key for _, key in todo})
            batch = self.store.folder / f"evidence-batch-{cache_key({'m': members})}.json"
            _write_json(batch, {"members": members, "row": row})
            for key in members:
                _write_json(self.store.folder / f"evidence-{key}.json", {"batch": batch.name})
            rows.append(row)
        return tuple(_combined(rows))


def _combined(rows: list[list]) -> list:
    """The evidence of several files as one: counts summed, [least, greatest] examples."""
    out = []
    for values in zip(*rows):
        if isinstance(values[0], list):
            firsts = [v[0] for v in values if v and v[0] is not None]
            lasts = [v[-1] for v in values if v and v[-1] is not None]
            out.append([min(firsts) if firsts else None, max(lasts) if lasts else None])
        else:
            out.append(sum(v or 0 for v in values))
    return out
