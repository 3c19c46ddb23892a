/** The evidence vault: blob store, capture, custody, transparency log, bundles. */
export * from "./tlog/merkle.ts";
export * from "./tlog/tree.ts";
export * from "./tlog/note.ts";
export * from "./tlog/checkpoint.ts";
export * from "./tlog/tiles.ts";
export * from "./blob/blob-store.ts";
export * from "./blob/hashing.ts";
export * from "./blob/local-blob-store.ts";
