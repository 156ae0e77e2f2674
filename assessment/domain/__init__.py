"""Pure domain code: no Django, no database.

The questionnaire schema and its validation, scoring and roadmap ordering live
here so that they can be tested on plain data and shared by the loader, the
admin, the pages, the exports and the PDF.
"""
