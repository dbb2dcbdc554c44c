// Missions on Azure: the host in Azure Container Apps with a user-assigned managed identity, the Azure Bot for Teams
// (the same identity), Azure SQL Database with Entra-only authentication (or PostgreSQL Flexible Server), a Storage
// account for attachments and artifacts, Azure OpenAI with a model deployment, Key Vault for the secrets that remain,
// and Log Analytics with Application Insights. Role assignments instead of keys wherever Azure offers them.
//
//   az deployment group create -g <resource-group> -f infra/main.bicep -p infra/main.bicepparam

targetScope = 'resourceGroup'

@description('Where everything goes.')
param location string = resourceGroup().location

@description('A short prefix for every name (letters and digits).')
@minLength(3)
@maxLength(12)
param baseName string = 'missions'

@description('The host\'s container image, e.g. <registry>.azurecr.io/missions:1.0 (built from the repository\'s Dockerfile).')
param containerImage string

@description('The database: Azure SQL Database (Entra-only authentication) or PostgreSQL Flexible Server.')
@allowed([
  'sqlserver'
  'postgres'
])
param databaseKind string = 'sqlserver'

@description('PostgreSQL only: the administrator password, kept in Key Vault and read by the host from there.')
@secure()
param postgresAdministratorPassword string = ''

@description('The Azure OpenAI model to deploy and its version.')
param openAiModel string = 'gpt-4o-mini'
param openAiModelVersion string = '2024-07-18'

@description('Capacity of the model deployment, in thousands of tokens per minute.')
param openAiCapacity int = 30

@description('The Azure SQL Database SKU.')
param sqlSkuName string = 'GP_S_Gen5_1'

@description('Replicas of the host (several share one database).')
@minValue(1)
@maxValue(10)
param replicas int = 1

var suffix = uniqueString(resourceGroup().id, baseName)
var names = {
  identity: '${baseName}-id'
  workspace: '${baseName}-logs-${suffix}'
  insights: '${baseName}-ai-${suffix}'
  storage: take(toLower('${baseName}st${suffix}'), 24)
  openAi: '${baseName}-oai-${suffix}'
  sql: '${baseName}-sql-${suffix}'
  postgres: '${baseName}-pg-${suffix}'
  vault: take('${baseName}-kv-${suffix}', 24)
  environment: '${baseName}-env'
  app: '${baseName}-app'
  bot: '${baseName}-bot-${suffix}'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    workspaceName: names.workspace
    insightsName: names.insights
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    accountName: names.storage
    principalId: identity.properties.principalId
  }
}

module openAi 'modules/openai.bicep' = {
  name: 'openai'
  params: {
    location: location
    accountName: names.openAi
    model: openAiModel
    modelVersion: openAiModelVersion
    capacity: openAiCapacity
    principalId: identity.properties.principalId
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    vaultName: names.vault
    principalId: identity.properties.principalId
  }
}

module sql 'modules/sql.bicep' = if (databaseKind == 'sqlserver') {
  name: 'sql'
  params: {
    location: location
    serverName: names.sql
    skuName: sqlSkuName
    administratorName: identity.name
    administratorObjectId: identity.properties.principalId
    clientId: identity.properties.clientId
  }
}

module postgres 'modules/postgres.bicep' = if (databaseKind == 'postgres') {
  name: 'postgres'
  params: {
    location: location
    serverName: names.postgres
    administratorPassword: postgresAdministratorPassword
    vaultName: vault.outputs.name
  }
}

module app 'modules/app.bicep' = {
  name: 'app'
  params: {
    location: location
    environmentName: names.environment
    appName: names.app
    image: containerImage
    replicas: replicas
    identityId: identity.id
    identityClientId: identity.properties.clientId
    workspaceName: monitoring.outputs.workspaceName
    insightsConnectionString: monitoring.outputs.connectionString
    databaseProvider: databaseKind
    sqlConnectionString: databaseKind == 'sqlserver' ? sql!.outputs.connectionString : ''
    postgresConnectionSecretUri: databaseKind == 'postgres' ? postgres!.outputs.connectionSecretUri : ''
    blobContainerUrl: storage.outputs.containerUrl
    openAiEndpoint: openAi.outputs.v1Endpoint
    openAiDeployment: openAi.outputs.deploymentName
  }
}

module bot 'modules/bot.bicep' = {
  name: 'bot'
  params: {
    botName: names.bot
    endpoint: 'https://${app.outputs.fqdn}/api/messages'
    identityId: identity.id
    identityClientId: identity.properties.clientId
  }
}

@description('The host\'s public address.')
output endpoint string = 'https://${app.outputs.fqdn}'

@description('The bot\'s Microsoft App ID: put it in the Teams manifest (bots[0].botId and webApplicationInfo.id).')
output botAppId string = identity.properties.clientId

@description('The bot\'s messaging endpoint, as registered.')
output messagingEndpoint string = bot.outputs.endpoint
