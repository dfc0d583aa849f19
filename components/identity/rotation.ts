import * as azuread from "@pulumi/azuread";
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { addDays } from "../../lib/dates";

export interface RotatingClientSecretArgs {
  /** The application's resource ID (`/applications/<objectId>`), i.e. `Application.id`. */
  readonly applicationId: pulumi.Input<string>;
  /** Days from one secret's creation to the deadline after which the next `pulumi up --refresh` replaces it. */
  readonly rotationDays: number;
  /** Days the secret stays valid past its rotation deadline: the window for a late deployment. */
  readonly overlapDays: number;
  /** Where the value lands, with the same expiry (e.g. `KeyVault.secret`). */
  readonly store: (value: pulumi.Output<string>, expiresOn: pulumi.Output<string>, owner: { readonly parent: pulumi.Resource; readonly name: string }) => azure.keyvault.Secret;
}

/**
 * The one client secret the platform cannot avoid (a Cloudflare Worker has no managed identity and no OIDC token
 * Entra would federate), rotated on a schedule:
 *
 * - `time.Rotating` holds the rotation deadline in state. When a refresh runs after the deadline, the provider drops
 *   it from state, `up` creates a new one, and its new ID changes the password's `rotateWhenChanged` (a replace-only
 *   input), so Pulumi replaces the password.
 * - Pulumi replaces create-before-delete: the new password exists, the Key Vault secret and the Worker secret are
 *   updated to it, and only then is the old password deleted — in the same `up`.
 * - The password's `endDate` is the deadline plus `overlapDays`: if nobody deploys at the deadline, the current
 *   secret keeps working for that long, and the Key Vault secret expires at the same instant.
 */
export class RotatingClientSecret extends pulumi.ComponentResource {
  readonly schedule: time.Rotating;
  readonly password: azuread.ApplicationPassword;
  /** The client secret (a Pulumi secret). */
  readonly value: pulumi.Output<string>;
  readonly expiresOn: pulumi.Output<string>;
  readonly keyVaultSecret: azure.keyvault.Secret;

  constructor(name: string, args: RotatingClientSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:rotation:RotatingClientSecret", name, {}, opts);

    this.schedule = new time.Rotating(`${name}-schedule`, { rotationDays: args.rotationDays }, { parent: this });

    const endDate = this.schedule.rotationRfc3339.apply((deadline) => addDays(deadline, args.overlapDays));
    this.password = new azuread.ApplicationPassword(
      `${name}-password`,
      {
        applicationId: args.applicationId,
        displayName: pulumi.interpolate`rotated ${this.schedule.rfc3339}`,
        startDate: this.schedule.rfc3339,
        endDate,
        rotateWhenChanged: { rotation: this.schedule.id, deadline: this.schedule.rotationRfc3339 },
      },
      // Explicitly the default: the replacement exists before the old password is deleted.
      { parent: this, deleteBeforeReplace: false, additionalSecretOutputs: ["value"] },
    );
    this.value = pulumi.secret(this.password.value);
    this.expiresOn = this.password.endDate;
    this.keyVaultSecret = args.store(this.value, this.expiresOn, { parent: this, name });

    this.registerOutputs({ expiresOn: this.expiresOn });
  }
}
