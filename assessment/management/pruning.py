"""What the prune_* commands that list their deletions share: the age they are given, and their report."""

from django.core.management.base import CommandError


def age_checked(value: int, *, option: str, limit: int) -> int:
    """`value` of `option` when 0 to `limit`; else a clear error (a larger age would date the cutoff before year 1)."""
    if not 0 <= value <= limit:
        raise CommandError(f"{option} must be 0 or more (at most {limit}, a century); got {value}.", returncode=1)
    return value


def pruned_report(stdout, removed: list[str], *, dry_run: bool, noun: str) -> None:
    """A line per thing deleted (or found, in a dry run), then the count of `noun`s ("unused file")."""
    for name in removed:
        stdout.write(("Would delete " if dry_run else "Deleted ") + name)
    stdout.write(f"{len(removed)} {noun}{'' if len(removed) == 1 else 's'}{' found' if dry_run else ' deleted'}.")
