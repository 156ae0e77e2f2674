"""Database models, one module per feature, all re-exported here.

The questionnaire tables mirror the YAML format (docs/questionnaire-format.md);
the YAML `id` of an area, question or practice is stored as `key`, since `id`
is the database's own primary key. Import models from `assessment.models`.
"""

from assessment.models.api import ApiToken
from assessment.models.assessments import Answer, AnswerValue, AreaTarget, Assessment, ProfileAnswer
from assessment.models.base import domain_fields, key_validator, tags_of, tags_text
from assessment.models.crosswalks import CrosswalkEvaluation, CrosswalkRevision, FrameworkSummary
from assessment.models.evidence import Evidence
from assessment.models.plan import Action
from assessment.models.questionnaires import (
    Area,
    Choice,
    ChoiceNeed,
    ChoicePractice,
    Practice,
    PracticeReference,
    PracticeRequirement,
    ProfileChoice,
    ProfileQuestion,
    Question,
    QuestionnaireVersion,
    QuestionPractice,
    ScaleLevel,
)
from assessment.models.reports import StoredReport
from assessment.models.respondents import (
    COPIED_FROM,
    LEAD_DECISION,
    PanelLeadChange,
    Respondent,
    RespondentAnswer,
    RespondentPanel,
    TeamAnswerDecision,
)
from assessment.models.sign_in import ProviderGroupMapping, ProviderIdentity
from assessment.models.summaries import (
    AreaSummary,
    AssessmentSummary,
    SummaryAgencyAnswer,
    SummaryPractice,
    SummaryStep,
    SummaryTag,
)
from assessment.models.tallies import DivisionTally, DivisionTallyBasis
from assessment.models.teams import (
    SOURCE_CHOICES,
    SOURCE_MANUAL,
    SOURCE_PROVIDER,
    Agency,
    Division,
    Executive,
    Membership,
    Team,
)

__all__ = [
    "COPIED_FROM",
    "LEAD_DECISION",
    "SOURCE_CHOICES",
    "SOURCE_MANUAL",
    "SOURCE_PROVIDER",
    "Action",
    "Agency",
    "Answer",
    "AnswerValue",
    "ApiToken",
    "Area",
    "AreaSummary",
    "AreaTarget",
    "Assessment",
    "AssessmentSummary",
    "Choice",
    "ChoiceNeed",
    "ChoicePractice",
    "CrosswalkEvaluation",
    "CrosswalkRevision",
    "Division",
    "DivisionTally",
    "DivisionTallyBasis",
    "Evidence",
    "Executive",
    "FrameworkSummary",
    "Membership",
    "PanelLeadChange",
    "Practice",
    "PracticeReference",
    "PracticeRequirement",
    "ProfileAnswer",
    "ProfileChoice",
    "ProfileQuestion",
    "ProviderGroupMapping",
    "ProviderIdentity",
    "Question",
    "QuestionPractice",
    "QuestionnaireVersion",
    "Respondent",
    "RespondentAnswer",
    "RespondentPanel",
    "ScaleLevel",
    "StoredReport",
    "SummaryAgencyAnswer",
    "SummaryPractice",
    "SummaryStep",
    "SummaryTag",
    "Team",
    "TeamAnswerDecision",
    "domain_fields",
    "key_validator",
    "tags_of",
    "tags_text",
]
