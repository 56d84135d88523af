"""The data-quality issues of a draft CIN census (issue 16 item 3): every row DfE's validator (and our module 5
checks) gave for the census file a DRAFT_CENSUS run built, kept with the run so the data-quality page lists the latest
run's issues per child. Rows are written once by the run and never edited; the next run's rows replace them on the
page (older runs keep theirs: what the file said then)."""

from django.db import models

from cases.models import Person

from .runs import ReturnRun


class IssueKind(models.TextChoices):
    ERROR = "Error", "Error"
    QUERY = "Query", "Query"


class DataQualityIssue(models.Model):
    run = models.ForeignKey(ReturnRun, on_delete=models.CASCADE, related_name="quality_issues")
    # The child the row names (by the census's LAchildID, Person.la_child_id); empty for a council-level row (the
    # return as a whole, e.g. 8995Q) and for an id no record holds any more (merged away since).
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    la_child_id = models.CharField("LA child ID", max_length=40, blank=True)
    rule = models.CharField(max_length=10)
    kind = models.CharField(max_length=5, choices=IssueKind.choices)
    # Where in the census: the validator's table (Section47, ChildProtectionPlans, PreProceedings...) and column.
    table = models.CharField(max_length=40, blank=True)
    column = models.CharField(max_length=60, blank=True)
    value = models.CharField(max_length=200, blank=True)
    message = models.TextField()
    # Which check raised it: "csc-validator-be-cin" (DfE's) or "module5" (ours, for the rules it lacks).
    source = models.CharField(max_length=30)

    class Meta:
        ordering = ["run", "la_child_id", "kind", "rule", "id"]
        indexes = [models.Index(fields=["run", "person"], name="dq_issue_run_person_idx")]

    def __str__(self) -> str:
        return f"{self.rule} ({self.kind}) {self.la_child_id or 'council'}"
