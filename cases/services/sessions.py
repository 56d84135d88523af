"""Ending a user's sessions and API tokens when their account is disabled (issue 12 item 8, battery B7)."""

import logging

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.module_loading import import_string

from ..models import User

logger = logging.getLogger(__name__)


def user_sessions_end(*, user: User) -> int:
    """Delete every live session signed in as `user` (from the cache and the database) and revoke their API tokens, so
    that nothing of theirs works now, nor comes back if the account is enabled again. Returns the sessions ended.

    Sessions are opaque rows, so the live ones are read and decoded: a few thousand at most in a council, and this
    runs only when an account is disabled."""
    from .api_tokens import tokens_revoke_for_account

    store_class = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    decoder = store_class()
    ended = 0
    live = Session.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", "session_data")
    for key, data in live.iterator(chunk_size=500):
        if str(decoder.decode(data).get(SESSION_KEY)) == str(user.pk):
            store_class(session_key=key).delete()
            ended += 1
    tokens = tokens_revoke_for_account(account=user, actor=None, reason="The account was disabled.")
    logger.info("Account %s disabled: %s sessions and %s API tokens ended", user.pk, ended, tokens)
    return ended


def user_saved_receiver(sender, instance: User, update_fields=None, **kwargs) -> None:
    """post_save of User: a disabled account's sessions and tokens end at once, whoever disabled it (the admin, a
    service). Connected in CasesConfig.ready(). (QuerySet.update() sends no signal: the session middleware also
    ends a session whose user no longer loads, on its next request.)"""
    if update_fields is not None and "is_active" not in update_fields:
        return
    if not instance.is_active and instance.pk is not None:
        user_sessions_end(user=instance)
