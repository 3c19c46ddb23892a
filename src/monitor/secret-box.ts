import { openSecretBox, type SecretBox } from "../secrets/secret-box.ts";

export { SEALED_PREFIX, type SecretBox } from "../secrets/secret-box.ts";

/**
 * Webhook signing secrets: Vigil signs with them (HMAC), so it keeps them
 * sealed rather than hashed, under `<data>/keys/monitor-secrets.key`.
 */
export function secretBox(dataDir: string): Promise<SecretBox> {
  return openSecretBox(dataDir, { name: "monitor", what: "the webhook signing secret", remedy: "rotate the subscription's secret" });
}
