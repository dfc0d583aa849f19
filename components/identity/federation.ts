import { CI_PROTECTED_PREVIEW, type CiIdentity } from "../../contracts/ci-access";
import type { Environment } from "../../contracts/environments";

/** GitHub Actions' OIDC issuer and the audience Entra expects for workload identity federation (bootstrap federates CI with them). */
export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";
export const ENTRA_TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/**
 * The `sub` claim GitHub puts in a CI job's OIDC token, which the identity's federated credential must equal
 * (https://docs.github.com/actions/deployment/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims):
 * deploy-<env> runs in the GitHub environment <env>; plan-<env> in pull requests, or in the protected preview
 * environment where contracts/ci-access.ts CI_PROTECTED_PREVIEW names one (prod).
 */
export function ciGithubSubject(repository: string, identity: CiIdentity, env: Environment): string {
  if (identity === "deploy") return `repo:${repository}:environment:${env}`;
  const protectedPreview = CI_PROTECTED_PREVIEW[env];
  return protectedPreview ? `repo:${repository}:environment:${protectedPreview}` : `repo:${repository}:pull_request`;
}
