"""Everything the results, roadmap, exports and PDF show about one assessment.

One read builds it (a fixed number of queries); the numbers come from the pure
scoring and roadmap functions, so every page and export agrees with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from assessment import models
from assessment.domain import model as domain
from assessment.domain.profile import scope_reasons, team_tags
from assessment.domain.roadmap import AGENCY, Roadmap, RoadmapItem, phase_points, roadmap_for
from assessment.domain.scoring import AssessmentScore, score_assessment, targets_for
from assessment.presentation import PHASE_TITLES
from assessment.selectors.assessments import answers_domain, area_targets, profile_answers
from assessment.selectors.questionnaires import questionnaire_domain

AGENCY_OWNER = "your agency's Chief AI Officer or CIO"


def question_numbers(questionnaire: domain.Questionnaire) -> dict[str, str]:
    """ "area.question" numbers, from 1, as the results and the PDF's appendix show them."""
    numbers = {}
    for a, area in enumerate(questionnaire.areas, start=1):
        for q, question in enumerate(area.questions, start=1):
            numbers[question.id] = f"{a}.{q}"
    return numbers


@dataclass(frozen=True)
class NeedLine:
    """A need of an item that the answers do not meet yet, and the item of the roadmap that meets it."""

    question: domain.Question
    number: str
    level: int
    level_name: str
    planned: RoadmapItem | None = None  # the item whose steps reach the level; None: not on the roadmap

    @property
    def where(self) -> str:
        """Where the roadmap meets the need, as the page and the PDF say it: "item 48, in Later"."""
        if self.planned is None:
            return "not on this roadmap (above its area's target)"
        if self.planned.phase == AGENCY:
            return f"agency step {self.planned.position}, owned by {AGENCY_OWNER}"
        return f"item {self.planned.position}, in {PHASE_TITLES[self.planned.phase]}"

    @property
    def agency(self) -> bool:
        """The needed capability is the agency's ("needs the agency's AI inventory at level 3")."""
        return self.question.owner == domain.OWNER_AGENCY


@dataclass(frozen=True)
class RoadmapEntry:
    """One roadmap item with everything a page, the PDF or an export shows of it."""

    item: RoadmapItem
    number: str  # the question's number, "2.3"
    area: domain.Area
    question: domain.Question
    from_name: str
    to_name: str
    done: str  # the text of the choice at the item's `to` level: its definition of done
    practices: list[domain.Practice]
    builds_on: dict[str, list[domain.Practice]]  # practice id -> what it requires ("builds on")
    needs: list[NeedLine]  # every unmet need (the CSV export lists them all)

    @property
    def needs_first(self) -> list[NeedLine]:
        """The needs the pages and the PDF show as "Needs first": those no earlier item meets.

        Items group a question's steps at the place of its earliest step, so a
        need of a later step can be met by an item further down; one that an
        earlier item meets is already done by the time this item is reached.
        """
        agency = self.item.phase == AGENCY  # agency items are numbered apart: a need across the two is shown

        def met_above(planned: RoadmapItem | None) -> bool:
            return (
                planned is not None and (planned.phase == AGENCY) == agency and planned.position <= self.item.position
            )

        return [need for need in self.needs if not met_above(need.planned)]

    @property
    def practice_lines(self) -> list[tuple[domain.Practice, list[domain.Practice]]]:
        """Each practice with the practices it builds on (its `requires`)."""
        return [(practice, self.builds_on.get(practice.id, [])) for practice in self.practices]

    @property
    def phase_title(self) -> str:
        return PHASE_TITLES[self.item.phase]


