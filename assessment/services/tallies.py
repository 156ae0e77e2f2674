"""Writes of division tallies (read by selectors/tallies.py): counted again whenever a team's latest summary changes.

Called by services/summaries.py in the transaction that stores summaries (a
submit, a content change, `manage.py recompute_summaries`), and when a team
moves to another division. Idempotent: a division's rows are replaced by
freshly counted ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict

from django.db import transaction
from django.db.models import Q

from assessment import models
from assessment.selectors.tallies import in_divisions, tallies_count


@transaction.atomic
def tallies_store(divisions: Iterable[tuple[int, int | None]]) -> int:
    """Count and store again the tallies of these (agency id, division id or None) pairs. Returns the rows written."""
    by_agency: dict[int, set[int | None]] = defaultdict(set)
    for agency_id, division_id in divisions:
        by_agency[agency_id].add(division_id)
    written = 0
    for agency_id in sorted(by_agency):
        # One writer per agency at a time: a submit in the same division waits for this
        # transaction, then counts with its rows (PostgreSQL reads them once it has the lock).
        list(models.Agency.objects.select_for_update().filter(pk=agency_id).values_list("pk"))
        division_ids = sorted(by_agency[agency_id], key=lambda d: (d is None, d or 0))
        tallies, bases = tallies_count(agency_id, division_ids)
        where = Q(agency_id=agency_id) & in_divisions(division_ids)
        models.DivisionTally.objects.filter(where).delete()
        models.DivisionTallyBasis.objects.filter(where).delete()
        # Tally and Basis hold exactly the models' fields (selectors/tallies.py).
        models.DivisionTally.objects.bulk_create(
            (models.DivisionTally(agency_id=agency_id, **asdict(t)) for t in tallies), batch_size=2000
        )
        models.DivisionTallyBasis.objects.bulk_create(
            models.DivisionTallyBasis(agency_id=agency_id, division_id=division_id, **asdict(basis))
            for division_id, basis in bases.items()
        )
        written += len(tallies)
    return written


def tallies_store_for_teams(team_ids: Iterable[int]) -> int:
    """The tallies of these teams' divisions, counted again (after their latest summaries changed)."""
    team_ids = list(team_ids)
    divisions: set[tuple[int, int | None]] = set()
    for start in range(0, len(team_ids), 500):
        teams = models.Team.objects.filter(pk__in=team_ids[start : start + 500])
        divisions.update(teams.values_list("agency_id", "division_id"))
    return tallies_store(divisions) if divisions else 0


def tallies_store_all() -> int:
    """Every division's tallies, counted again: after recompute_summaries, or to fill the tables."""
    teams = models.Team.objects.values_list("agency_id", "division_id").distinct().order_by()
    return tallies_store(set(teams))
