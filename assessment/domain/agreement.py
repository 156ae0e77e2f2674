"""Where several respondents agree and where they do not: spread, flags, the suggested team answer.

Pure functions over plain data (no database). The responses given here are
the submitted ones only (selectors/respondents.py). The spread of a question is
its highest level answered minus its lowest; Not sure, Not applicable and no
answer carry no level and are left out of it, and a question with fewer than
two levels has no spread (one answer cannot disagree with itself). A question
is flagged for discussion when its spread is 2 or more, or when some
respondents answered Not sure and others gave an answer. An area's agreement is
the share of its questions with a spread of 1 or less, among the questions with
a spread.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessment.domain import model as domain

DISPUTED_SPREAD = 2  # a spread of this or more is flagged, and gets a note on the team answer


@dataclass(frozen=True)
class Response:
    """One respondent's answer to a question (None: not answered)."""

    respondent: str
    answer: domain.Answer | None


@dataclass(frozen=True)
class QuestionAgreement:
    area: domain.Area
    question: domain.Question
    number: str  # "area.question", from 1
    responses: tuple[Response, ...]

    @property
    def levels(self) -> list[int]:
        return [
            r.answer.level
            for r in self.responses
            if r.answer is not None and r.answer.kind == domain.CHOICE and r.answer.level is not None
        ]

    @property
    def spread(self) -> int | None:
        """Highest level minus lowest; None when fewer than two respondents gave a level."""
        levels = self.levels
        return max(levels) - min(levels) if len(levels) > 1 else None

    @property
    def mixed_not_sure(self) -> bool:
        """Some answered Not sure and others answered something else."""
        kinds = [r.answer.kind for r in self.responses if r.answer is not None]
        return domain.NOT_SURE in kinds and any(kind != domain.NOT_SURE for kind in kinds)

    @property
    def disputed(self) -> bool:
        return (self.spread or 0) >= DISPUTED_SPREAD

    @property
    def flagged(self) -> bool:
        return self.disputed or self.mixed_not_sure

    @property
    def suggested_level(self) -> int | None:
        """The median level rounded down, and down again to a level the question offers (1 and 3 of 1, 3, 5: 1)."""
        median = median_rounded_down(self.levels)
        if median is None:
            return None
        offered = [c.level for c in self.question.choices if c.level <= median]
        return max(offered) if offered else median


def median_rounded_down(levels: list[int]) -> int | None:
    """The median level; with an even count, the mean of the middle two rounded down."""
    if not levels:
        return None
    ordered = sorted(levels)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) // 2


def question_agreements(
    questionnaire: domain.Questionnaire,
    responses: dict[str, dict[str, domain.Answer]],
    out_of_scope: frozenset[str] = frozenset(),
) -> list[QuestionAgreement]:
    """Every question in scope with each respondent's answer, in questionnaire order.

    `responses` maps a respondent's name to their answers keyed by question id. A question
    out of the team's scope (format 2) is not asked, so it is left out, whatever answers to it
    are stored (given before a profile change); its number still counts (numbers count every question).
    """
    rows = []
    for a, area in enumerate(questionnaire.areas, start=1):
        for q, question in enumerate(area.questions, start=1):
            if question.id in out_of_scope:
                continue
            rows.append(
                QuestionAgreement(
                    area=area,
                    question=question,
                    number=f"{a}.{q}",
                    responses=tuple(Response(name, answers.get(question.id)) for name, answers in responses.items()),
                )
            )
    return rows


def by_spread(rows: list[QuestionAgreement]) -> list[QuestionAgreement]:
    """Widest spread first, then flagged ones, then questionnaire order; no spread (under two levels) last."""
    order = {id(row): i for i, row in enumerate(rows)}
    return sorted(rows, key=lambda r: (r.spread is None, -(r.spread or 0), not r.flagged, order[id(r)]))


@dataclass(frozen=True)
class AreaAgreement:
    area: domain.Area
    agreed: int  # questions with a spread of 1 or less
    counted: int  # questions with a spread: at least two respondents gave a level

    @property
    def share(self) -> float | None:
        return self.agreed / self.counted if self.counted else None


def agreement_by_area(questionnaire: domain.Questionnaire, rows: list[QuestionAgreement]) -> list[AreaAgreement]:
    """Each area with a question in `rows` (in scope), in questionnaire order."""
    result = []
    listed = {row.area.id for row in rows}
    for area in questionnaire.areas:
        if area.id not in listed and area.questions:
            continue  # format 2: nothing in scope, nothing asked
        spreads = [r.spread for r in rows if r.area.id == area.id and r.spread is not None]
        result.append(AreaAgreement(area, sum(1 for s in spreads if s < DISPUTED_SPREAD), len(spreads)))
    return result
