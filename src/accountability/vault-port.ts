import type { Store } from "../store/index.ts";
import { DEFAULT_ORIGIN, Vault } from "../vault/index.ts";

/** Opens the vault beside a store (one place, so the way the vault is opened can change without touching the use cases). */
export function openVaultFor(store: Store, origin: string = DEFAULT_ORIGIN): Promise<Vault> {
  return Vault.open({ store, origin });
}
