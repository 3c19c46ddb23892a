import { makeCtx, SYSTEM, type Ctx } from "../../src/core/context.ts";
import { createRecord, seedVocabularies } from "../../src/records/index.ts";
import type { Dialect, Store } from "../../src/store/index.ts";
import { Vault, type VaultOptions } from "../../src/vault/index.ts";
import { freshStore } from "../helpers/store.ts";

export interface OpenedVault {
  vault: Vault;
  store: Store;
  /** The local operator (role system), as the CLI acts. */
  ctx: Ctx;
  dispose: () => Promise<void>;
}

/** A vault on a fresh, migrated database (SQLite unless told otherwise) with the vocabularies seeded. */
export async function openTestVault(opts: Omit<VaultOptions, "store"> & { dialect?: Dialect } = {}): Promise<OpenedVault> {
  const { store, dispose } = await freshStore(opts.dialect ?? "sqlite");
  await seedVocabularies(store.db);
  const { dialect: _d, ...rest } = opts;
  const vault = await Vault.open({ store, ...rest });
  return { vault, store, ctx: makeCtx(store, { ...SYSTEM, id: "system:test" }), dispose };
}

/** A synthetic Source record to link evidence to. */
export async function makeSource(ctx: Ctx, label: string, id?: string): Promise<string> {
  const r = await createRecord(ctx, { type: "source", kind: "document", label, synthetic: true, ...(id ? { id } : {}) });
  return r.id;
}
