/** GitHub Actions' OIDC issuer and the audience Entra expects for workload identity federation. */
export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";
export const ENTRA_TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/** The `sub` claim GitHub puts in a workflow's token for a pull request, and for a job bound to an environment. */
export function githubSubject(repository: string, on: { pullRequest: true } | { environment: string }): string {
  return "environment" in on ? `repo:${repository}:environment:${on.environment}` : `repo:${repository}:pull_request`;
}
