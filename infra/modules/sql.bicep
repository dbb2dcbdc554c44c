// Azure SQL Database with Entra-only authentication: the host's identity is the server's Entra administrator, and
// the connection string carries no password.

param location string
param serverName string
param skuName string

@description('The Entra administrator: the host\'s user-assigned identity.')
param administratorName string
param administratorObjectId string

@description('The identity\'s client id, named in the connection string.')
param clientId string

resource server 'Microsoft.Sql/servers@2021-11-01' = {
  name: serverName
  location: location
  properties: {
    minimalTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    administrators: {
      administratorType: 'ActiveDirectory'
      azureADOnlyAuthentication: true
      login: administratorName
      sid: administratorObjectId
      tenantId: subscription().tenantId
      principalType: 'Application'
    }
  }
}

// Azure services (the Container Apps environment) may connect; nothing else from outside.
resource azureServices 'Microsoft.Sql/servers/firewallRules@2021-11-01' = {
  parent: server
  name: 'AllowAllWindowsAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource database 'Microsoft.Sql/servers/databases@2021-11-01' = {
  parent: server
  name: 'missions'
  location: location
  sku: {
    name: skuName
  }
  properties: {
    autoPauseDelay: 60
    minCapacity: json('0.5')
  }
}

output connectionString string = 'Server=tcp:${server.properties.fullyQualifiedDomainName},1433;Database=${database.name};Authentication=Active Directory Managed Identity;User Id=${clientId};Encrypt=true'
