// Azure OpenAI with one model deployment, reached by the host's identity through the v1 endpoint (no key).

param location string
param accountName string
param model string
param modelVersion string
param capacity int

@description('The host\'s identity, given Cognitive Services OpenAI User on the account.')
param principalId string

var openAiUser = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd')

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: accountName
  location: location
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: accountName
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource deployment 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: model
  sku: {
    name: 'GlobalStandard'
    capacity: capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: model
      version: modelVersion
    }
  }
}

resource user 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: account
  name: guid(account.id, principalId, openAiUser)
  properties: {
    roleDefinitionId: openAiUser
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

@description('The v1 endpoint the host speaks (Missions:AI:Endpoint).')
output v1Endpoint string = '${account.properties.endpoint}openai/v1/'
output deploymentName string = deployment.name
