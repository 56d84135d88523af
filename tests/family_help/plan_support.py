"""The words the plan fixtures write (tests/family_help/conftest.py), for the tests that look for them."""

WORRIES = "Grace is worried about losing the flat and Mia has missed school."
WORKING_WELL = "Grace walks Leo to nursery every day."
FAMILY_VIEWS = "Grace says: 'we just need a bit of help to get back on track'."
NOTES = "Confidential: police log of an incident at the address in March."
