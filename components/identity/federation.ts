/** GitHub Actions' OIDC issuer and the audience Entra expects for workload identity federation (bootstrap federates CI with them). */
export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";
export const ENTRA_TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
