"""The one way the workbook reads a YAML file (params, schemes, mappings, loyalty tiers).

yaml.safe_load already refuses to build Python objects, but it stops with a raw
ConstructorError traceback on `!!python/object`, and it expands aliases without a budget:
anchors nested nine deep (the "billion laughs") hang the run or take gigabytes. These files are
small, flat settings written by hand, and none that ships uses an anchor or a tag, so:

- a file larger than MAX_BYTES is refused before it is read;
- an explicit tag (`!!python/object`, `!!binary`, `!custom`, even `!!str`) is refused;
- an alias (`*name`) is refused: nothing is ever expanded, whatever the nesting;
- a syntax error is one sentence with the file, line and column.

Each refusal is raised as the error class the caller expects (ParamError for params files,
MappingError for mappings, SchemeError for schemes ...), naming the file.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from helpers.core.errors import ParamError

MAX_BYTES = 1_000_000


class _Refused(Exception):
    def __init__(self, message: str, mark):
        super().__init__(message)
        self.mark = mark


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases and explicit tags while the document is composed (before
    anything is constructed or expanded)."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(f"an alias (*{event.anchor}) repeats another part of the file; "
                           f"write the values out instead (aliases are not read, so a file "
                           f"cannot expand to gigabytes)", event.start_mark)
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise _Refused(f"the tag {shown} is not allowed; write plain values (text, numbers, "
                           f"lists, mappings)", event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        """A key given twice (`lang: vi` then `lang: en`) is refused: YAML would keep the last
        one without a word."""
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                if key in seen:
                    raise _Refused(f"the key {key!r} is given twice; keep one",
                                   key_node.start_mark)
                seen.add(key)
            except TypeError:  # an unhashable key: SafeLoader says so below
                break
        return super().construct_mapping(node, deep=deep)


def _where(path: Path, mark) -> str:
    if mark is None:
        return str(path)
    return f"{path}, line {mark.line + 1}, column {mark.column + 1}"


def read_yaml_text(text: str, where: str | Path, *, error: type[Exception] = ParamError):
    """A YAML document given as text (already read), checked as read_yaml checks a file."""
    path = Path(str(where))
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise error(f"{path}: larger than {MAX_BYTES // 1_000_000} MB; a settings file is a few "
                    f"kilobytes (is this the right file?)")
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - _StrictLoader is a SafeLoader
    except _Refused as exc:
        raise error(f"{_where(path, exc.mark)}: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or exc.context or "not valid YAML"
        raise error(f"{_where(path, exc.problem_mark)}: not valid YAML ({problem})") from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML ({exc})") from None
    except RecursionError:
        raise error(f"{path}: nested too deeply to be a settings file") from None


def read_yaml(path: str | Path, *, error: type[Exception] = ParamError):
    """The document in a YAML settings file: refused, with a plain message naming the file and
    raised as `error`, when it is too large, uses a tag or an alias, is not valid YAML or not
    UTF-8 text."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise error(f"{path}: {size:,} bytes, larger than {MAX_BYTES // 1_000_000} MB; a "
                        f"settings file is a few kilobytes (is this the right file?)")
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise error(f"{path}: file not found") from None
    except IsADirectoryError:
        raise error(f"{path}: a folder, not a YAML file") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    return read_yaml_text(text, path, error=error)
