"""The one rule of which answers are valid (domain.answer_problem), as the form, the service and the import use it."""

import pytest

from assessment.domain import model as domain

LEVELS = [1, 2, 4]


@pytest.mark.parametrize(
    ("kind", "level", "not_applicable", "problem"),
    [
        (domain.CHOICE, 2, False, None),
        (domain.CHOICE, 3, False, "level 3 is not a choice of this question (choices: [1, 2, 4])"),
        (domain.CHOICE, None, False, "level None is not a choice"),
        (domain.CHOICE, True, False, "level True is not a choice"),  # a bool is not a level, though True == 1
        (domain.NOT_SURE, None, False, None),
        (domain.NOT_SURE, 2, False, "an answer 'not_sure' has no level, got 2"),
        (domain.NOT_APPLICABLE, None, True, None),
        (domain.NOT_APPLICABLE, None, False, '"Not applicable" is not offered for this question'),
        ("maybe", None, True, "answer 'maybe' is not one of choice, not_sure, not_applicable"),
        (domain.UNANSWERED, None, True, "answer 'unanswered' is not one of"),
    ],
)
def test_it_says_why_an_answer_does_not_fit(kind, level, not_applicable, problem):
    found = domain.answer_problem(kind, level, levels=LEVELS, not_applicable=not_applicable)
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem)


def test_the_kinds_offered_follow_the_questions_not_applicable_flag():
    assert domain.answer_kinds(not_applicable=True) == (domain.CHOICE, domain.NOT_SURE, domain.NOT_APPLICABLE)
    assert domain.answer_kinds(not_applicable=False) == (domain.CHOICE, domain.NOT_SURE)
