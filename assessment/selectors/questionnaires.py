"""Reads of questionnaire content, rebuilt as the pure domain dataclasses."""

from __future__ import annotations

import threading

from django.core.cache import cache
from django.db.models import Model, Prefetch

from assessment import models
from assessment.domain import model as domain

_cache: dict[tuple[int, object], domain.Questionnaire] = {}
_cache_lock = threading.Lock()
SHARED_CACHE_SECONDS = 7 * 24 * 3600


def questionnaire_domain(version: models.QuestionnaireVersion) -> domain.Questionnaire:
    """The content of a questionnaire version as plain data.

    Built with a fixed number of queries, then kept in memory for as long as the
    version's `updated_at` is unchanged (every edit goes through a save that
    bumps it), so pages do not pay for it on each request. It is also kept in
    the shared cache (the database's, see settings.CACHES), so a worker that
    just started reads it in one query instead of building it again.
    """
    cache_key = (version.pk, version.updated_at)
    with _cache_lock:
        cached = _cache.get(cache_key)
    if cached is not None:
        return cached
    shared_key = f"questionnaire-domain:{version.pk}:{version.updated_at.isoformat()}"
    built = cache.get(shared_key)
    if not isinstance(built, domain.Questionnaire):
        built = _build(version)
        cache.set(shared_key, built, SHARED_CACHE_SECONDS)
    with _cache_lock:
        for key in [k for k in _cache if k[0] == version.pk]:
            del _cache[key]
        _cache[cache_key] = built
    return built


def _build(version: models.QuestionnaireVersion) -> domain.Questionnaire:
    scale = tuple(
        domain.ScaleLevel(**models.domain_fields(s, models.ScaleLevel.DOMAIN_FIELDS))
        for s in models.ScaleLevel.objects.filter(questionnaire=version).order_by("level")
    )
    practices = (
        models.Practice.objects.filter(questionnaire=version)
        .order_by("position", "id")
        .prefetch_related(
            _in_file_order("references", models.PracticeReference),
            _in_file_order("requirement_links", models.PracticeRequirement, "required"),
        )
    )
    practice_list = tuple(
        domain.Practice(
            id=p.key,
            **models.domain_fields(p, models.Practice.DOMAIN_FIELDS),
            references=tuple(domain.Reference(title=r.title, url=r.url) for r in p.references.all()),
            requires=tuple(link.required.key for link in p.requirement_links.all()),
        )
        for p in practices
    )
    choices = models.Choice.objects.order_by("level").prefetch_related(
        _in_file_order("practice_links", models.ChoicePractice, "practice"),
        _in_file_order("needs", models.ChoiceNeed, "question"),
    )
    questions = models.Question.objects.order_by("position", "id").prefetch_related(
        Prefetch("choices", queryset=choices),
        _in_file_order("practice_links", models.QuestionPractice, "practice"),
    )
    areas = (
        models.Area.objects.filter(questionnaire=version)
        .order_by("position", "id")
        .prefetch_related(Prefetch("questions", queryset=questions))
    )
    area_list = tuple(
        domain.Area(
            id=a.key,
            **models.domain_fields(a, models.Area.DOMAIN_FIELDS),
            applies_when=models.tags_of(a.applies_when),
            questions=tuple(
                domain.Question(
                    id=q.key,
                    **models.domain_fields(q, models.Question.DOMAIN_FIELDS),
                    applies_when=models.tags_of(q.applies_when),
                    foundation_when=models.tags_of(q.foundation_when),
                    choices=tuple(_choice(c) for c in q.choices.all()),
                    practices=tuple(link.practice.key for link in q.practice_links.all()),
                )
                for q in a.questions.all()
            ),
        )
        for a in areas
    )
    source = None
    if version.source_title:
        source = domain.Source(title=version.source_title, publisher=version.source_publisher, url=version.source_url)
    return domain.Questionnaire(
        **models.domain_fields(version, models.QuestionnaireVersion.DOMAIN_FIELDS),
        source=source,
        scale=scale,
        practices=practice_list,
        areas=area_list,
        # A phase with a budget stores no size; the domain keeps the default there.
        phase_sizes=domain.PhaseSizes(
            now=version.phase_now or domain.DEFAULT_NOW, next=version.phase_next or domain.DEFAULT_NEXT
        ),
        phase_budget=domain.PhaseBudget(now=version.budget_now, next=version.budget_next),
        profile=_profile(version),
    )


def _profile(version: models.QuestionnaireVersion) -> tuple[domain.ProfileQuestion, ...]:
    if version.format == 1:  # no profile: and no queries, so format 1 pages keep their counts
        return ()
    questions = (
        models.ProfileQuestion.objects.filter(questionnaire=version)
        .order_by("position", "id")
        .prefetch_related(_in_file_order("choices", models.ProfileChoice))
    )
    return tuple(
        domain.ProfileQuestion(
            id=q.key,
            **models.domain_fields(q, models.ProfileQuestion.DOMAIN_FIELDS),
            choices=tuple(
                domain.ProfileChoice(id=c.key, text=c.text, tags=models.tags_of(c.tags)) for c in q.choices.all()
            ),
        )
        for q in questions
    )


def _in_file_order(lookup: str, model: type[Model], *related: str) -> Prefetch:
    """Prefetch the rows `lookup` names (of `model`, with `related` joined) in the file's order."""
    rows = model._default_manager.order_by("position", "id")
    # select_related() with no names would join every foreign key.
    return Prefetch(lookup, queryset=rows.select_related(*related) if related else rows)


def _choice(choice: models.Choice) -> domain.Choice:
    practice_keys = tuple(link.practice.key for link in choice.practice_links.all())
    return domain.Choice(
        **models.domain_fields(choice, models.Choice.DOMAIN_FIELDS),
        # Practices listed on the choice replace the question's, as do none when marked "own".
        practices=practice_keys if practice_keys or choice.own_practices else None,
        needs=tuple(domain.Need(question_key=need.question.key, level=need.level) for need in choice.needs.all()),
    )


def default_questionnaire_versions():
    """The version new assessments use for each slug: the latest published one."""
    published = models.QuestionnaireVersion.objects.filter(status=models.QuestionnaireVersion.PUBLISHED).order_by(
        "slug", "-published_at", "-created_at"
    )
    seen, result = set(), []
    for version in published:
        if version.slug not in seen:
            seen.add(version.slug)
            result.append(version)
    return result


def published_versions() -> list[models.QuestionnaireVersion]:
    """Every published version, as a new assessment may choose them: by title, newest first."""
    return list(
        models.QuestionnaireVersion.objects.filter(status=models.QuestionnaireVersion.PUBLISHED).order_by(
            "title", "-published_at", "-created_at"
        )
    )
