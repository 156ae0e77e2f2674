"""Forms of the answering journey: starting an assessment and answering one area.

Forms only check what was posted; writes go through assessment.services.
"""
from __future__ import annotations

import hashlib

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.html import format_html

from assessment import models
from assessment.domain import model as domain
from assessment.services.assessments import AnswerInput

# Value of the radio that leaves (or makes) a question unanswered.
NO_ANSWER = ""
NOTE_MAX_LENGTH = models.Answer.NOTE_MAX_LENGTH


def default_title(now=None) -> str:
    now = now or timezone.localdate()
    return f"Assessment {now:%B %Y}"


class AssessmentNewForm(forms.Form):
    """Title, per-area targets and, when the team has one, a copy of its previous assessment.

    The questionnaire version is chosen before this form (see the view), so the
    target fields always match the chosen version's areas and scale.
    """

    title = forms.CharField(
        max_length=200,
        help_text="A name your team will recognise, for example the quarter it covers.",
        error_messages={
            "required": "Enter a title for the assessment.",
            "max_length": "Shorten the title to %(limit_value)d characters or fewer (it has %(show_value)d).",
        },
    )

    def __init__(self, *args, questionnaire: domain.Questionnaire, previous: models.Assessment | None,
                 initial_targets: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.previous = previous
        level_choices = [(str(s.level), f"{s.level} – {s.name}") for s in questionnaire.scale]
        default = questionnaire.default_target
        default_name = questionnaire.level_name(default)
        if previous is not None:
            self.fields["start_from"] = forms.ChoiceField(
                label="How do you want to start?",
                widget=forms.RadioSelect,
                choices=[
                    ("copy", f"Start from the team's previous assessment, “{previous.title}” (its answers and notes are copied; change what has moved on)"),
                    ("empty", "Start with no answers"),
                ],
                initial="copy",
                error_messages={"required": "Choose how to start the assessment."},
            )
        target_names = []
        for area in questionnaire.areas:
            name = f"target_{area.id}"
            target_names.append(name)
            self.fields[name] = forms.TypedChoiceField(
                label=area.title,
                choices=level_choices,
                coerce=int,
                required=False,
                empty_value=None,
                initial=str(initial_targets.get(area.id, default)),
                error_messages={"invalid_choice": "Choose a target level from the list."},
            )
        self.target_field_names = target_names
        self.targets_help = (
            f"The level your team aims to reach. Each defaults to {default} – {default_name}, the questionnaire's "
            "recommendation" + (", or to the target of your previous assessment" if previous is not None else "")
            + ". Leave them as they are if you are unsure."
        )

        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.render_unmentioned_fields = False
        layout = ["title"]
        if previous is not None:
            layout.append("start_from")
        layout.append(
            Fieldset(
                "Target level for each area (optional)",
                # Rendered as a template: only a reference here, so content is escaped, never parsed.
                HTML('<p class="form-text mt-0" id="targets-help">{{ form.targets_help }}</p>'),
                *target_names,
                css_class="targets",
            )
        )
        self.helper.layout = Layout(*layout)
        self.helper.add_input(Submit("start", "Start the assessment"))

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Enter a title for the assessment.")
        return title

    def targets(self) -> dict[str, int]:
        """Targets that differ from the questionnaire's default; the others follow the default."""
        default = self.questionnaire.default_target
        chosen = {area.id: self.cleaned_data.get(f"target_{area.id}") for area in self.questionnaire.areas}
        return {key: target for key, target in chosen.items() if target is not None and target != default}

    def copy_from(self) -> models.Assessment | None:
        if self.previous is not None and self.cleaned_data.get("start_from") == "copy":
            return self.previous
        return None


def answer_value(answer: domain.Answer | None) -> str:
    """The radio value that stands for a stored answer."""
    if answer is None:
        return NO_ANSWER
    if answer.kind == domain.CHOICE:
        return f"level-{answer.level}"
    return answer.kind


class AreaAnswersForm(forms.Form):
    """The answers to one area's questions: a radio group and a note per question.

    Field names are `answer_<question id>` and `note_<question id>`; the page
    renders them through templates/partials/question_fieldset.html.
    """

    def __init__(self, *args, questionnaire: domain.Questionnaire, area: domain.Area,
                 answers: dict[str, domain.Answer], question_pks: dict[str, int], **kwargs):
        initial = {}
        for question in area.questions:
            answer = answers.get(question.id)
            initial[f"answer_{question.id}"] = answer_value(answer)
            initial[f"note_{question.id}"] = answer.note if answer else ""
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.area = area
        self.question_pks = question_pks
        for question in area.questions:
            choices: list[tuple[str, str]] = [
                (f"level-{c.level}", format_html('<span class="choice-level">{}:</span> {}', questionnaire.level_name(c.level), c.text))
                for c in question.choices
            ]
            choices.append((domain.NOT_SURE, "Not sure"))
            if question.not_applicable:
                choices.append((domain.NOT_APPLICABLE, "Not applicable"))
            choices.append((NO_ANSWER, "No answer yet"))
            self.fields[f"answer_{question.id}"] = forms.ChoiceField(
                label=question.text,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": (
                        f"“{question.text}”: that answer is not offered for this question. "
                        "Choose one of the answers listed."
                    )
                },
            )
            self.fields[f"note_{question.id}"] = forms.CharField(
                label="Note or evidence (optional)",
                help_text=f"For example a link, a document name or who to ask. Up to {NOTE_MAX_LENGTH} characters.",
                required=False,
                max_length=NOTE_MAX_LENGTH,
                strip=True,
                widget=forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX_LENGTH}),
                error_messages={
                    "max_length": (
                        f"“{question.text}”: the note is %(show_value)d characters long; "
                        f"shorten it to {NOTE_MAX_LENGTH} characters or fewer."
                    )
                },
            )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        posted_questions = {
            name.split("_", 1)[1] for name in self.data if name.startswith(("answer_", "note_"))
        }
        unknown = sorted(posted_questions - {q.id for q in self.area.questions})
        if unknown:
            raise forms.ValidationError(
                "The form contained answers to questions that are not on this page ("
                + ", ".join(unknown)
                + "). Nothing was saved; reload the page and try again."
            )
        for question in self.area.questions:
            answer = cleaned.get(f"answer_{question.id}")
            note = cleaned.get(f"note_{question.id}")
            if answer == NO_ANSWER and note:
                self.add_error(
                    f"note_{question.id}",
                    f"“{question.text}”: you wrote a note but chose no answer. Choose an answer "
                    "(or “Not sure”) to keep the note, or empty the note.",
                )
        return cleaned

    def shown(self, question_id: str) -> str:
        """What the page showed for a question when it was loaded, carried in a hidden field.

        A bound form keeps the value posted with it, so a page shown again after an
        error still compares with what the user first saw.
        """
        if self.is_bound and f"shown_{question_id}" in self.data:
            return self.data[f"shown_{question_id}"]
        return _shown_token(self.initial[f"answer_{question_id}"], self.initial[f"note_{question_id}"])

    def answer_inputs(self) -> list[AnswerInput]:
        """The answers this user changed on the page.

        Questions left as they were shown are not sent, so a colleague's answer saved
        meanwhile on the same page is not overwritten with the stale value.
        """
        inputs = []
        for question in self.area.questions:
            value = self.cleaned_data.get(f"answer_{question.id}") or NO_ANSWER
            note = self.cleaned_data.get(f"note_{question.id}") or ""
            shown = self.data.get(f"shown_{question.id}")
            if shown is not None and shown == _shown_token(value, note):
                continue
            level = None
            kind = value
            if value.startswith("level-"):
                kind, level = domain.CHOICE, int(value.removeprefix("level-"))
            inputs.append(AnswerInput(question_id=self.question_pks[question.id], kind=kind, level=level, note=note))
        return inputs

    def questions_with_fields(self):
        """(question, answer bound field, note bound field, shown token) for the template."""
        for question in self.area.questions:
            yield question, self[f"answer_{question.id}"], self[f"note_{question.id}"], self.shown(question.id)


def _shown_token(value: str, note: str) -> str:
    # Browsers post a textarea's line breaks as CRLF; stored notes keep LF only.
    note = note.replace("\r", "").strip()
    return f"{value}|{hashlib.sha256(note.encode()).hexdigest()[:16]}"
