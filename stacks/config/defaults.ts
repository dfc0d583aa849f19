import { ENVIRONMENT_DEFAULTS, type EnvironmentProfile } from "./environments";
import { type Environment } from "../../contracts/environments";

export interface KeyVaultSettings {
  sku: "standard" | "premium";
  keyExpiryDays: number;
  keyRotateBeforeExpiryDays: number;
  keyNotifyBeforeExpiryDays: number;
}
export interface IdentitySettings {
  gatewaySecretRotationDays: number;
  gatewaySecretOverlapDays: number;
}

/** Same in every environment: key versions live 120 days and rotate 30 days early (a new version every 90 days). */
export const KEY_VAULT_DEFAULTS: KeyVaultSettings = {
  sku: "standard",
  keyExpiryDays: 120,
  keyRotateBeforeExpiryDays: 30,
  keyNotifyBeforeExpiryDays: 14,
};
/** The gateway's client secret rotates every 90 days; the previous one stays valid 30 days past its rotation. */
export const IDENTITY_DEFAULTS: IdentitySettings = { gatewaySecretRotationDays: 90, gatewaySecretOverlapDays: 30 };
/** Requests per subject and period (seconds) the gateway admits. */
export const GATEWAY_RATE_LIMIT_DEFAULTS = { limit: 600, period: 60 } as const;

/** Every setting a stack file may leave out, in the stack file's shape (test/stacks/config/defaults.test.ts parses it with the user-facing schema). */
export interface DefaultSettings extends EnvironmentProfile {
  keyVault: KeyVaultSettings;
  identity: IdentitySettings;
  gateway: { rateLimit: { limit: number; period: 10 | 60 } };
}

export function defaultSettings(environment: Environment): DefaultSettings {
  return {
    ...ENVIRONMENT_DEFAULTS[environment],
    keyVault: KEY_VAULT_DEFAULTS,
    identity: IDENTITY_DEFAULTS,
    gateway: { rateLimit: { ...GATEWAY_RATE_LIMIT_DEFAULTS } },
  };
}
