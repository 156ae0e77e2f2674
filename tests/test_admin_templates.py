"""The project's admin templates: the tabular inline copy stays Django's plus its edits; every column header is named."""

import re
from pathlib import Path

import django.contrib.admin
import pytest
from django.urls import reverse

from assessment import models
from assessment.services.versions import version_new_draft
from tests.helpers import REPO

pytestmark = pytest.mark.django_db

OURS = REPO / "templates" / "admin" / "edit_inline" / "tabular.html"
DJANGOS = Path(django.contrib.admin.__file__).parent / "templates" / "admin" / "edit_inline" / "tabular.html"
# Our edits, as (Django's line, ours); undoing them must give Django's file back.
EDITS = [
    (
        '<th class="original"></th>',
        '<th class="original"><span class="visually-hidden">{{ inline_admin_formset.opts.verbose_name|capfirst }}</span></th>',
    ),
    (
        (
            "<th>{% if inline_admin_formset.formset.can_delete and inline_admin_formset.has_delete_permission %}"
            '{% translate "Delete?" %}{% endif %}</th>'
        ),
        (
            "{% if inline_admin_formset.formset.can_delete and inline_admin_formset.has_delete_permission %}"
            '<th>{% translate "Delete?" %}</th>{% elif inline_admin_formset.has_add_permission %}'
            '<th><span class="visually-hidden">{% translate "Remove" %}</span></th>{% endif %}'
        ),
    ),
    (
        (
            '<td class="delete">{% if inline_admin_formset.formset.can_delete and inline_admin_formset.has_delete_permission'
            " and inline_admin_form.original %}{{ inline_admin_form.deletion_field.field }}{% endif %}</td>"
        ),
        (
            "{% if inline_admin_formset.formset.can_delete and inline_admin_formset.has_delete_permission or "
            'inline_admin_formset.has_add_permission %}<td class="delete">{% if inline_admin_formset.formset.can_delete and '
            "inline_admin_formset.has_delete_permission and inline_admin_form.original %}"
            "{{ inline_admin_form.deletion_field.field }}{% endif %}</td>{% endif %}"
        ),
    ),
]


def test_the_tabular_inline_is_djangos_with_only_our_edits():
    ours = OURS.read_text()
    ours = ours[ours.index("{% endcomment %}\n") + len("{% endcomment %}\n") :]
    for djangos_line, our_line in EDITS:
        assert ours.count(our_line) == 1, f"edit missing from {OURS}: {our_line}"
        ours = ours.replace(our_line, djangos_line)
    assert ours == DJANGOS.read_text(), (
        f"Django's {DJANGOS} changed: copy it to {OURS} again and redo the edits listed in this test."
    )


def test_it_names_every_column_of_the_inline_tables(client, editor, questionnaire_version):
    draft = version_new_draft(questionnaire_version)
    question = models.Question.objects.filter(area__questionnaire=draft).first()
    client.force_login(editor)
    pages = {
        reverse("admin:assessment_questionnaireversion_change", args=[draft.pk]): "Area",
        reverse("admin:assessment_questionnaireversion_change", args=[questionnaire_version.pk]): "Area",
        reverse("admin:assessment_question_change", args=[question.pk]): "Choice",
    }
    for url, item in pages.items():
        html = client.get(url).content.decode()
        headers = re.findall(r"<th\b[^>]*>(.*?)</th>", html, flags=re.DOTALL)
        assert headers, url
        empty = [h for h in headers if not re.sub(r"<[^>]+>", "", h).strip()]
        assert not empty, f"{url}: {len(empty)} empty column header(s)"
        assert f'<th class="original"><span class="visually-hidden">{item}</span></th>' in html, url


def test_it_labels_each_inline_select_with_its_own_row(client, editor, questionnaire_version):
    """A select wrapped with the admin's add/change icons gets its row's label too (not the previous row's)."""
    draft = version_new_draft(questionnaire_version)
    question = max(models.Question.objects.filter(area__questionnaire=draft), key=lambda q: q.practice_links.count())
    assert question.practice_links.count() >= 2, "the test questionnaire needs a question with two practice links"
    client.force_login(editor)
    html = client.get(reverse("admin:assessment_question_change", args=[question.pk])).content.decode()
    selects = re.findall(r'<select name="practice_links-(\d+)-practice"[^>]*>', html)
    assert len(selects) >= 2
    for tag in re.findall(r'<select name="practice_links-\d+-practice"[^>]*>', html):
        row = int(re.search(r"practice_links-(\d+)-practice", tag).group(1)) + 1
        assert f'aria-label="Practice (practice that closes a gap here, row {row})"' in tag, tag
