import * as azuread from "@pulumi/azuread";
import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import { addDays } from "../../lib/dates";

export interface RotatingClientSecretArgs {
  /** The application's resource ID (`/applications/<objectId>`), i.e. `Application.id`. */
  readonly applicationId: pulumi.Input<string>;
  /** Days from one password's base to the deadline after which the next `pulumi up --refresh` replaces it (each slot). */
  readonly rotationDays: number;
  /** Days a password stays valid past its rotation deadline: the window for a late deployment. */
  readonly overlapDays: number;
  /** Where the current value lands, with the same expiry (e.g. `KeyVault.secret`). */
  readonly store: (value: pulumi.Output<string>, expiresOn: pulumi.Output<string>, owner: { readonly parent: pulumi.Resource; readonly name: string }) => azure.keyvault.Secret;
}

/** One of the two passwords: its schedule and the password that schedule replaces. */
export interface ClientSecretSlot {
  readonly schedule: time.Rotating;
  readonly password: azuread.ApplicationPassword;
}

/**
 * The one client secret the platform cannot avoid (a Cloudflare Worker has no managed identity and no OIDC token
 * Entra would federate), rotated with an overlap: two passwords of the same app (slots A and B), each replaced every
 * `rotationDays`, B half a period after A — the Prefect auth string's design (components/orchestrator `apiAuth`).
 *
 * - Each slot's `time.Rotating` holds its deadline in state. When a refresh runs after the deadline, the provider drops
 *   it from state (hashicorp/terraform-provider-time, Read → RemoveResource), `up` creates a new one, and its new ID
 *   changes the password's `rotateWhenChanged` (a replace-only input), so Pulumi replaces that slot's password,
 *   create-before-delete, and deletes the old one at the end of the same `up`.
 * - The OLDER slot is current (`value`: the Worker's AZURE_CLIENT_SECRET, the Key Vault secret); the newer one is `next`
 *   (AZURE_CLIENT_SECRET_NEXT). Entra replicates a new password with a delay (a fresh one can be refused with
 *   `invalid_client`), so the value the Worker tries first has existed for about half a period, and a rotation only
 *   ever deletes a password after the Worker was given the other one — which it has held since that one was created.
 *   Isolates still running the previous script version hold the deleted value and the new current one, and switch on
 *   `invalid_client` (gateway/src/upstream-auth.ts).
 * - B's base is A's plus half a period, fixed at B's creation (`ignoreChanges`: `rfc3339` is replace-only in the
 *   provider, and A's later rotations must not move B). That base can lie in the future (A was rotated late), so B's
 *   password sets no `startDate` (Entra starts it at creation): a future start would leave it unusable until then.
 * - Each password's `endDate` is its own deadline plus `overlapDays`: if nobody deploys at the deadline, it keeps
 *   working for that long. B can therefore live up to 1.5 × `rotationDays` + `overlapDays` (created up to half a period
 *   before its base); the rotation period itself stays `rotationDays`.
 * - Slot A keeps the resource names of the single password this replaced (`<name>-schedule`, `<name>-password`, the
 *   Key Vault secret under this component) and the same inputs, so the first `up` with slots only creates B.
 *
 * Limit: if no `up` runs for a whole half period, both slots are replaced in one `up` and the Worker gets two fresh
 * passwords (no overlap for that rotation).
 */
export class RotatingClientSecret extends pulumi.ComponentResource {
  readonly a: ClientSecretSlot;
  readonly b: ClientSecretSlot;
  /** The current client secret, the older slot's (a Pulumi secret). */
  readonly value: pulumi.Output<string>;
  /** The other slot's client secret, current after the older slot's next rotation (a Pulumi secret). */
  readonly next: pulumi.Output<string>;
  /** The current password's end date (also the Key Vault secret's expiry). */
  readonly expiresOn: pulumi.Output<string>;
  readonly keyVaultSecret: azure.keyvault.Secret;

  constructor(name: string, args: RotatingClientSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("dataplatform:rotation:RotatingClientSecret", name, {}, opts);
    const half = args.rotationDays / 2;

    const scheduleA = new time.Rotating(`${name}-schedule`, { rotationDays: args.rotationDays }, { parent: this });
    this.a = {
      schedule: scheduleA,
      password: this.password(`${name}-password`, scheduleA, args, {
        // Slot A's inputs are those of the single password it replaces: unchanged, so no replacement.
        displayName: pulumi.interpolate`rotated ${scheduleA.rfc3339}`,
        startDate: scheduleA.rfc3339,
      }),
    };
    const scheduleB = new time.Rotating(
      `${name}-schedule-b`,
      { rotationDays: args.rotationDays, rfc3339: scheduleA.rfc3339.apply((base) => addDays(base, half)) },
      { parent: this, ignoreChanges: ["rfc3339"] },
    );
    this.b = {
      schedule: scheduleB,
      password: this.password(`${name}-password-b`, scheduleB, args, { displayName: pulumi.interpolate`slot b, rotation due ${scheduleB.rotationRfc3339}` }),
    };

    const slots = pulumi
      .all([scheduleA.rfc3339, scheduleB.rfc3339, this.a.password.value, this.b.password.value, this.a.password.endDate, this.b.password.endDate])
      .apply(([baseA, baseB, valueA, valueB, endA, endB]) => {
        const aIsCurrent = Date.parse(baseA) <= Date.parse(baseB);
        return aIsCurrent ? { value: valueA, next: valueB, expiresOn: endA } : { value: valueB, next: valueA, expiresOn: endB };
      });
    this.value = pulumi.secret(slots.apply((s) => s.value));
    this.next = pulumi.secret(slots.apply((s) => s.next));
    this.expiresOn = pulumi.unsecret(slots.apply((s) => s.expiresOn));
    this.keyVaultSecret = args.store(this.value, this.expiresOn, { parent: this, name });

    this.registerOutputs({ expiresOn: this.expiresOn });
  }

  private password(
    name: string,
    schedule: time.Rotating,
    args: RotatingClientSecretArgs,
    labels: { displayName: pulumi.Input<string>; startDate?: pulumi.Input<string> },
  ): azuread.ApplicationPassword {
    return new azuread.ApplicationPassword(
      name,
      {
        applicationId: args.applicationId,
        ...labels,
        endDate: schedule.rotationRfc3339.apply((deadline) => addDays(deadline, args.overlapDays)),
        rotateWhenChanged: { rotation: schedule.id, deadline: schedule.rotationRfc3339 },
      },
      // Explicitly the default: the replacement exists before the old password is deleted.
      { parent: this, deleteBeforeReplace: false, additionalSecretOutputs: ["value"] },
    );
  }
}
