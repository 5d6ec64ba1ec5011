#!/bin/sh
# Runs once, when the PostgreSQL volume is created, as the image's superuser: the two roles of docs/deploy.md
# ("Database roles") and the portal's database, owned by the owner role. The migrations (run as the owner by the
# "migrate" service) then grant the application role exactly what prisma/grants.ts lists.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE portal_owner LOGIN PASSWORD '${PORTAL_OWNER_PASSWORD}';
CREATE ROLE portal_app LOGIN PASSWORD '${PORTAL_APP_PASSWORD}';
CREATE DATABASE portal OWNER portal_owner;
SQL
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname portal <<SQL
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO portal_owner;
SQL
