#!/usr/bin/env bash
# Adds a migration named $1 for every provider: SQLite, PostgreSQL and SQL Server each keep their own migrations and
# model snapshot under src/Missions.Host/Data/Migrations/<provider>. Connects to no database.
# Undo the last one with: dotnet ef migrations remove --project src/Missions.Host --context <Provider>MissionsDbContext
set -euo pipefail
name=${1:?usage: ./add-migration.sh <MigrationName>}
cd "$(dirname "$0")"
dotnet tool restore >/dev/null
dotnet build src/Missions.Host -warnaserror -nologo -v q
for provider in Sqlite Postgres SqlServer; do
  dotnet ef migrations add "$name" --no-build --project src/Missions.Host --context "${provider}MissionsDbContext" \
    --output-dir "Data/Migrations/$provider" --namespace "Missions.Host.Data.Migrations.$provider"
done
