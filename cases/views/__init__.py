"""Pages of the shared record, one module per concept: sign in and out and home (home), the child's record
and search (people), chronology, case notes (notes), access audit (audit), merging (merge), notifications.

Every page that shows a person's data writes one read-audit row before it renders (if that insert
fails, the page fails and shows nothing), and everything out of the user's scope is 404, never 403.
Views stay thin: selector, form, one service, redirect; the rules live in cases.services.
"""
