"""Concurrent writes on PostgreSQL: no answer lost, nothing saved after a submit.

POSTGRESQL ONLY. SQLite serialises every write on one file lock, so these races
cannot happen there and the threads would only wait on "database is locked".
The tests are skipped unless the default database is PostgreSQL; `.ci/run`
runs the whole suite a second time with DATABASE_URL pointing at PostgreSQL,
so they do run in CI. To run them locally:

    DATABASE_URL=postgres://user:pass@127.0.0.1:5432/db .venv/bin/pytest tests/test_concurrency.py

Real threads, each with its own database connection (Django opens one per
thread), closed when the thread ends; `transactional_db` so that every thread
sees the committed rows.
"""

import random
import threading
import time

import pytest
import yaml
from django.db import connection, connections

from assessment import models
from assessment.domain.schema import parse_questionnaire
from assessment.services.assessments import AnswerInput, AssessmentLocked, answers_save, assessment_submit
from assessment.services.questionnaires import questionnaire_load

pytestmark = [
    pytest.mark.postgres,
    # The ONLY vendor switch of the suite: row locks and parallel writers need PostgreSQL.
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL); SQLite serialises writes"
    ),
]

THREADS = 20


def many_questions_questionnaire(questions: int = 24) -> models.QuestionnaireVersion:
    """A questionnaire of `questions` questions over four areas, built and loaded like a real file."""
    scale = [{"level": n, "name": f"Level {n}"} for n in range(1, 6)]
    areas = []
    for a in range(4):
        areas.append(
            {
                "id": f"area-{a}",
                "title": f"Area {a}",
                "questions": [
                    {
                        "id": f"q-{a}-{i}",
                        "text": f"Question {i} of area {a}?",
                        "not_applicable": True,
                        "choices": [{"level": n, "text": f"Answer at level {n}"} for n in range(1, 6)],
                    }
                    for i in range(questions // 4)
                ],
            }
        )
    data = {
        "format": 1,
        "slug": "concurrency",
        "version": "1",
        "title": "Concurrency check",
        "scale": scale,
        "areas": areas,
    }
    parsed = parse_questionnaire(yaml.safe_dump(data, sort_keys=False), "concurrency.yaml")
    return questionnaire_load(parsed, loaded_from="concurrency.yaml").version


@pytest.fixture
def busy_assessment(transactional_db, team, member):
    version = many_questions_questionnaire()
    assessment = models.Assessment.objects.create(team=team, questionnaire=version, title="Busy", created_by=member)
    questions = list(models.Question.objects.filter(area__questionnaire=version).order_by("pk"))
    assert len(questions) >= THREADS
    return assessment, questions


def run_together(count: int, work) -> list[BaseException]:
    """Start `count` threads that call work(i) at the same moment; return what they raised."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def target(i):
        try:
            barrier.wait(timeout=30)
            work(i)
        except BaseException as exc:  # collected and asserted on by the test
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return errors


def test_it_loses_no_answer_when_twenty_people_save_at_once(busy_assessment, member):
    assessment, questions = busy_assessment

    def save(i):
        answers_save(
            assessment=models.Assessment.objects.get(pk=assessment.pk),
            user=member,
            answers=[AnswerInput(questions[i].key, models.Answer.CHOICE, level=i % 5 + 1, note=f"thread {i}")],
        )

    errors = run_together(THREADS, save)
    assert errors == []
    saved = {a.question_id: a for a in models.Answer.objects.filter(assessment=assessment).select_related("choice")}
    assert len(saved) == THREADS
    for i in range(THREADS):
        answer = saved[questions[i].pk]
        assert (answer.choice.level, answer.note) == (i % 5 + 1, f"thread {i}")
    assert models.Answer.history.filter(assessment_id=assessment.pk).count() == THREADS


def test_it_keeps_one_answer_when_everyone_answers_the_same_question(busy_assessment, member):
    """Without the row lock, two first answers to one question collide on the unique constraint."""
    assessment, questions = busy_assessment
    question = questions[0]

    def save(i):
        answers_save(
            assessment=models.Assessment.objects.get(pk=assessment.pk),
            user=member,
            answers=[AnswerInput(question.key, models.Answer.CHOICE, level=i % 5 + 1)],
        )

    errors = run_together(THREADS, save)
    assert errors == []
    answers = list(models.Answer.objects.filter(assessment=assessment))
    assert len(answers) == 1
    last_change = (
        models.Answer.history.filter(assessment_id=assessment.pk).order_by("-history_date", "-history_id").first()
    )
    assert last_change.choice_id == answers[0].choice_id  # the stored answer is the last one saved


def test_it_saves_one_of_two_changes_made_at_once_from_the_same_page_and_refuses_the_other(busy_assessment, member):
    """Two people saw the same answer and save another one at the same moment: the check that it is
    still the answer they saw runs under the assessment's lock, so one is saved and the other refused
    with the answer now stored, never the last write silently replacing the first."""
    from assessment.domain import model as domain
    from assessment.services.assessments import AnswersChangedMeanwhile

    assessment, questions = busy_assessment
    rounds = 10  # first answers on even rounds, changes of a stored answer on odd ones
    for r in range(1, rounds, 2):
        answers_save(
            assessment=assessment, user=member, answers=[AnswerInput(questions[r].key, models.Answer.NOT_SURE)]
        )
    for r in range(rounds):
        question = questions[r]
        shown = domain.answer_token(domain.Answer(models.Answer.NOT_SURE) if r % 2 else None)
        outcomes: dict[int, object] = {}

        def save(i, question=question, shown=shown, outcomes=outcomes):
            try:
                answers_save(
                    assessment=models.Assessment.objects.get(pk=assessment.pk),
                    user=member,
                    answers=[AnswerInput(question.key, models.Answer.CHOICE, level=i + 1, note=f"person {i}")],
                    shown={question.key: shown},
                )
                outcomes[i] = "saved"
            except AnswersChangedMeanwhile as refused:
                outcomes[i] = refused.current

        assert run_together(2, save) == []
        saved = [i for i, outcome in outcomes.items() if outcome == "saved"]
        assert len(saved) == 1, f"round {r}: {outcomes}"
        winner, loser = saved[0], 1 - saved[0]
        assert outcomes[loser] == {
            question.key: domain.Answer(models.Answer.CHOICE, winner + 1, note=f"person {winner}")
        }
        stored = models.Answer.objects.select_related("choice").get(assessment=assessment, question=question)
        assert (stored.choice.level, stored.note) == (winner + 1, f"person {winner}")
        assert models.Answer.history.filter(assessment_id=assessment.pk, question=question).count() == 1 + r % 2


def test_it_saves_nothing_after_a_submit_that_races_with_saves(busy_assessment, member):
    assessment, questions = busy_assessment
    savers = THREADS - 1
    outcomes: dict[int, list[tuple[str, int]]] = {i: [] for i in range(savers)}

    def work(i):
        if i == savers:  # the last thread submits while the others keep saving
            time.sleep(random.uniform(0.01, 0.05))
            assessment_submit(assessment=models.Assessment.objects.get(pk=assessment.pk), user=member)
            return
        for round_ in range(30):
            level = (i + round_) % 5 + 1
            try:
                answers_save(
                    assessment=models.Assessment.objects.get(pk=assessment.pk),
                    user=member,
                    answers=[AnswerInput(questions[i].key, models.Answer.CHOICE, level=level)],
                )
                outcomes[i].append(("saved", level))
            except AssessmentLocked:
                outcomes[i].append(("locked", level))

    errors = run_together(THREADS, work)
    assert errors == []
    assessment.refresh_from_db()
    assert assessment.status == models.Assessment.SUBMITTED
    submitted_at = assessment.submitted_at

    answers = {a.question_id: a for a in models.Answer.objects.filter(assessment=assessment).select_related("choice")}
    assert all(a.answered_at <= submitted_at for a in answers.values())
    assert not models.Answer.history.filter(assessment_id=assessment.pk, history_date__gt=submitted_at).exists()
    refused = 0
    for i, results in outcomes.items():
        kinds = [kind for kind, _ in results]
        # Once refused, every later save of that thread is refused too: the lock holds.
        if "locked" in kinds:
            assert "saved" not in kinds[kinds.index("locked") :], f"thread {i} saved after being refused"
            refused += 1
        saved = [level for kind, level in results if kind == "saved"]
        if saved:
            assert answers[questions[i].pk].choice.level == saved[-1], f"thread {i}: the last accepted save is kept"
        else:
            assert questions[i].pk not in answers
    assert refused > 0, "the submit did not land while saves were running; the race was not exercised"


def test_it_submits_once_when_two_people_submit_at_once(busy_assessment, member, viewer):
    assessment, _questions = busy_assessment
    results = []

    def submit(i):
        try:
            assessment_submit(assessment=models.Assessment.objects.get(pk=assessment.pk), user=member)
            results.append("submitted")
        except AssessmentLocked:
            results.append("locked")

    errors = run_together(5, submit)
    assert errors == []
    assert sorted(results) == ["locked"] * 4 + ["submitted"]


# --- Several respondents (services/respondents.py) ------------------------------------------------


def test_it_loses_no_respondent_answer_when_respondents_save_at_once(busy_assessment, member):
    """Twenty respondents each save every question at the same moment: every answer of each is kept."""
    from assessment.services.respondents import panel_open, respondent_answers_save
    from tests.helpers import make_user

    assessment, questions = busy_assessment
    people = [make_user(f"respondent-{i}") for i in range(THREADS)]
    models.Membership.objects.bulk_create(
        [models.Membership(team=assessment.team, user=p, role=models.Membership.VIEWER) for p in people]
    )
    panel_open(assessment=assessment, lead=member, users=people)
    respondents = {r.user_id: r for r in models.Respondent.objects.filter(assessment=assessment)}

    def save(i):
        for round_ in range(3):  # first answers, then changes of the same rows
            respondent_answers_save(
                respondent=respondents[people[i].pk],
                user=people[i],
                answers=[
                    AnswerInput(q.key, models.Answer.CHOICE, level=(i + round_) % 5 + 1, note=f"{i}/{round_}")
                    for q in questions[:6]
                ],
            )

    errors = run_together(THREADS, save)
    assert errors == []
    rows = models.RespondentAnswer.objects.filter(respondent__assessment=assessment).select_related("choice")
    assert rows.count() == THREADS * 6
    for row in rows:
        i = people.index(next(p for p in people if p.pk == row.respondent.user_id))
        assert (row.choice.level, row.note) == ((i + 2) % 5 + 1, f"{i}/2")
    assert models.RespondentAnswer.history.filter(respondent__assessment=assessment).count() == THREADS * 6 * 3
