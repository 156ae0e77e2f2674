"""Forms of answering an assessment: starting one and answering one area."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.html import format_html

from assessment import models
from assessment.domain import model as domain
from assessment.presentation import ANSWER_KIND_WORDS
from assessment.services.assessments import AnswerInput
from assessment.validators import one_line_validator

# Value of the radio that leaves (or makes) a question unanswered.
NO_ANSWER = ""
NOTE_MAX_LENGTH = models.Answer.NOTE_MAX_LENGTH
NA_DETAIL_MAX_LENGTH = domain.NA_REASON_DETAIL_MAX_LENGTH
NA_REASON_CHOICES = [("", "Choose a reason")] + [
    (key, "Other (say what)" if key == domain.NA_OTHER else label) for key, label in domain.NA_REASONS.items()
]
# Every field of a question is named <prefix><question id>; question ids have no underscore.
QUESTION_FIELD_PREFIXES = ("answer_", "note_", "na_reason_", "na_other_")


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
        validators=[one_line_validator],
        error_messages={
            "required": "Enter a title for the assessment.",
            "max_length": "Shorten the title to %(limit_value)d characters or fewer (it has %(show_value)d).",
        },
    )

    def __init__(
        self,
        *args,
        questionnaire: domain.Questionnaire,
        previous: models.Assessment | None,
        initial_targets: dict[str, int],
        draft: models.Assessment | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.previous = previous
        if draft is not None:
            # A second draft splits the team's answers in two: only on purpose (the page offers the draft first).
            self.fields["second_draft"] = forms.BooleanField(
                label="Start a second draft anyway",
                # No title here: Django does not escape help text.
                help_text="The draft in progress stays as it is; the team then has two drafts to answer.",
                error_messages={
                    "required": f"“{draft.title}” is still a draft: continue it, or tick "
                    "“Start a second draft anyway” to start another."
                },
            )
        level_choices = [(str(s.level), f"{s.level} – {s.name}") for s in questionnaire.scale]
        default = questionnaire.default_target
        default_name = questionnaire.level_name(default)
        if previous is not None:
            self.fields["start_from"] = forms.ChoiceField(
                label="How do you want to start?",
                widget=forms.RadioSelect,
                choices=[
                    (
                        "copy",
                        f"Start from the team's previous assessment, “{previous.title}” (its answers and notes are copied; change what has moved on)",
                    ),
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
            "recommendation"
            + (", or to the target of your previous assessment" if previous is not None else "")
            + ". Leave them as they are if you are unsure."
        )

        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.render_unmentioned_fields = False
        layout = ["second_draft"] if draft is not None else []
        layout.append("title")
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

    Field names are `answer_<question id>` and `note_<question id>`; a question
    that offers Not applicable also has `na_reason_<question id>` (why) and
    `na_other_<question id>` (what "other" means), required only when Not
    applicable is chosen. The page renders them through
    templates/partials/question_fieldset.html.
    """

    def __init__(
        self, *args, questionnaire: domain.Questionnaire, area: domain.Area, answers: dict[str, domain.Answer], **kwargs
    ):
        initial = {}
        for question in area.questions:
            answer = answers.get(question.id)
            initial[f"answer_{question.id}"] = answer_value(answer)
            initial[f"note_{question.id}"] = answer.note if answer else ""
            if question.not_applicable:
                initial[f"na_reason_{question.id}"] = answer.na_reason if answer else ""
                initial[f"na_other_{question.id}"] = answer.na_reason_detail if answer else ""
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.area = area
        self.answers = answers
        for question in area.questions:
            choices: list[tuple[str, str]] = [
                (
                    f"level-{c.level}",
                    format_html('<span class="choice-level">{}:</span> {}', questionnaire.level_name(c.level), c.text),
                )
                for c in question.choices
            ]
            # The answers the question offers, in the domain's one rule (domain.answer_kinds).
            choices += [
                (kind, ANSWER_KIND_WORDS[kind])
                for kind in domain.answer_kinds(not_applicable=question.not_applicable)
                if kind != domain.CHOICE
            ]
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
            self.fields[f"note_{question.id}"] = _limited_text_field(
                question,
                "the note",
                NOTE_MAX_LENGTH,
                label="Note or evidence (optional)",
                help_text="For example a link, a document name or who to ask.",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            if question.not_applicable:
                self._add_na_fields(question)

    def _add_na_fields(self, question: domain.Question) -> None:
        self.fields[f"na_reason_{question.id}"] = forms.ChoiceField(
            label="If not applicable, why?",
            help_text="Needed only when you choose “Not applicable”.",
            choices=NA_REASON_CHOICES,
            required=False,
            error_messages={
                "invalid_choice": f"“{question.text}”: that reason is not in the list. Choose one of the reasons listed."
            },
        )
        self.fields[f"na_other_{question.id}"] = _limited_text_field(
            question,
            "the other reason",
            NA_DETAIL_MAX_LENGTH,
            label="Other reason",
            help_text="Needed only for “Other”.",
        )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        posted_questions = {
            name.removeprefix(prefix)
            for name in self.data
            for prefix in QUESTION_FIELD_PREFIXES
            if name.startswith(prefix)
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
            if answer == domain.NOT_APPLICABLE and question.not_applicable:
                self._clean_na_reason(question, cleaned)
        return cleaned

    def _clean_na_reason(self, question: domain.Question, cleaned: dict) -> None:
        reason_field, other_field = f"na_reason_{question.id}", f"na_other_{question.id}"
        if reason_field in self.errors or other_field in self.errors:
            return
        reason = cleaned.get(reason_field)
        note = cleaned.get(f"note_{question.id}") or ""
        if not reason and self.data.get(f"shown_{question.id}") == shown_token(domain.NOT_APPLICABLE, note):
            return  # saved before reasons were asked and left as it was: "reason not given"
        if not reason:
            self.add_error(
                reason_field,
                f"“{question.text}”: you chose “Not applicable”. Choose why from the list under the answers.",
            )
        elif reason == domain.NA_OTHER and not cleaned.get(other_field):
            self.add_error(other_field, f"“{question.text}”: you chose “Other” as the reason; say what it is.")

    def _na_reason(self, question: domain.Question, value: str) -> tuple[str, str]:
        """The cleaned reason and detail of a question, empty unless its answer is Not applicable."""
        if value != domain.NOT_APPLICABLE or not question.not_applicable:
            return "", ""
        reason = self.cleaned_data.get(f"na_reason_{question.id}") or ""
        detail = (self.cleaned_data.get(f"na_other_{question.id}") or "") if reason == domain.NA_OTHER else ""
        return reason, detail

    def shown(self, question_key: str) -> str:
        """What the page showed for a question when it was loaded, carried in a hidden field.

        A bound form keeps the value posted with it, so a page shown again after an
        error still compares with what the user first saw.
        """
        if self.is_bound and f"shown_{question_key}" in self.data:
            return self.data[f"shown_{question_key}"]
        value = self.initial[f"answer_{question_key}"]
        reason = self.initial.get(f"na_reason_{question_key}", "") if value == domain.NOT_APPLICABLE else ""
        detail = self.initial.get(f"na_other_{question_key}", "") if reason == domain.NA_OTHER else ""
        return shown_token(value, self.initial[f"note_{question_key}"], reason, detail)

    def answer_inputs(self) -> list[AnswerInput]:
        """The answers this user changed on the page.

        Questions left as they were shown are not sent, so a colleague's answer saved
        meanwhile on the same page is not overwritten with the stale value.
        """
        inputs = []
        for question in self.area.questions:
            value = self.cleaned_data.get(f"answer_{question.id}") or NO_ANSWER
            note = self.cleaned_data.get(f"note_{question.id}") or ""
            reason, detail = self._na_reason(question, value)
            shown = self.data.get(f"shown_{question.id}")
            if shown is not None and shown == shown_token(value, note, reason, detail):
                continue
            answer = answer_from_value(value, note, reason, detail)
            inputs.append(
                AnswerInput(
                    question_key=question.id,
                    kind=answer.kind if answer is not None else "",
                    level=answer.level if answer is not None else None,
                    note=note,
                    na_reason=reason,
                    na_reason_detail=detail,
                )
            )
        return inputs

    def answers_shown(self) -> dict[str, str]:
        """Each question's token (domain.answer_token) of the answer the page showed, as posted with it:
        the save refuses the questions whose stored answer someone else changed since."""
        return {
            question.id: self.data[f"shown_{question.id}"]
            for question in self.area.questions
            if f"shown_{question.id}" in self.data
        }

    def shown_again(self, tokens: dict[str, str]) -> None:
        """After a conflict: these questions' hidden tokens (question id -> token) as the page would
        show them now, so saving the page again knowingly replaces the other person's answer."""
        data = dict(self.data.items())
        for question_id, token in tokens.items():
            data[f"shown_{question_id}"] = token
        self.data = data

    def questions_with_fields(self) -> Iterator[QuestionFields]:
        """Each question of the area with its bound fields, for the template."""
        for question in self.area.questions:
            offers_na = question.not_applicable
            yield QuestionFields(
                question=question,
                answer=self[f"answer_{question.id}"],
                note=self[f"note_{question.id}"],
                na_reason=self[f"na_reason_{question.id}"] if offers_na else None,
                na_other=self[f"na_other_{question.id}"] if offers_na else None,
                shown=self.shown(question.id),
            )


@dataclass(frozen=True)
class QuestionFields:
    """One question on an area page: its answer and note fields, the N/A reason fields (None when
    the question does not offer Not applicable), and the token of the answer the page showed."""

    question: domain.Question
    answer: forms.BoundField
    note: forms.BoundField
    na_reason: forms.BoundField | None
    na_other: forms.BoundField | None
    shown: str


def _limited_text_field(
    question: domain.Question, what: str, max_length: int, *, help_text: str, **kwargs
) -> forms.CharField:
    """An optional text field of `question`: its help ends with the limit, its too-long error names the question and the limit.

    The browser is told the limit too (`maxlength`, which Django adds to the widget).
    """
    return forms.CharField(
        required=False,
        max_length=max_length,
        strip=True,
        help_text=f"{help_text} Up to {max_length} characters.",
        error_messages={
            "max_length": (
                f"“{question.text}”: {what} is %(show_value)d characters long; "
                f"shorten it to {max_length} characters or fewer."
            )
        },
        **kwargs,
    )


def answer_from_value(value: str, note: str, reason: str = "", detail: str = "") -> domain.Answer | None:
    """The answer a question's fields stand for: its radio value (see answer_value), note and N/A reason."""
    if value == NO_ANSWER:
        return None
    if value.startswith("level-"):
        return domain.Answer(kind=domain.CHOICE, level=int(value.removeprefix("level-")), note=note)
    return domain.Answer(kind=value, note=note, na_reason=reason, na_reason_detail=detail)


def shown_token(value: str, note: str, reason: str = "", detail: str = "") -> str:
    """The token (domain.answer_token) of the answer a question's fields stand for."""
    return domain.answer_token(answer_from_value(value, note, reason, detail))


NOT_STATED = ""  # the radio that leaves a profile question unanswered


class ProfileForm(forms.Form):
    """ "About your team" (format 2): one radio group per profile question, named `profile_<question id>`."""

    def __init__(self, *args, questionnaire: domain.Questionnaire, profile: dict[str, str | None], **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        for question in questionnaire.profile:
            self.fields[f"profile_{question.id}"] = forms.ChoiceField(
                label=question.text,
                help_text=question.help,
                required=False,
                widget=forms.RadioSelect,
                choices=[(c.id, c.text) for c in question.choices]
                + [(NOT_STATED, "Not stated yet (every answer is assumed possible)")],
                initial=profile.get(question.id) or NOT_STATED,
                error_messages={"invalid_choice": "Choose one of the answers listed, or “Not stated yet”."},
            )

    def clean(self):
        data = super().clean()
        for name in self.fields:
            # The page always checks one radio of each group: a group missing from the post is a cut or
            # hand-made request, not "Not stated yet", which would take the team's answer away.
            if name not in self.data and name not in self.errors:
                self.add_error(name, "No answer was received for this question: choose one, or “Not stated yet”.")
        return data

    def profile_answers(self) -> dict[str, str | None]:
        return {q.id: self.cleaned_data[f"profile_{q.id}"] or None for q in self.questionnaire.profile}
