"""B23: concurrent edits through the API with the one concurrency convention (cases.api.concurrency: ETag on GET,
If-Match on every change, 412 stale, 428 missing), on real PostgreSQL, in threads each with its own connection.

- 20 editors x 100 rounds on one family plan: each round reads the plan and appends its own token to the worries
  (read-modify-write: the classic lost update), sending the ETag of the version it read (from its last response:
  a 200, or a 412, which carries the plan as it is now). Accepted writes must all be in the final
  text exactly once, each editor's in the order it made them, and the plan's version must have moved once per
  accepted write: the final state is a serial order of the accepted writes, and every refused one was told (412).
  Scale: linear in editors x rounds, one PATCH a round plus a GET after a 412 that did not carry the plan (one from
  the service's compare-and-set): 20 x 100 took 227 s on the 2 shared cores (load about 10), 20 x 30 about 70 s
  (RELIABILITY_EDITORS, RELIABILITY_ROUNDS).
- Close and transfer (a manager changing the family's lead practitioner while the lead closes Family Help), both
  sent with the ETags they read, at the same moment: exactly one wins, the other is refused (412) and nothing of it
  is saved.
"""

import os
import re
import threading
import time
from collections import Counter

import pytest
from django.db import connection

from cases.models import Plan
from cases.services import episode_set_lead
from cases.services.plans import plan_start
from family_help.models import Allocation
from family_help.services.allocation import allocation_create
from tests.support import api_as

pytestmark = pytest.mark.django_db(transaction=True)

EDITORS = int(os.environ.get("RELIABILITY_EDITORS", "20"))
# 100 rounds is the battery's figure (RELIABILITY_ROUNDS=100: about 4 minutes on 2 busy cores, 0 lost); the suite
# runs 30, which keeps the file under 2 minutes: the contention is the same (20 editors at once), only shorter.
ROUNDS = int(os.environ.get("RELIABILITY_ROUNDS", "30"))


def _run_together(workers) -> list:
    """Start every callable in a thread of its own at the same moment; their results (an exception re-raised)."""
    barrier = threading.Barrier(len(workers))
    results: list = [None] * len(workers)

    def run(index, work):
        try:
            barrier.wait()
            results[index] = work()
        except BaseException as exc:  # handed back to the test thread
            results[index] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def test_twenty_editors_at_once_on_one_plan_lose_no_update(family, sw_fhlp, fh_manager):
    from cases.models import LeadKind

    for episode in family["episodes"].values():
        episode_set_lead(episode=episode, actor=fh_manager, user=sw_fhlp, kind=LeadKind.FHLP)
    plan = plan_start(family_case=family["case"], actor=sw_fhlp, data={"worries": "Start."})
    url = f"/api/v1/families/{family['case'].pk}/plan/"
    first_version = plan.version
    editors = [sw_fhlp if i % 2 == 0 else fh_manager for i in range(EDITORS)]  # the lead and the manager, 20 sessions

    def editor(index: int):
        """Each round sends one change based on the plan as the editor last saw it: the body and ETag of its last
        response (a 200, or a 412 carrying the plan as it is now), reading the plan again only when a 412 had not
        the text (a colleague's save between the check and the save: the service's compare-and-set)."""
        client = api_as(editors[index])
        accepted, refused, reads, other = [], 0, 1, []
        read = client.get(url)
        text, version = read.json()["worries"], read["ETag"]
        for round_ in range(ROUNDS):
            token = f"e{index}r{round_}"
            write = client.patch(url, {"worries": f"{text} {token}"}, format="json", HTTP_IF_MATCH=version)
            if write.status_code == 200:
                accepted.append(token)
                text, version = write.json()["worries"], write["ETag"]
            elif write.status_code == 412:
                refused += 1
                current = write.json().get("current")
                if current:
                    text, version = current["worries"], write["ETag"]
                else:
                    reads += 1
                    read = client.get(url)
                    text, version = read.json()["worries"], read["ETag"]
            else:
                other.append((write.status_code, write.content[:200]))
        return accepted, refused, other, reads

    started = time.monotonic()
    results = _run_together([lambda i=i: editor(i) for i in range(EDITORS)])
    seconds = time.monotonic() - started

    accepted = [token for result in results for token in result[0]]
    refused = sum(result[1] for result in results)
    others = [o for result in results for o in result[2]]
    reads = sum(result[3] for result in results)
    plan = Plan.objects.get(pk=plan.pk)
    final = plan.worries.split()[1:]  # after "Start."
    print(
        f"\nB23: {EDITORS} editors x {ROUNDS} rounds in {seconds:.1f} s: {len(accepted)} accepted, {refused} refused "
        f"with 412, {len(others)} other, {reads} GETs; final version {plan.version}"
    )
    assert others == []
    assert len(accepted) + refused == EDITORS * ROUNDS
    assert len(accepted) > 0
    # No lost update: every accepted write is in the final text once, nothing else is, and the version moved once
    # for each.
    assert Counter(final) == Counter(accepted)
    assert plan.version == first_version + len(accepted)
    # A serial order: each editor's accepted writes appear in the order it made them.
    for index in range(EDITORS):
        rounds = [int(re.fullmatch(rf"e{index}r(\d+)", t).group(1)) for t in final if t.startswith(f"e{index}r")]
        assert rounds == sorted(rounds)

    # The convention itself: a stale ETag is 412 with the current version, none is 428; neither saves.
    client = api_as(sw_fhlp)
    stale = client.patch(url, {"worries": "stale"}, format="json", HTTP_IF_MATCH=f'"{first_version}"')
    assert stale.status_code == 412
    assert stale["ETag"] == f'"{plan.version}"'
    assert client.patch(url, {"worries": "none"}, format="json").status_code == 428
    assert Plan.objects.get(pk=plan.pk).worries == plan.worries