@dataclass
class AssessmentResults:
    assessment: models.Assessment
    questionnaire: domain.Questionnaire
    answers: dict[str, domain.Answer]
    area_targets: dict[str, int] = field(default_factory=dict)
    profile: dict[str, str | None] = field(default_factory=dict)  # format 2: profile question id -> choice id

    @cached_property
    def targets(self) -> dict[str, int]:
        return targets_for(self.questionnaire, self.area_targets)

    @cached_property
    def score(self) -> AssessmentScore:
        return score_assessment(self.questionnaire, self.answers, self.area_targets, profile=self.profile)

    @cached_property
    def roadmap(self) -> Roadmap:
        return roadmap_for(self.questionnaire, self.answers, self.area_targets, profile=self.profile)

    @cached_property
    def tags(self) -> frozenset[str]:
        """The team's tags, assumed ones included (they decide scope and duties)."""
        return team_tags(self.questionnaire, self.profile)

    @cached_property
    def profile_rows(self) -> list[tuple[domain.ProfileQuestion, domain.ProfileChoice | None]]:
        """Each profile question with the team's choice (None: not stated)."""
        return [(q, q.choice_of(self.profile.get(q.id))) for q in self.questionnaire.profile]

    @cached_property
    def out_of_scope_by_area(self) -> list[tuple[domain.Area, list[tuple[str, domain.Question, str]]]]:
        """Per area, its questions out of scope: (number, question, "Not in scope: ..." in words)."""
        out = set(self.score.out_of_scope)
        groups = []
        for area in self.questionnaire.areas:
            rows = [
                (self.question_numbers[q.id], q, self._not_in_scope_because(area, q))
                for q in area.questions
                if q.id in out
            ]
            if rows:
                groups.append((area, rows))
        return groups

    def out_of_scope_reason(self, question_key: str) -> str:
        """ "Not in scope: ..." for a question out of scope, in words (the results page's)."""
        area, question = self.questions_by_key[question_key]
        return self._not_in_scope_because(area, question)

    def _not_in_scope_because(self, area: domain.Area, question: domain.Question) -> str:
        reasons = scope_reasons(self.questionnaire, area, question, self.profile)
        said = "; ".join(f"“{q.text}” answered “{choice.text}”" for q, choice in reasons)
        return f"Not in scope: {said}." if said else "Not in scope for your team's profile."

    @cached_property
    def agency_entries(self) -> list[RoadmapEntry]:
        """The agency-wide steps (format 2), numbered from 1: not in the team's phases."""
        return [self.roadmap_entry(item) for item in self.roadmap.agency_items]

    def points_in(self, phase: str) -> int:
        """The effort points of the steps of a phase (what phase_budget counts)."""
        return phase_points(self.questionnaire, self.roadmap, phase)

    @cached_property
    def question_numbers(self) -> dict[str, str]:
        return question_numbers(self.questionnaire)

    @cached_property
    def roadmap_entries(self) -> list[RoadmapEntry]:
        return [self.roadmap_entry(item) for item in self.roadmap]

    def roadmap_entry(self, item: RoadmapItem) -> RoadmapEntry:
        questionnaire, practices = self.questionnaire, self.practices_by_key
        area, question = self.questions_by_key[item.question_key]
        item_practices = [practices[key] for key in item.practices if key in practices]
        needs = []
        for need in item.needs:
            _, needed = self.questions_by_key[need.question_key]
            needs.append(
                NeedLine(
                    needed,
                    self.question_numbers[need.question_key],
                    need.level,
                    questionnaire.level_name(need.level),
                    self.item_reaching.get((need.question_key, need.level)),
                )
            )
        return RoadmapEntry(
            item=item,
            number=self.question_numbers[question.id],
            area=area,
            question=question,
            from_name=questionnaire.level_name(item.from_level),
            to_name=questionnaire.level_name(item.to_level),
            done=question.choice_of_level(item.to_level).text,
            practices=item_practices,
            builds_on={
                p.id: [practices[key] for key in p.requires if key in practices] for p in item_practices if p.requires
            },
            needs=needs,
        )

    def entries_in(self, phase: str) -> list[RoadmapEntry]:
        return [entry for entry in self.roadmap_entries if entry.item.phase == phase]

    @cached_property
    def item_reaching(self) -> dict[tuple[str, int], RoadmapItem]:
        """(question key, level) -> the roadmap item with the step that reaches that level."""
        items = (*self.roadmap.items, *self.roadmap.agency_items)
        return {(item.question_key, level): item for item in items for level in item.steps}

    @cached_property
    def questions_by_key(self) -> dict[str, tuple[domain.Area, domain.Question]]:
        return {question.id: (area, question) for area, question in self.questionnaire.questions()}

    @cached_property
    def practices_by_key(self) -> dict[str, domain.Practice]:
        return {p.id: p for p in self.questionnaire.practices}


def assessment_results(assessment: models.Assessment) -> AssessmentResults:
    questionnaire = questionnaire_domain(assessment.questionnaire)
    return AssessmentResults(
        assessment=assessment,
        questionnaire=questionnaire,
        answers=answers_domain(assessment),
        area_targets=area_targets(assessment),
        # Format 1 has no profile: no query, so its pages keep their counts.
        profile=profile_answers(assessment) if questionnaire.format == 2 else {},
    )
