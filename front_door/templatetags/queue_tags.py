"""The triage queue's rows (front_door/queue.html), written in Python: fifty rows of template lookups, a loop and a
form each were most of the page's time. {% load queue_tags %}{% queue_rows rows query %} writes the same markup."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def queue_rows(context, rows, query) -> str:
    """One row per contact: reference (linked, urgent marked, who referred), children, received, due, time left with
    its RAG tag, status and who it is assigned to, with "Assign to me" for contacts not already the user's."""
    token = conditional_escape(context.get("csrf_token") or "")
    query = conditional_escape(query or "")
    out = []
    for row in rows:
        contact = row.contact
        reference = conditional_escape(contact.reference)
        referrer = contact.referrer_agency.name if contact.referrer_agency else contact.referrer_name
        first = f'<a class="govuk-link" href="{conditional_escape(row.detail_url)}">{reference}</a>'
        if contact.urgent:
            first += '<br><strong class="govuk-tag govuk-tag--purple">Urgent</strong>'
        first += f'<br><span class="govuk-body-s">{conditional_escape(referrer)}</span>'
        children = "<br>".join(conditional_escape(name) for name in row.child_names)
        if contact.no_identifiable_child:
            children += '<br><strong class="govuk-tag govuk-tag--yellow">No identifiable child</strong>'
        assigned = conditional_escape(contact.assigned_to.full_name) if contact.assigned_to else "Nobody"
        if not row.mine:
            assigned += (
                f'<form method="post" action="{conditional_escape(row.assign_url)}">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
                '<input type="hidden" name="assignee" value="me"><input type="hidden" name="next" value="queue">'
                f'<input type="hidden" name="query" value="{query}">'
                '<button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0 '
                'govuk-!-margin-top-1" data-module="govuk-button" data-prevent-double-click="true">Assign to me'
                f'<span class="govuk-visually-hidden"> ({reference})</span></button></form>'
            )
        out.append(
            '<tr class="govuk-table__row">'
            f'<td class="govuk-table__cell">{first}</td>'
            f'<td class="govuk-table__cell">{children}</td>'
            f'<td class="govuk-table__cell app-nowrap">{conditional_escape(row.received_label)}</td>'
            f'<td class="govuk-table__cell app-nowrap">{conditional_escape(row.due_label)}</td>'
            f'<td class="govuk-table__cell"><strong class="govuk-tag {conditional_escape(row.rag_class)}">'
            f"{conditional_escape(row.rag_label)}</strong><br>{conditional_escape(row.time_left)}</td>"
            f'<td class="govuk-table__cell">{conditional_escape(contact.get_status_display())}</td>'
            f'<td class="govuk-table__cell">{assigned}</td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value above is escaped  # nosec B308 B703
