#!/usr/bin/env bash
# Runs once, on a fresh data volume, as the superuser (the postgres image runs every file of
# /docker-entrypoint-initdb.d before the server starts listening on the network).
# Creates the role Parley connects as (no superuser, no CREATEDB, no CREATEROLE) and the
# database it owns. As the database owner it owns the `public` schema too (through
# pg_database_owner, PostgreSQL 15+), so the migrations can create its tables, indexes and
# functions; the app finds the database in pg_database and does not try to create it.
# The image may source this file rather than execute it: only `set -e`, no `exit`.
set -e

: "${PARLEY_DB_PASSWORD:?set PARLEY_DB_PASSWORD for the postgres service}"

# The password goes in as a psql variable, quoted as a literal by :'parley_password'.
psql -v ON_ERROR_STOP=1 --no-psqlrc \
  --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  -v parley_password="$PARLEY_DB_PASSWORD" <<'SQL'
CREATE ROLE parley LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD :'parley_password';
CREATE DATABASE parley OWNER parley;
-- Only its owner (and the superuser) may connect to it or create temporary tables in it.
REVOKE CONNECT, TEMPORARY ON DATABASE parley FROM PUBLIC;
SQL
