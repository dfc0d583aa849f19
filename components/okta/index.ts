import * as okta from "@pulumi/okta";
import * as pulumi from "@pulumi/pulumi";
import type { CoreOutputs } from "../core-outputs";

/**
 * The scope callers request for the gateway (`scope=access`): the policy rule grants it and nothing else, and the
 * groups claim is tied to it. Okta access-token scopes: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/AuthorizationServerScopes/
 */
export const OKTA_GATEWAY_SCOPE = "access";

/** The access-token claim the gateway reads people's groups from (gateway/src/token.ts `groups`). */
export const OKTA_GROUPS_CLAIM = "groups";

/**
 * Lifetime of the gateway's access tokens. Okta's default and the platform's ceiling (issue 10: <= 60 min):
 * okta/terraform-provider-okta docs/resources/auth_server_policy_rule.md `access_token_lifetime_minutes` (5-1440, default 60).
 */
export const OKTA_ACCESS_TOKEN_MINUTES = 60;

/**
 * The grant the callers' application uses: authorization code (with PKCE, the application requires it). Okta's API
 * value, as the provider sends it (okta/terraform-provider-okta okta/services/idaas/resource_okta_auth_server_policy_rule.go
 * `grant_type_whitelist`: `authorization_code`, `client_credentials`, …). No client credentials: Okta's
 * client-credentials tokens carry no `groups` (a service app belongs to no group), so no gateway route would admit
 * one; app-only callers use the Entra app role (docs/gateway.md#okta).
 */
export const OKTA_GRANT_TYPES = ["authorization_code"] as const;

export interface OktaAuthorizationArgs {
  /** The Okta org (`<orgName>.<baseUrl>`); the provider's credentials come from the environment (see `provider`). */
  readonly orgName: string;
  readonly baseUrl: string;
  /** Display name of the authorization server and the application, e.g. `dataplatform-gateway-prod`. */
  readonly displayName: string;
  /** The gateway's audience: the authorization server's only audience, so the `aud` of every token it issues. */
  readonly audience: string;
  /** The Okta groups (exact names) whose members call the gateway: the groups claim carries these and no other. */
  readonly groups: { readonly admins: string; readonly engineers: string; readonly analysts: string };
  /** Redirect URIs of the callers' native application. */
  readonly redirectUris: readonly string[];
}

/** What the gateway's OIDC settings take from Okta: the authorization server's issuer URL and audience. */
export interface OktaGatewayOidc {
  readonly issuer: pulumi.Output<string>;
  readonly audience: pulumi.Output<string>;
}

/**
 * The Okta side of the gateway, as code (issue 10): a custom authorization server whose audience is the gateway's, the
 * `access` scope, a `groups` access-token claim limited to the three configured groups, an access policy for the
 * callers' application with one rule (authorization code, scope `access`, 60-minute tokens, members of those groups
 * only), and that application — a native OIDC app with PKCE, assigned to the three groups. The Worker's issuer and
 * audience are this server's (`gatewayOidc`), so they have one source.
 *
 * Credentials: an explicit provider for the org, whose OAuth 2.0 service-app credentials (client ID, private key, key
 * ID, scopes) the provider reads from OKTA_API_CLIENT_ID, OKTA_API_PRIVATE_KEY, OKTA_API_PRIVATE_KEY_ID and
 * OKTA_API_SCOPES when its arguments leave them unset (okta/terraform-provider-okta okta/config/config.go NewConfig):
 * the private key never enters the stack file or the Pulumi state.
 */
export class OktaAuthorization extends pulumi.ComponentResource implements Omit<CoreOutputs, "location"> {
  readonly provider: okta.Provider;
  readonly server: okta.auth.Server;
  readonly application: okta.app.OAuth;
  /** The authorization server's (an Okta org has no Azure location). */
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  /** `https://<org>.<baseUrl>/oauth2/<authorization server id>`: the `iss` of its tokens. */
  readonly issuer: pulumi.Output<string>;
  /** The callers' application's client ID (the `cid` of their tokens). */
  readonly clientId: pulumi.Output<string>;
  readonly gatewayOidc: OktaGatewayOidc;

