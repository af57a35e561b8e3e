"""Lock files that never hang: who holds a lock is written in it, and a holder that cannot be
running any more is reported and taken over.

A lock file holds one line: `<pid> <host> <started> <identity>`, where `started` is when the
lock was taken (ISO time with its offset) and `identity` tells this process from a later one
given the same id: `<start ticks>@<boot id>` from /proc on Linux (field 22 of /proc/<pid>/stat,
the process's start time since boot, and the kernel's boot id), `-` where there is no /proc
(macOS): there, only "is a process with this id running" is asked, as before.

A lock is stale, reported (echo) and taken over, when
- its holder ran on this host and is gone, or its id now belongs to another process (a
  different start time, or the host has rebooted since: a new boot id);
- its holder ran on another host (a container, a scheduler's worker) and the lock is older than
  `stale_after_hours`: nobody here can ask that host whether the process still runs.
A lock held on another host and younger than that stops at once (LockHeld) naming the lock and
how to remove it. A live holder on this host is waited for up to `wait_seconds`, with a message
every `say_every` seconds saying who holds it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time
from datetime import datetime
from pathlib import Path

STALE_AFTER_HOURS = 6.0
SAY_EVERY = 60.0


# a file the monthly runner reads and repeats on its console: a kernel's stderr is not shown
STATUS_FILE_ENV = "WORKBOOK_STATUS_FILE"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
    status = os.environ.get(STATUS_FILE_ENV)
    if status:
        with contextlib.suppress(OSError), open(status, "a", encoding="utf-8") as out:
            # the writer's process id first: the runner says the line under that kernel's notebook
            out.write(f"{os.getpid()}\t" + message.replace("\n", " ") + "\n")


class LockHeld(RuntimeError):
    """The lock is held by a live process: `holder` is [pid, host, started, identity] as
    written (older locks have three fields)."""

    def __init__(self, path: Path, holder: list[str], message: str | None = None):
        pid, host, started = (list(holder) + ["?", "?", "?"])[:3]
        super().__init__(message or (
            f"{path} is held by process {pid} on {host} since {started}. If no such process "
            f"runs, delete {path}"))
        self.path, self.holder, self.specific = path, holder, message


def process_alive(pid: int) -> bool:
    """Whether process `pid` runs on this machine (one we may not signal counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OverflowError:
        return False
    return True


def _boot_id() -> str | None:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()[:8]
    except OSError:
        return None


def process_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux /proc/<pid>/stat field 22), or
    None where there is no /proc or the process is gone."""
    try:
        data = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # the command name (field 2) is in parentheses and may hold spaces or parentheses itself
    fields = data.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None  # fields from field 3 on: 22 - 3 = 19


def process_started_at(pid: int) -> float | None:
    """When process `pid` started (seconds since the epoch), from /proc; None elsewhere."""
    ticks = process_start(pid)
    try:
        boot = next(float(line.split()[1]) for line in
                    Path("/proc/stat").read_text(encoding="ascii").splitlines()
                    if line.startswith("btime "))
        return boot + int(ticks) / os.sysconf("SC_CLK_TCK") if ticks else None
    except (OSError, StopIteration, ValueError):
        return None


def _taken_at(started: str | None) -> float | None:
    try:
        return datetime.fromisoformat(str(started)).timestamp()
    except (TypeError, ValueError):
        return None


def process_identity(pid: int) -> str:
    """`<start ticks>@<boot id>`, or `-` where the system does not tell (macOS)."""
    start, boot = process_start(pid), _boot_id()
    return f"{start}@{boot}" if start and boot else "-"


def lock_line() -> str:
    """What this process writes into a lock it takes."""
    started = datetime.now().astimezone().isoformat(timespec="seconds")
    return f"{os.getpid()} {socket.gethostname()} {started} {process_identity(os.getpid())}"


def _age_hours(path: Path, started: str | None) -> float:
    """How long ago the lock was taken: its own time, or the file's when that is unreadable."""
    try:
        when = datetime.fromisoformat(str(started))
        now = datetime.now(when.tzinfo) if when.tzinfo else datetime.now()
        return (now - when).total_seconds() / 3600
    except (TypeError, ValueError):
        try:
            return (time.time() - path.stat().st_mtime) / 3600
        except OSError:
            return 0.0