@pytest.mark.parametrize("race", range(3))
def test_close_and_transfer_at_the_same_moment_have_exactly_one_winner(race, family, fh_manager, sw_fhlp, vcs_fhlp):
    allocation_create(work_request=family["request"], actor=fh_manager, lead=sw_fhlp, reason="Capacity")
    case = family["case"]
    base = f"/api/v1/family-help/families/{case.pk}"
    lead_client, manager_client = api_as(sw_fhlp), api_as(fh_manager)
    continuum_etag = lead_client.get(f"{base}/continuum/")["ETag"]
    lead_etag = manager_client.get(f"{base}/allocations/")["ETag"]

    def close():
        return lead_client.post(
            f"{base}/close/",
            {"reason_code": "RC8", "summary": "Needs met: closing"},
            format="json",
            HTTP_IF_MATCH=continuum_etag,
        )

    def transfer():
        return manager_client.post(
            f"{base}/lead/", {"lead": vcs_fhlp.pk, "reason": "Caseload"}, format="json", HTTP_IF_MATCH=lead_etag
        )

    closed, transferred = _run_together([close, transfer])
    print(f"\nB23 close vs transfer, race {race}: close {closed.status_code}, transfer {transferred.status_code}")
    winners = [r for r in (closed, transferred) if r.status_code in (200, 201)]
    losers = [r for r in (closed, transferred) if r.status_code not in (200, 201)]
    assert len(winners) == 1, (closed.status_code, closed.content[:300], transferred.status_code)
    assert losers[0].status_code == 412, losers[0].content[:300]
    open_allocations = Allocation.objects.filter(family_case=case, ended_at__isnull=True)
    if closed.status_code == 200:  # the close won: no lead now, and the transfer saved nothing
        assert not open_allocations.exists()
        assert not Allocation.objects.filter(family_case=case, lead=vcs_fhlp).exists()
    else:  # the transfer won: the new lead leads a family still open
        assert list(open_allocations.values_list("lead_id", flat=True)) == [vcs_fhlp.pk]
