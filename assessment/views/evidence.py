"""Evidence on the area page of a draft: add (a file or a link), remove, download.

Every view reaches the assessment through assessment.access (outsiders get a
404) and writes through services/evidence.py. A download goes through the same
check as the assessment; the file is streamed as an attachment of its stored
type, never served by a URL of the storage.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from assessment.access import assessment_for_user
from assessment.domain.evidence import FileRefused, safe_file_name
from assessment.domain.profile import out_of_scope_keys, team_tags
from assessment.forms.evidence import EvidenceForm
from assessment.selectors.assessments import profile_answers
from assessment.selectors.evidence import evidence_of_assessment
from assessment.selectors.questionnaires import questionnaire_domain
from assessment.services.assessments import AssessmentLocked
from assessment.services.evidence import (
    LOCKED,
    NOT_A_MEMBER,
    EvidenceInvalid,
    evidence_file_add,
    evidence_link_add,
    evidence_remove,
    evidence_storage,
    max_bytes,
)
from assessment.uploads import TemporaryFileUploadHandler
from assessment.views.assessments import team_area_page
from assessment.views.evidence_uploads import EvidenceUploadHandler

# What a body may hold besides the file (the token, the title, the link, the date, the multipart framing).
FORM_ALLOWANCE_BYTES = 64 * 1024
OUT_OF_SCOPE = (
    "This question is out of your team's scope (as “About your team” answers it), "
    "so it takes no evidence. Change the team's answers there if it should be asked."
)


def _area_of(assessment, question_key: str) -> str:
    for area, question in questionnaire_domain(assessment.questionnaire).questions():
        if question.id == question_key:
            return area.id
    raise Http404("No such question.")


def _check_in_scope(assessment, question_key: str) -> None:
    """Evidence only on a question the team is asked: one out of its scope is on no page (format 2)."""
    questionnaire = questionnaire_domain(assessment.questionnaire)
    if questionnaire.format != 2:
        return
    if question_key in out_of_scope_keys(questionnaire, team_tags(questionnaire, profile_answers(assessment))):
        raise PermissionDenied(OUT_OF_SCOPE)


def _back_to(assessment, area_key: str, question_key: str):
    url = reverse("assessment-area", kwargs={"assessment_id": assessment.pk, "area_key": area_key})
    return redirect(f"{url}#evidence-{question_key}")


def _refusal(assessment) -> PermissionDenied:
    """A refused write: 403, the error page with the reason (docs/architecture.md)."""
    return PermissionDenied(LOCKED if assessment.is_submitted else NOT_A_MEMBER)


def _too_large() -> str:
    return f"The file is too large: the limit is {settings.EVIDENCE_MAX_MB} MB."


def _upload_problem(uploads: EvidenceUploadHandler) -> str | None:
    """What is wrong with the file as it was sent, which the form cannot see: its name's path, its size."""
    if uploads.too_large:
        return _too_large()
    for name in uploads.sent_names:
        try:
            safe_file_name(name)
        except FileRefused as refused:
            return f"“{name[:100]}”: {refused}"
    return None


@csrf_exempt  # checked below, once the upload handlers are set (they must be set before the body is read)
@login_required
@require_POST
def evidence_add(request, assessment_id, question_key):
    assessment, can_write = assessment_for_user(request.user, assessment_id)
    area_key = _area_of(assessment, question_key)
    if not can_write:
        raise _refusal(assessment)
    _check_in_scope(assessment, question_key)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > max_bytes() + FORM_ALLOWANCE_BYTES:
        # Refused before the body is read; the page comes back with the error at this question's form.
        form = EvidenceForm.refused(question_key=question_key, field="file", message=_too_large())
        return team_area_page(request, assessment, can_write, area_key, evidence_form=form, status=400)
    uploads = EvidenceUploadHandler(request, max_bytes())
    request.upload_handlers = [uploads, TemporaryFileUploadHandler(request)]
    return _evidence_add(request, assessment, area_key, question_key, uploads)


@csrf_protect
def _evidence_add(request, assessment, area_key, question_key, uploads):
    can_write = True
    form = EvidenceForm(request.POST, request.FILES, question_key=question_key, upload_problem=_upload_problem(uploads))
    if form.is_valid():
        data = form.cleaned_data
        common = {
            "assessment": assessment,
            "user": request.user,
            "question_key": question_key,
            "title": data["title"],
            "valid_until": data["valid_until"],
        }
        try:
            if data["file"]:
                evidence_file_add(upload=data["file"], **common)
            else:
                evidence_link_add(url=data["link"], **common)
        except (AssessmentLocked, PermissionDenied) as refused:
            raise _refusal(assessment) from refused
        except EvidenceInvalid as error:
            form.add_error(None if error.field == "__all__" else error.field, str(error))
        else:
            messages.success(request, f"Evidence “{data['title']}” added.")
            return _back_to(assessment, area_key, question_key)
    # The area page again, with what is wrong at this question's form: nothing was stored.
    return team_area_page(request, assessment, can_write, area_key, evidence_form=form, status=400)


@login_required
@require_POST
def evidence_remove_view(request, assessment_id, evidence_id):
    assessment, can_write = assessment_for_user(request.user, assessment_id)
    evidence = evidence_of_assessment(assessment, evidence_id)
    area_key = _area_of(assessment, evidence.question_key)
    if not can_write:
        raise _refusal(assessment)
    try:
        evidence_remove(evidence=evidence, user=request.user)
    except (AssessmentLocked, PermissionDenied) as refused:
        raise _refusal(assessment) from refused
    messages.success(request, f"Evidence “{evidence.title}” removed.")
    return _back_to(assessment, area_key, evidence.question_key)


@login_required
@require_GET
def evidence_download(request, assessment_id, evidence_id):
    assessment, _ = assessment_for_user(request.user, assessment_id)
    evidence = evidence_of_assessment(assessment, evidence_id)
    if not evidence.is_file:
        raise Http404("This evidence is a link, not a file.")
    try:
        handle = evidence_storage().open(evidence.stored_name, "rb")
    except FileNotFoundError as missing:
        raise Http404("The file of this evidence is no longer stored.") from missing
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["Content-Length"] = str(evidence.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
