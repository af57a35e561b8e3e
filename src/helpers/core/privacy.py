"""Files that hold contacts are private: 0600 in 0700 folders by default (`file_mode`).

Contact lists, exports, the quarantine, the staging cache, failed notebooks and the staging
folder all hold names, phones and e-mails. Rather than a chmod after every write (a writer
forgotten is a leak), the process umask is set from `file_mode` where a run starts: the monthly
runner (its notebooks' kernels inherit it), a notebook's opening (notebook.start) and the
library's command lines. Every file the workbook then creates gets `file_mode` and every folder
the matching folder mode (0600 -> 0700, 0640 -> 0750, 0660 -> 0770). Folders that existed
before (a reports/ made by an older version) are chmod-ed by private_folders().

file_mode: an octal string such as "0600" (the default) or "0640" for a team that shares a
group; the owner must read and write, and other users never get any access.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from helpers.core.errors import ParamError
from helpers.core.paths import PROJECT_ROOT

DEFAULT_FILE_MODE = "0600"


def file_mode_bits(value, name: str = "file_mode") -> int:
    """The mode bits of a file_mode parameter; ParamError with what is allowed otherwise."""
    text = str(value if value not in (None, "") else DEFAULT_FILE_MODE).strip()
    hint = (f"{name} = {value!r}: give an octal mode such as \"0600\" (only you) or \"0640\" "
            f"(your group may read); the owner must read and write, other users get nothing")
    if isinstance(value, bool) or not text.isdigit() or not 3 <= len(text) <= 4 \
            or any(ch not in "01234567" for ch in text):
        raise ParamError(hint)
    bits = int(text, 8)
    if bits & ~0o777 or bits & 0o600 != 0o600 or bits & 0o007 or bits & 0o111:
        raise ParamError(hint)
    return bits


def folder_mode(file_bits: int) -> int:
    """The folder mode that goes with a file mode: whoever may read a file may enter the
    folder (0600 -> 0700, 0640 -> 0750, 0660 -> 0770)."""
    bits = file_bits
    for read, execute in ((0o400, 0o100), (0o040, 0o010), (0o004, 0o001)):
        if file_bits & read:
            bits |= execute
    return bits


def umask_for(file_bits: int) -> int:
    return 0o777 & ~folder_mode(file_bits)


def use_file_mode(value) -> int:
    """Set this process's umask from file_mode (for good: a kernel or a command line); returns
    the previous umask."""
    return os.umask(umask_for(file_mode_bits(value)))


@contextlib.contextmanager
def file_mode_umask(value):
    """The umask from file_mode while the block runs (the runner: the kernels it starts inherit
    it), the previous one afterwards."""
    previous = use_file_mode(value)
    try:
        yield
    finally:
        os.umask(previous)


def private_folders(*folders: Path, file_mode=DEFAULT_FILE_MODE) -> None:
    """The project's own folders made before (or by an older version) closed to other users:
    chmod to the folder mode of file_mode. Only folders inside the project: a reports_dir given
    elsewhere (a team's share, /tmp, /srv) is not the workbook's to change, and the month folders
    made inside it get the folder mode anyway (the umask). A folder owned by someone else, or
    marked shared (sticky or setgid bit), is left as it is."""
    mode = folder_mode(file_mode_bits(file_mode))
    root = PROJECT_ROOT.resolve()
    for folder in folders:
        folder = Path(folder)
        with contextlib.suppress(OSError):
            if not folder.is_dir() or folder.is_symlink():
                continue
            resolved = folder.resolve()
            if resolved == root or root not in resolved.parents:
                continue
            info = folder.stat()
            if info.st_uid == os.getuid() and not info.st_mode & (stat.S_ISVTX | stat.S_ISGID):
                folder.chmod(mode)
