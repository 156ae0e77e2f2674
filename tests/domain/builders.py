"""Small questionnaires for the domain tests, built in a line or two.

Defaults follow the format: weights 1, every scale level offered as a choice,
practices of medium effort, default target 4 on a 1..5 scale.
"""

from __future__ import annotations

from assessment.domain.model import (
    CHOICE,
    NOT_APPLICABLE,
    NOT_SURE,
    Answer,
    Area,
    Choice,
    Need,
    PhaseBudget,
    PhaseSizes,
    Practice,
    ProfileChoice,
    ProfileQuestion,
    Question,
    Questionnaire,
    ScaleLevel,
)

SCALE_1_TO_5 = (
    ScaleLevel(1, "Initial"),
    ScaleLevel(2, "Developing"),
    ScaleLevel(3, "Defined"),
    ScaleLevel(4, "Managed"),
    ScaleLevel(5, "Optimized"),
)


def question(
    id,
    *,
    weight=1,
    practices=(),
    not_applicable=False,
    scale=SCALE_1_TO_5,
    levels=None,
    foundation=False,
    roadmap=None,
    applies_when=(),
    foundation_when=(),
    owner="team",
):
    """A question with a choice per scale level (or per level in `levels`).

    `roadmap` maps a choice level to its roadmap keys, e.g.
    {3: {"practices": ["p"], "stage": 2, "needs": [("q2", 2)]}}.
    """
    roadmap = roadmap or {}
    names = {s.level: s.name for s in scale}
    choices = tuple(
        Choice(
            level,
            f"{id} at {names.get(level, level)}",
            practices=None if "practices" not in roadmap.get(level, {}) else tuple(roadmap[level]["practices"]),
            stage=roadmap.get(level, {}).get("stage"),
            needs=tuple(Need(q, n) for q, n in roadmap.get(level, {}).get("needs", ())),
        )
        for level in (levels or [s.level for s in scale])
    )
    return Question(
        id=id,
        text=f"Question {id}?",
        choices=choices,
        weight=weight,
        not_applicable=not_applicable,
        practices=tuple(practices),
        foundation=foundation,
        applies_when=tuple(applies_when),
        foundation_when=tuple(foundation_when),
        owner=owner,
    )


def area(id, *questions, weight=1, applies_when=()):
    return Area(id=id, title=f"Area {id}", questions=tuple(questions), weight=weight, applies_when=tuple(applies_when))


def profile_question(id, **tags_by_choice):
    """A profile question whose choices are the keywords, each giving its list of tags: yes=["genai"], no=[]."""
    choices = tuple(ProfileChoice(key, f"{id}: {key}", tuple(tags)) for key, tags in tags_by_choice.items())
    return ProfileQuestion(id=id, text=f"Profile {id}?", choices=choices)


def practice(id, *, effort="medium", requires=()):
    return Practice(
        id=id,
        title=f"Practice {id}",
        summary=f"Do {id}.",
        url=f"https://example.org/{id}",
        effort=effort,
        requires=tuple(requires),
    )


def questionnaire(
    *areas, practices=(), default_target=4, scale=SCALE_1_TO_5, phase_sizes=None, profile=(), phase_budget=None
):
    return Questionnaire(
        phase_sizes=phase_sizes or PhaseSizes(),
        profile=tuple(profile),
        phase_budget=phase_budget or PhaseBudget(),
        format=2 if profile or phase_budget else 1,
        slug="test",
        version="1",
        title="Test questionnaire",
        scale=tuple(scale),
        areas=tuple(areas),
        default_target=default_target,
        practices=tuple(practices),
    )


def chose(level):
    return Answer(CHOICE, level)


NOT_APPLICABLE_ANSWER = Answer(NOT_APPLICABLE)
NOT_SURE_ANSWER = Answer(NOT_SURE)
