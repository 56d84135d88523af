"""gunicorn's settings for every way the web server runs (`--config python:ffp.gunicorn_conf`: the dev stack,
the Dockerfile, docker-compose).

The access log never holds a query string: people search by name and date of birth (`/people/search/?name=...`),
so the default request line ("%(r)s") would write children's names into a log nothing disposes of. Nor does it
hold the referrer (the previous page's URL, query string included) or the user agent. What a line does hold: the
peer, the time, the method, the path without its query, the status, the bytes sent, the duration and the
request id the server generated (cases.middleware), which the audit row of the request also holds.
"""

access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'
