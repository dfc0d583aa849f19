/** Microsoft Graph's application (client) ID: the resource the deploy identity's app-role grant points at. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/**
 * The one Graph application permission the deploy identity holds (not Application.ReadWrite.All): it manages only
 * the apps it owns. https://learn.microsoft.com/graph/permissions-reference#applicationreadwriteownedby
 */
export const GRAPH_APPLICATION_READWRITE_OWNEDBY = "18a4783c-866b-4cc7-a460-3d5e5662c884";

/** App-role (permission) IDs → the names reviewers know them by. */
export const GRAPH_APP_ROLE_NAMES: Readonly<Record<string, string>> = {
  [GRAPH_APPLICATION_READWRITE_OWNEDBY]: "Microsoft Graph Application.ReadWrite.OwnedBy",
};
