#!/bin/sh
# Runs once, when the PostgreSQL volume is created: the application role the replicas connect as. The migrations
# (run as the owner, portal_owner) grant it exactly what it needs; see docs/deploy.md "Database roles".
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE portal_app LOGIN PASSWORD '${PORTAL_APP_PASSWORD}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
GRANT CONNECT ON DATABASE "${POSTGRES_DB}" TO portal_app;
SQL
