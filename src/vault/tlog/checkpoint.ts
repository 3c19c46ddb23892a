import { HASH_SIZE } from "./merkle.ts";
import { NoteError } from "./note.ts";

/**
 * C2SP tlog-checkpoint bodies, c2sp.org/tlog-proof@v1 receipts and the
 * timestamp carried by tlog-cosignature/v1 signatures. Pure text formats.
 */

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
  extensions: string[];
}

/** The note text of a checkpoint (sign it with signNote). */
export function formatCheckpoint(c: Checkpoint): string {
  if (c.origin === "" || c.origin.includes("\n")) throw new NoteError("checkpoint origin must be one non-empty line");
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new NoteError("checkpoint size must be a non-negative integer");
  if (c.rootHash.length !== HASH_SIZE) throw new NoteError("checkpoint root must be 32 bytes");
  for (const e of c.extensions) if (e === "" || e.includes("\n")) throw new NoteError("checkpoint extension lines must be non-empty single lines");
  return [c.origin, String(c.size), c.rootHash.toString("base64"), ...c.extensions].join("\n") + "\n";
}

/** Parses checkpoint note text (already verified, or for display). */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith("\n")) throw new NoteError("checkpoint text must end with a newline");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) throw new NoteError("checkpoint needs origin, size and root lines");
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === "") throw new NoteError("checkpoint origin is empty");
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine)) throw new NoteError(`checkpoint size ${JSON.stringify(sizeLine)} is not a decimal without leading zeroes`);
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) throw new NoteError("checkpoint size is too large");
  const rootHash = Buffer.from(rootLine, "base64");
  if (rootHash.length !== HASH_SIZE || rootHash.toString("base64") !== rootLine) throw new NoteError("checkpoint root is not a base64 SHA-256 hash");
  for (const e of extensions) if (e === "") throw new NoteError("checkpoint has an empty extension line");
  return { origin, size, rootHash, extensions };
}

export interface TlogProof {
  extra?: Buffer;
  index: number;
  proof: Buffer[];
  /** The signed checkpoint note, verbatim. */
  checkpoint: string;
}

const PROOF_HEADER = "c2sp.org/tlog-proof@v1";

/** Formats a c2sp.org/tlog-proof@v1 receipt. */
export function formatTlogProof(p: TlogProof): string {
  const lines = [PROOF_HEADER];
  if (p.extra) lines.push(`extra ${p.extra.toString("base64")}`);
  lines.push(`index ${p.index}`);
  for (const h of p.proof) lines.push(h.toString("base64"));
  return `${lines.join("\n")}\n\n${p.checkpoint}`;
}

/** Parses a c2sp.org/tlog-proof@v1 receipt (format only; verify the checkpoint and proof separately). */
export function parseTlogProof(text: string): TlogProof {
  const blank = text.indexOf("\n\n");
  if (blank < 0) throw new NoteError("tlog-proof has no checkpoint");
  const head = text.slice(0, blank).split("\n");
  const checkpoint = text.slice(blank + 2);
  if (head[0] !== PROOF_HEADER) throw new NoteError(`tlog-proof must start with ${PROOF_HEADER}`);
  let i = 1;
  let extra: Buffer | undefined;
  if (head[i]?.startsWith("extra ")) {
    extra = Buffer.from(head[i]!.slice(6), "base64");
    i++;
  }
  const m = /^index (0|[1-9][0-9]*)$/.exec(head[i] ?? "");
  if (!m) throw new NoteError("tlog-proof has no valid index line");
  const index = Number(m[1]);
  if (!Number.isSafeInteger(index)) throw new NoteError("tlog-proof index is too large");
  const proof = head.slice(i + 1).map((line) => {
    const h = Buffer.from(line, "base64");
    if (h.length !== HASH_SIZE || h.toString("base64") !== line) throw new NoteError("tlog-proof hash line is not a base64 SHA-256 hash");
    return h;
  });
  return { ...(extra ? { extra } : {}), index, proof, checkpoint };
}

/** The POSIX timestamp of a tlog-cosignature/v1 signature (keyID || uint64 time || Ed25519 signature). */
export function cosignatureTimestamp(sigBase64: string): number {
  const sig = Buffer.from(sigBase64, "base64");
  if (sig.length !== 4 + 8 + 64) throw new NoteError("cosignature/v1 signature must be 76 bytes");
  const t = sig.readBigUInt64BE(4);
  if (t > BigInt(Number.MAX_SAFE_INTEGER)) throw new NoteError("cosignature timestamp is too large");
  return Number(t);
}

/** The message a tlog-cosignature/v1 signs for a checkpoint body at a time. */
export function cosignatureMessage(checkpointText: string, timestamp: number): string {
  return `cosignature/v1\ntime ${timestamp}\n${checkpointText}`;
}