  constructor(name: string, args: OktaAuthorizationArgs, opts?: pulumi.ComponentResourceOptions) {
    const groups = Object.entries(args.groups);
    if (new Set(groups.map(([, g]) => g)).size !== groups.length) {
      throw new Error(`okta "${name}": admins, engineers and analysts must be three different Okta groups`);
    }
    if (args.redirectUris.length === 0) throw new Error(`okta "${name}": the callers' application needs at least one redirect URI`);
    super("dataplatform:okta:OktaAuthorization", name, {}, opts);

    // Org only; credentials from the environment (see the class comment). okta/terraform-provider-okta docs/index.md.
    this.provider = new okta.Provider(`${name}-provider`, { orgName: args.orgName, baseUrl: args.baseUrl }, { parent: this });
    const child = { parent: this, provider: this.provider };

    // issuerMode ORG_URL: the issuer is https://<org>.<baseUrl>/oauth2/<id>, which the Worker's discovery uses as is
    // (okta/terraform-provider-okta docs/resources/auth_server.md `issuer_mode`, `issuer`).
    this.server = new okta.auth.Server(
      `${name}-server`,
      {
        name: args.displayName,
        description: `Access tokens for the ${args.displayName} Worker (audience ${args.audience})`,
        audiences: [args.audience],
        issuerMode: "ORG_URL",
        status: "ACTIVE",
      },
      child,
    );
    const authServerId = this.server.id;

    // IMPLICIT consent (first-party app), not published in the server's metadata: okta/terraform-provider-okta
    // docs/resources/auth_server_scope.md `consent`, `metadata_publish`.
    const scope = new okta.auth.ServerScope(
      `${name}-scope-${OKTA_GATEWAY_SCOPE}`,
      {
        authServerId,
        name: OKTA_GATEWAY_SCOPE,
        displayName: `Call ${args.displayName}`,
        description: "Call the data platform gateway (Synapse, Prefect) as yourself",
        consent: "IMPLICIT",
        metadataPublish: "NO_CLIENTS",
        default: false,
      },
      child,
    );

    // An access-token (RESOURCE) claim of value type GROUPS: the names of the user's groups that match the filter.
    // REGEX anchored on the three exact names, so no other group (and no look-alike prefix) reaches a token.
    // okta/terraform-provider-okta docs/resources/auth_server_claim.md (`claim_type`, `value_type`, `group_filter_type`);
    // https://developer.okta.com/docs/guides/customize-tokens-groups-claim/main/ (groups claim on a custom authorization server).
    new okta.auth.ServerClaim(
      `${name}-claim-${OKTA_GROUPS_CLAIM}`,
      {
        authServerId,
        name: OKTA_GROUPS_CLAIM,
        claimType: "RESOURCE",
        valueType: "GROUPS",
        groupFilterType: "REGEX",
        value: exactNamesFilter(groups.map(([, g]) => g)),
        scopes: [scope.name],
        alwaysIncludeInToken: true,
        status: "ACTIVE",
      },
      child,
    );

    // The people groups, looked up by exact name (the data source accepts a prefix match when only one group starts
    // with the name: okta/terraform-provider-okta okta/services/idaas/data_source_okta_group.go findGroup), so the
    // name is checked again here.
    const groupIds = Object.fromEntries(
      groups.map(([role, groupName]) => [
        role,
        okta.group.getGroupOutput({ name: groupName }, child).apply((g) => {
          if (g.name !== groupName) throw new pulumi.ResourceError(`okta: no Okta group named "${groupName}" (found "${g.name}")`, this);
          return g.id;
        }),
      ]),
    ) as Record<keyof OktaAuthorizationArgs["groups"], pulumi.Output<string>>;

    // A native app: a public client (no secret), authorization code with PKCE (RFC 8252). skipAuthenticationPolicy:
    // the app keeps the org's default app sign-on policy and the provider never reads or writes policies, so the
    // deploy identity needs no okta.policies.* scope (docs/resources/app_oauth.md `skip_authentication_policy`).
    this.application = new okta.app.OAuth(
      `${name}-client`,
      {
        label: args.displayName,
        type: "native",
        grantTypes: [...OKTA_GRANT_TYPES],
        responseTypes: ["code"],
        tokenEndpointAuthMethod: "none",
        pkceRequired: true,
        redirectUris: [...args.redirectUris],
        omitSecret: true,
        skipAuthenticationPolicy: true,
        status: "ACTIVE",
      },
      child,
    );
    this.clientId = this.application.clientId;

    // Only assigned users may sign in to an OIDC app: the three groups, nobody else.
    for (const [role] of groups) {
      new okta.app.GroupAssignment(
        `${name}-assign-${role}`,
        { appId: this.application.id, groupId: groupIds[role as keyof typeof groupIds] },
        child,
      );
    }

    // The access policy admits the callers' application only; its one rule: authorization code, scope `access`,
    // members of the three groups, 60-minute access tokens, no refresh tokens.
    // okta/terraform-provider-okta docs/resources/auth_server_policy.md, auth_server_policy_rule.md.
    const policy = new okta.auth.ServerPolicy(
      `${name}-policy`,
      {
        authServerId,
        name: `${args.displayName} callers`,
        description: `The ${args.displayName} callers' application`,
        priority: 1,
        clientWhitelists: [this.application.clientId],
        status: "ACTIVE",
      },
      child,
    );
    new okta.auth.ServerPolicyRule(
      `${name}-policy-rule`,
      {
        authServerId,
        policyId: policy.id,
        name: "people groups, authorization code",
        priority: 1,
        grantTypeWhitelists: [...OKTA_GRANT_TYPES],
        scopeWhitelists: [scope.name],
        groupWhitelists: [groupIds.admins, groupIds.engineers, groupIds.analysts],
        accessTokenLifetimeMinutes: OKTA_ACCESS_TOKEN_MINUTES,
        status: "ACTIVE",
      },
      child,
    );

    this.id = this.server.id;
    this.name = this.server.name;
    this.issuer = this.server.issuer;
    // Okta supports one audience per authorization server (docs/resources/auth_server.md `audiences`).
    const audience = this.server.audiences.apply((a) => {
      if (a.length !== 1) throw new pulumi.ResourceError(`okta: the authorization server has ${a.length} audiences, the gateway takes exactly one`, this);
      return a[0]!;
    });
    this.gatewayOidc = { issuer: this.server.issuer, audience };
    this.registerOutputs({ issuer: this.issuer, audience: args.audience, clientId: this.clientId });
  }
}

/** `^(a|b|c)$` with every regex metacharacter of each name escaped: matches exactly these names. */
export function exactNamesFilter(names: readonly string[]): string {
  return `^(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})$`;
}
