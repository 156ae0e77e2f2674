"""The radio_options filter writes the same radios as Django's own iteration over a RadioSelect field."""

import re
from html.parser import HTMLParser

import pytest

from assessment.forms.assessments import AreaAnswersForm
from assessment.selectors.questionnaires import questionnaire_domain
from assessment.templatetags.assessment_tags import radio_options

pytestmark = pytest.mark.django_db


class Radios(HTMLParser):
    """(name, value, id, checked, label) of every radio in some HTML."""

    def __init__(self):
        super().__init__()
        self.radios, self._label_for, self._label = [], None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "radio":
            self.radios.append([attrs["name"], attrs["value"], attrs["id"], "checked" in attrs, None])
        elif tag == "label":
            self._label_for, self._label = attrs["for"], []

    def handle_data(self, data):
        if self._label_for is not None:
            self._label.append(data)

    def handle_endtag(self, tag):
        if tag == "label":
            radio = next(r for r in self.radios if r[2] == self._label_for)
            radio[4] = re.sub(r"\s+", " ", "".join(self._label)).strip()
            self._label_for = None


def django_radios(field):
    """What `{% for radio in field %}` gives, as the template wrote it before."""
    html = "".join(
        f'<input type="radio" name="{r.data["name"]}" value="{r.data["value"]}" id="{r.id_for_label}"'
        f'{" checked" if r.data["selected"] else ""}><label for="{r.id_for_label}">{r.choice_label}</label>'
        for r in field
    )
    return html


def parsed(html):
    parser = Radios()
    parser.feed(str(html))
    return parser.radios


def area_form(version, data=None):
    questionnaire = questionnaire_domain(version)
    area = questionnaire.areas[0]
    return AreaAnswersForm(data, questionnaire=questionnaire, area=area, answers={}), area


def test_it_matches_django_for_an_empty_form(questionnaire_version):
    form, area = area_form(questionnaire_version)
    for question in area.questions:
        field = form[f"answer_{question.id}"]
        ours = parsed(radio_options(field))
        assert ours == parsed(django_radios(field))
        assert [r[1] for r in ours if r[3]] == [""]  # "No answer yet" is checked
        assert len(ours) >= 3


def test_it_matches_django_for_posted_answers_and_escapes_labels(questionnaire_version):
    form, area = area_form(questionnaire_version)
    first, second = area.questions[0], area.questions[-1]
    data = {f"answer_{first.id}": f"level-{first.choices[1].level}", f"answer_{second.id}": "not_sure"}
    form, _ = area_form(questionnaire_version, data)
    assert form.is_valid(), form.errors
    for question, expected in ((first, f"level-{first.choices[1].level}"), (second, "not_sure")):
        field = form[f"answer_{question.id}"]
        ours = parsed(radio_options(field))
        assert ours == parsed(django_radios(field))
        assert [r[1] for r in ours if r[3]] == [expected]
    html = str(radio_options(form[f"answer_{first.id}"]))
    assert '<span class="choice-level">' in html  # the level name is markup the form made safe
    assert 'class="form-check choice choice-other"' in str(radio_options(form[f"answer_{second.id}"]))


def test_it_escapes_plain_labels_and_values(questionnaire_version):
    form, area = area_form(questionnaire_version)
    field = form[f"answer_{area.questions[0].id}"]
    field.field.choices = [('"><script>', "<b>not bold</b>")]
    html = str(radio_options(field))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html and 'value="&quot;&gt;&lt;script&gt;"' in html
