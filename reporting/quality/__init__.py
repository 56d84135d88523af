"""Data quality of the CIN census (issue 16 items 2 and 3): DfE's validator run in its own venv (validator.py,
cin_runner.py), our checks of the module 5 rules it lacks (module5.py), the draft census that stores what they find
per child (DataQualityIssue) and the page that lists it."""
