/** Microsoft Graph's application (client) ID: the resource the CI identities' app-role grants point at. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/**
 * The deploy identity's one Graph application permission (not Application.ReadWrite.All): "Allows the calling app to
 * create other applications and service principals, and fully manage those applications and service principals ...
 * It cannot update any applications that it is not an owner of"; the creator becomes an owner.
 * https://learn.microsoft.com/graph/permissions-reference#applicationreadwriteownedby
 * (ID as listed there and in Microsoft Graph's service principal appRoles.)
 */
export const GRAPH_APPLICATION_READWRITE_OWNEDBY = "18a4783c-866b-4cc7-a460-3d5e5662c884";

/**
 * The plan identity's Graph application permission: reads all applications and service principals (and their owners
 * and password-credential metadata), which is what `pulumi preview --refresh` reads for the gateway app, its service
 * principal and its ApplicationPassword. Least-privileged application permission on
 * https://learn.microsoft.com/graph/api/application-get, /serviceprincipal-get and /application-list-owners.
 * https://learn.microsoft.com/graph/permissions-reference#applicationreadall
 */
export const GRAPH_APPLICATION_READ_ALL = "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30";

/** App-role (permission) IDs → the names reviewers know them by. */
export const GRAPH_APP_ROLE_NAMES: Readonly<Record<string, string>> = {
  [GRAPH_APPLICATION_READWRITE_OWNEDBY]: "Microsoft Graph Application.ReadWrite.OwnedBy",
  [GRAPH_APPLICATION_READ_ALL]: "Microsoft Graph Application.Read.All",
};
