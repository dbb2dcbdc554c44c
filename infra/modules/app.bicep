// The host in Azure Container Apps: its identity, its settings (names as the host reads them), probes on the
// host's liveness and readiness endpoints, HTTPS ingress on the port the official images listen on.

param location string
param environmentName string
param appName string
param image string
param replicas int
param identityId string
param identityClientId string
param workspaceName string
param insightsConnectionString string

@allowed([
  'sqlserver'
  'postgres'
])
param databaseProvider string

@description('Azure SQL: the connection string (no password: the identity signs in).')
param sqlConnectionString string

@description('PostgreSQL: the Key Vault secret holding the connection string.')
param postgresConnectionSecretUri string

param blobContainerUrl string
param openAiEndpoint string
param openAiDeployment string

resource workspace 'Microsoft.OperationalInsights/workspaces@2022-10-01' existing = {
  name: workspaceName
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: environmentName
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
  }
}

var fqdn = '${appName}.${environment.properties.defaultDomain}'

var secrets = databaseProvider == 'postgres'
  ? [
      {
        name: 'database'
        keyVaultUrl: postgresConnectionSecretUri
        identity: identityId
      }
    ]
  : []

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: appName
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      ingress: {
        external: true
        targetPort: 8080
        transport: 'auto'
        allowInsecure: false
      }
      secrets: secrets
    }
    template: {
      containers: [
        {
          name: 'missions'
          image: image
          resources: {
            cpu: json('1.0')
            memory: '2Gi'
          }
          env: [
            {
              // Azure SQL: the connection string itself (no password in it); PostgreSQL: from Key Vault.
              name: 'ConnectionStrings__Missions'
              value: databaseProvider == 'sqlserver' ? sqlConnectionString : null
              secretRef: databaseProvider == 'postgres' ? 'database' : null
            }
            {
              name: 'Missions__Database__Provider'
              value: databaseProvider
            }
            {
              name: 'AZURE_CLIENT_ID'
              value: identityClientId
            }
            {
              name: 'Missions__Teams__AppId'
              value: identityClientId
            }
            {
              name: 'Missions__Teams__AppType'
              value: 'UserAssignedMsi'
            }
            {
              name: 'Missions__Teams__TenantId'
              value: subscription().tenantId
            }
            {
              name: 'Missions__AI__Endpoint'
              value: openAiEndpoint
            }
            {
              name: 'Missions__AI__Model'
              value: openAiDeployment
            }
            {
              name: 'Missions__AI__UseAzureIdentity'
              value: 'true'
            }
            {
              name: 'Missions__Content__BlobContainerUrl'
              value: blobContainerUrl
            }
            {
              name: 'Missions__Content__BlobUseAzureIdentity'
              value: 'true'
            }
            {
              name: 'Missions__Artifacts__PublicUrl'
              value: 'https://${fqdn}'
            }
            {
              name: 'Missions__WebChat__Enabled'
              value: 'false'
            }
            {
              name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
              value: insightsConnectionString
            }
          ]
          probes: [
            {
              type: 'Liveness'
              httpGet: {
                path: '/alive'
                port: 8080
              }
            }
            {
              type: 'Readiness'
              httpGet: {
                path: '/health'
                port: 8080
              }
            }
          ]
        }
      ]
      scale: {
        minReplicas: replicas
        maxReplicas: replicas
      }
    }
  }
}

output fqdn string = app.properties.configuration.ingress.fqdn
