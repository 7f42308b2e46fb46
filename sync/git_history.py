"""The git edge: what lint asks a git checkout (files changed against a ref, when a file was first
committed). Only this module runs ``git``; lint's rules receive the answers as injected functions.

Every question costs one ``git`` call at most: the first-commit dates of the whole checkout are read
once (``git log --diff-filter=A``) and cached, so linting a thousand documents does not run git a
thousand times.
"""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
from collections.abc import Sequence
from pathlib import Path

from sync.errors import UsageError

log = logging.getLogger(__name__)

# Tried in order when ``lint --changed`` is not given ``--base``: CI clones have ``origin/main``,
# a fresh local repository may only have ``main`` or ``master``.
DEFAULT_BASES: tuple[str, ...] = ("origin/main", "origin/master", "main", "master")


class GitCheckout:
    """A git working tree, queried through the ``git`` command."""

    def __init__(self, root: Path, git: str = "git") -> None:
        self.root = root
        self.git = git
        self._first_commits: dict[Path, dt.datetime] | None = None

    @classmethod
    def find(cls, start: Path, git: str = "git") -> GitCheckout | None:
        """The checkout containing ``start``, or ``None`` outside one (or without git installed)."""
        try:
            out = subprocess.run(
                [git, "rev-parse", "--show-toplevel"],
                cwd=start if start.is_dir() else start.parent,
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError:
            return None
        if out.returncode != 0 or not out.stdout.strip():
            return None
        return cls(Path(out.stdout.strip()).resolve(), git)

    def _run(self, *args: str) -> str:
        try:
            out = subprocess.run(
                [self.git, "-c", "core.quotepath=off", *args],
                cwd=self.root,
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError as exc:  # pragma: no cover - git vanished after find()
            raise UsageError(f"cannot run git: {exc.strerror}") from None
        if out.returncode != 0:
            raise UsageError(f"git {args[0]} failed: {out.stderr.strip() or out.returncode}")
        return out.stdout

    def has_ref(self, ref: str) -> bool:
        """Whether ``ref`` names a commit here."""
        try:
            self._run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        except UsageError:
            return False
        return True

    def changed_files(self, base: str) -> list[Path]:
        """Files added, copied, modified or renamed since the merge base of ``base`` and HEAD —
        committed or not — plus untracked ones: what a pull request or a pre-commit run touches."""
        merge_base = self._run("merge-base", base, "HEAD").strip()
        tracked = self._run("diff", "--name-only", "-z", "--diff-filter=ACMR", merge_base, "--")
        untracked = self._run("ls-files", "--others", "--exclude-standard", "-z")
        names = [name for name in (tracked + untracked).split("\0") if name]
        return [self.root / name for name in dict.fromkeys(names)]

    def first_commit(self, path: str) -> dt.datetime | None:
        """When ``path`` was added (its author date), or ``None`` when git does not know it."""
        if self._first_commits is None:
            self._first_commits = self._read_first_commits()
        return self._first_commits.get(Path(path).resolve())

    def _read_first_commits(self) -> dict[Path, dt.datetime]:
        # Output: "\x01<date>\0\n<path>\0<path>\0\x01<date>\0\n…", oldest commit first.
        # Only Markdown files: lint asks about nothing else, and a large monorepo's history is long.
        out = self._run(
            "log", "--reverse", "--diff-filter=A", "--format=%x01%aI", "--name-only", "-z", "--", "*.md", "*.MD"
        )
        found: dict[Path, dt.datetime] = {}
        for chunk in out.split("\x01")[1:]:
            stamp, _, names = chunk.partition("\0")
            when = dt.datetime.fromisoformat(stamp.strip())
            for name in names.strip("\n").split("\0"):
                name = name.strip("\n")
                if name:
                    found.setdefault((self.root / name).resolve(), when)
        log.debug("git: first commits of %s files in %s", len(found), self.root)
        return found


def pick_base(checkout: GitCheckout, given: str | None, candidates: Sequence[str] = DEFAULT_BASES) -> tuple[str, str]:
    """The ref to compare against and a note for the user when it is not the one they might expect.

    A ``--base`` that git does not know is a usage error; without ``--base`` the first known of
    ``candidates`` is used, else ``HEAD`` (only uncommitted and untracked changes)."""
    if given is not None:
        if not checkout.has_ref(given):
            raise UsageError(
                f"--base {given}: git does not know this ref",
                hint=f"fetch it first (git fetch origin {given.removeprefix('origin/')}) or pass another --base",
            )
        return given, ""
    for candidate in candidates:
        if checkout.has_ref(candidate):
            note = "" if candidate == candidates[0] else f"{candidates[0]} is unknown; comparing against {candidate}"
            return candidate, note
    return "HEAD", f"none of {', '.join(candidates)} is known; linting uncommitted and untracked changes only"
