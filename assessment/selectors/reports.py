"""Everything the results, roadmap, exports and PDF show about one assessment.

One read builds it (a fixed number of queries); the numbers come from the pure
scoring and roadmap functions, so every page and export agrees with them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from assessment import models
from assessment.domain import model as domain
from assessment.domain.roadmap import RoadmapItem, roadmap_for
from assessment.domain.scoring import AssessmentScore, score_assessment, targets_for
from assessment.selectors.assessments import answers_domain, area_targets
from assessment.selectors.questionnaires import questionnaire_domain


@dataclass
class AssessmentReport:
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
    def roadmap(self) -> list[RoadmapItem]:
        return roadmap_for(self.questionnaire, self.answers, self.area_targets)

    @cached_property
    def questions_by_id(self) -> dict[str, tuple[domain.Area, domain.Question]]:
        return {question.id: (area, question) for area, question in self.questionnaire.questions()}

    @cached_property
    def practices_by_id(self) -> dict[str, domain.Practice]:
        return {p.id: p for p in self.questionnaire.practices}


def assessment_report(assessment: models.Assessment) -> AssessmentReport:
    return AssessmentReport(
        assessment=assessment,
        questionnaire=questionnaire_domain(assessment.questionnaire),
        answers=answers_domain(assessment),
        area_targets=area_targets(assessment),
    )
