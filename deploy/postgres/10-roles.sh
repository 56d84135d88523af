#!/usr/bin/env bash
# The two database roles and the database (README, "Two database roles"), as the PostgreSQL superuser.
#
# docker-compose.yml mounts this directory as the postgres image's /docker-entrypoint-initdb.d, so it runs once, when
# the data volume is first initialised. It is safe to run again, e.g. to move a database made before the two roles:
#   docker compose exec db bash /docker-entrypoint-initdb.d/10-roles.sh
# (with DATABASE_OWNER_PASSWORD and DATABASE_APP_PASSWORD in the db service's environment, as docker-compose.yml sets).
#
#   ffp_owner  owns the database and every table; runs migrate (and maintenance: VACUUM, generate_dataset).
#   ffp_app    web, worker and beat: LOGIN only, not a superuser, owns nothing; migrate grants it what it needs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${DATABASE_OWNER_PASSWORD:?set DATABASE_OWNER_PASSWORD}"
: "${DATABASE_APP_PASSWORD:?set DATABASE_APP_PASSWORD}"
database="${FFP_DATABASE:-ffp}"

psql=(psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}")

"${psql[@]}" --dbname postgres \
  -v owner_password="$DATABASE_OWNER_PASSWORD" -v app_password="$DATABASE_APP_PASSWORD" -v database="$database" <<'SQL'
SELECT format('CREATE ROLE %I', r) FROM unnest(ARRAY['ffp_owner', 'ffp_app']) AS r
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
ALTER ROLE ffp_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'owner_password';
ALTER ROLE ffp_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';
SELECT format('CREATE DATABASE %I OWNER ffp_owner', :'database')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'database') \gexec
SELECT format('ALTER DATABASE %I OWNER TO ffp_owner', :'database') \gexec
-- Only our two roles may connect; the application role may not create temporary tables either.
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'database') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO ffp_app', :'database') \gexec
SQL

# Tables made before the two roles (an older volume, where the superuser owned them) go to the owner.
"${psql[@]}" --dbname "$database" -f "$here/adopt.psql"
