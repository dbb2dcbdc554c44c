// An example: fill in the image you pushed. No secret belongs here; for PostgreSQL pass the password on the command
// line (-p postgresAdministratorPassword=…) or from a pipeline secret.
using 'main.bicep'

param baseName = 'missions'
param containerImage = 'myregistry.azurecr.io/missions:1.0'
param databaseKind = 'sqlserver'
param openAiModel = 'gpt-4o-mini'
param openAiModelVersion = '2024-07-18'
