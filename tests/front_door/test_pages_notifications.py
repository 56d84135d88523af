"""The notifications page (cases/notification_views.py): newest first, unread highlighted, marked read with a
POST, another user's notification not found, and only links on this site followed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Notification
from cases.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(triage_officer):
    notify(user=triage_officer, kind="test", title="Older alert", unique_key="t:older", link="/front-door/")
    notify(
        user=triage_officer,
        kind="test",
        title="Newer alert",
        body="Decision due at 09:00",
        unique_key="t:newer",
        link="https://evil.example/phish",
    )
    Notification.objects.filter(unique_key="t:older").update(created_at=timezone.now() - dt.timedelta(days=1))
    return Notification.objects.get(unique_key="t:older"), Notification.objects.get(unique_key="t:newer")


def test_notifications_are_listed_newest_first_with_unread_highlighted(client, triage_officer, alerts):
    older, newer = alerts
    Notification.objects.filter(pk=older.pk).update(read_at=timezone.now())
    UserFactory(email="someone@else.test")
    notify(user=UserFactory(), kind="test", title="Not yours", unique_key="t:other")
    client.force_login(triage_officer)
    page = client.get(reverse("cases:notifications")).content.decode()
    assert page.index("Newer alert") < page.index("Older alert") and "Not yours" not in page
    assert page.count("Unread</strong>") == 1 and "You have 1 unread notification." in page
    assert "Decision due at 09:00" in page


def test_mark_as_read_is_a_post(client, triage_officer, alerts):
    _, newer = alerts
    client.force_login(triage_officer)
    url = reverse("cases:notification_read", args=[newer.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("cases:notifications")
    newer.refresh_from_db()
    assert newer.read_at is not None


def test_opening_follows_only_links_on_this_site(client, triage_officer, alerts):
    older, newer = alerts
    client.force_login(triage_officer)
    response = client.post(reverse("cases:notification_read", args=[older.pk]), {"open": "1"})
    assert response.url == "/front-door/"
    response = client.post(reverse("cases:notification_read", args=[newer.pk]), {"open": "1"})
    assert response.url == reverse("cases:notifications")
    page = client.get(reverse("cases:notifications")).content.decode()
    assert "evil.example" not in page


def test_another_users_notification_is_not_found(client, alerts):
    _, newer = alerts
    client.force_login(UserFactory())
    assert client.post(reverse("cases:notification_read", args=[newer.pk])).status_code == 404
    newer.refresh_from_db()
    assert newer.read_at is None


def test_the_notifications_page_has_a_constant_query_count(client, triage_officer, django_assert_max_num_queries):
    client.force_login(triage_officer)
    for i in range(3):
        notify(user=triage_officer, kind="test", title=f"Alert {i}", unique_key=f"t:{i}", link="/")
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("cases:notifications"))
    for i in range(3, 60):
        notify(user=triage_officer, kind="test", title=f"Alert {i}", unique_key=f"t:{i}", link="/")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("cases:notifications")).content.decode()
    assert "Alert 59" in page and "Alert 0<" not in page  # 50 a page, newest first