def why_stale(path: Path, holder: list[str], *, stale_after_hours: float = STALE_AFTER_HOURS
              ) -> str | None:
    """Why the lock's holder cannot be running any more (a few words), or None when it may be.
    A lock held on another host and younger than stale_after_hours raises LockHeld at once."""
    pid = int(holder[0]) if holder and holder[0].isdigit() else None
    if pid is None:
        return "it names no process"
    host = holder[1] if len(holder) > 1 else socket.gethostname()
    started = holder[2] if len(holder) > 2 else None
    identity = holder[3] if len(holder) > 3 else "-"
    if host != socket.gethostname():
        age = _age_hours(path, started)
        if age > stale_after_hours:
            return (f"it was taken on host {host} {age:.1f} hours ago, longer than any run "
                    f"({stale_after_hours:g} hours)")
        raise LockHeld(path, holder, (
            f"{path} is held by process {pid} on another host, {host}, since {started} "
            f"({age:.1f} hours ago): this machine cannot tell whether it still runs. Wait for "
            f"it to finish; if no such process runs on {host}, delete {path} (a lock from "
            f"another host is taken over by itself after {stale_after_hours:g} hours)."))
    if not process_alive(pid):
        return f"process {pid} is gone"
    if identity != "-" and "@" in identity:
        then_start, then_boot = identity.split("@", 1)
        now_boot = _boot_id()
        if now_boot and then_boot != now_boot:
            return f"the machine has restarted since process {pid} took it"
        now_start = process_start(pid)
        if now_start and now_start != then_start:
            return f"process id {pid} now belongs to another, newer process"
        return None
    # a lock without the identity (written by an older version, or on a system without /proc):
    # a process that started after the lock was taken cannot be the one that took it
    began, taken = process_started_at(pid), _taken_at(started)
    if began is not None and taken is not None and began > taken + 5:
        return f"process id {pid} now belongs to a process started after the lock was taken"
    return None


@contextlib.contextmanager
def pid_lock(path: Path, *, wait_seconds: float = 60.0, on_stale=None, echo=None,
             stale_after_hours: float = STALE_AFTER_HOURS, say_every: float = SAY_EVERY):
    """A lock file holding this process's id, host, time and identity (see the module).

    A live holder on this host is waited for up to wait_seconds (then LockHeld), and `echo` is
    told every `say_every` seconds who holds it; a stale lock is taken over and reported:
    on_stale(pid) when given, else echo(a sentence saying why). echo defaults to stderr, so no
    wait is ever silent."""
    path = Path(path)
    say = echo or _stderr
    path.parent.mkdir(parents=True, exist_ok=True)
    me = lock_line()
    begun = time.monotonic()
    deadline = begun + wait_seconds
    next_word = begun + say_every
    while not _create_whole(path, me):
        try:
            holder = path.read_text(encoding="utf-8", errors="replace").split()
        except FileNotFoundError:  # released between the two steps
            continue
        why = why_stale(path, holder, stale_after_hours=stale_after_hours)
        if why is not None:
            if _take_over(path, holder):
                pid = int(holder[0]) if holder and holder[0].isdigit() else None
                if on_stale is not None:
                    on_stale(pid)
                else:
                    say(f"A lock left by a run that stopped was taken over ({why}): {path}")
            continue
        now = time.monotonic()
        if now >= deadline:
            raise LockHeld(path, holder) from None
        if now >= next_word:
            pid, host, started = (holder + ["?", "?", "?"])[:3]
            say(f"Waiting for {path}: held by process {pid} on {host} since {started} "
                f"({(now - begun) / 60:.0f} min so far, at most {wait_seconds / 60:.0f} min). "
                f"If no such process runs, delete {path}.")
            next_word = now + say_every
        time.sleep(0.2)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def _private_name(path: Path, suffix: str) -> Path:
    return path.with_name(f"{path.name}.{os.getpid()}-{os.urandom(4).hex()}.{suffix}")


def _create_whole(path: Path, content: str) -> bool:
    """Create the lock file with its content in one step (a hard link of a finished file), so
    another process never reads it empty and takes a live lock for a stale one."""
    tmp = _private_name(path, "new")
    tmp.write_text(content, encoding="utf-8")
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)


def _take_over(path: Path, stale: list[str]) -> bool:
    """Remove a stale lock, but only the one judged stale: it is moved aside first, and a lock
    another waiter took in the meantime is put back."""
    aside = _private_name(path, "stale")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return False
    try:
        if aside.read_text(encoding="utf-8", errors="replace").split() != stale:
            with contextlib.suppress(FileExistsError):
                os.link(aside, path)
            return False
        return True
    finally:
        aside.unlink(missing_ok=True)
