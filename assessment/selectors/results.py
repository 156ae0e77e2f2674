"""Everything the results, roadmap, exports and PDF show about one assessment.

One read builds it (a fixed number of queries); the numbers come from the pure
scoring and roadmap functions, so every page and export agrees with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from assessment import models
from assessment.domain import model as domain
from assessment.domain.roadmap import Roadmap, RoadmapItem, roadmap_for
from assessment.domain.scoring import AssessmentScore, score_assessment, targets_for
from assessment.presentation import PHASE_TITLES
from assessment.selectors.assessments import answers_domain, area_targets
from assessment.selectors.questionnaires import questionnaire_domain


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
        return f"item {self.planned.position}, in {PHASE_TITLES[self.planned.phase]}"


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
        return [need for need in self.needs if need.planned is None or need.planned.position > self.item.position]

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

    @cached_property
    def targets(self) -> dict[str, int]:
        return targets_for(self.questionnaire, self.area_targets)

    @cached_property
    def score(self) -> AssessmentScore:
        return score_assessment(self.questionnaire, self.answers, self.area_targets)

    @cached_property
    def roadmap(self) -> Roadmap:
        return roadmap_for(self.questionnaire, self.answers, self.area_targets)

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
        return {(item.question_key, level): item for item in self.roadmap for level in item.steps}

    @cached_property
    def questions_by_key(self) -> dict[str, tuple[domain.Area, domain.Question]]:
        return {question.id: (area, question) for area, question in self.questionnaire.questions()}

    @cached_property
    def practices_by_key(self) -> dict[str, domain.Practice]:
        return {p.id: p for p in self.questionnaire.practices}


def assessment_results(assessment: models.Assessment) -> AssessmentResults:
    return AssessmentResults(
        assessment=assessment,
        questionnaire=questionnaire_domain(assessment.questionnaire),
        answers=answers_domain(assessment),
        area_targets=area_targets(assessment),
    )
