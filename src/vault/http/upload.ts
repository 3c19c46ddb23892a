import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyMultipartOptions, Multipart } from "@fastify/multipart";
import { VigilError } from "../../core/errors.ts";
import type { Ctx } from "../../core/context.ts";
import type { BlobRef } from "../custody.ts";
import type { Vault } from "../vault.ts";
import { receiveEvidence } from "../use-cases.ts";

/** The upload limit when none is configured (VIGIL_UPLOAD_MAX_MB). */
export const DEFAULT_UPLOAD_MAX = 2048 * 1024 * 1024;

/** The multipart parser's limits for an evidence upload (the JSON route and the workspace form alike). */
export function uploadMultipartOptions(maxBytes: number): FastifyMultipartOptions {
  return {
    // One byte over our own limit: the blob store refuses the stream itself (keeping
    // nothing), rather than busboy ending it early as if it were complete.
    limits: { fileSize: maxBytes + 1, files: 1, fields: 20, fieldSize: 8 * 1024, parts: 21, headerPairs: 100, fieldNameSize: 100 },
    throwFileSizeLimit: true,
  };
}

export interface ReadUploadOptions {
  maxBytes: number;
  /** The text fields this form may send; any other is refused. */
  known: ReadonlySet<string>;
  /** Parts to read, when some were already taken from `req.parts()` (the form's CSRF token). */
  parts?: AsyncIterable<Multipart>;
}

/**
 * Reads an evidence upload: text fields into `fields` (filled as they arrive,
 * so a caller can show them again after a refusal) and one `file` part
 * streamed into the blob store under the size limit. Returns the received
 * original, not yet an item (see `addEvidence`). Refusals are typed errors
 * at their field: not multipart, several files, a file part under another
 * name, unknown fields, no file or an empty one, over the limit. A refused
 * upload closes the connection rather than read the rest of a large body.
 */
export async function readUpload(ctx: Ctx, vault: Vault, req: FastifyRequest, reply: FastifyReply, opts: ReadUploadOptions, fields: Map<string, string[]> = new Map()): Promise<BlobRef> {
  if (!req.isMultipart()) throw new VigilError("unsupported", "send the file as multipart/form-data with a `file` part", { where: { field: "file" } });
  let original: BlobRef | undefined;
  try {
    for await (const part of opts.parts ?? req.parts()) {
      if (part.type === "file") {
        if (part.fieldname !== "file") throw new VigilError("validation", `unexpected file part ${JSON.stringify(part.fieldname)}; send the evidence as \`file\``, { where: { field: part.fieldname } });
        original = await receiveEvidence(ctx, vault, part.file, { filename: part.filename, maxBytes: opts.maxBytes });
        // A browser form with no file chosen sends an empty part without a name.
        if (original.size === 0) throw new VigilError("validation", part.filename ? "the file is empty: nothing to keep" : "no file in the upload: choose a file", { where: { field: "file" } });
      } else {
        if (!opts.known.has(part.fieldname)) throw new VigilError("validation", `unknown field ${JSON.stringify(part.fieldname)}`, { where: { field: part.fieldname } });
        fields.set(part.fieldname, [...(fields.get(part.fieldname) ?? []), String(part.value)]);
      }
    }
  } catch (err) {
    reply.header("connection", "close");
    throw translateMultipartError(err, opts.maxBytes);
  }
  if (!original) throw new VigilError("validation", "no file in the upload: choose a file", { where: { field: "file" } });
  return original;
}

/** Multipart refusals as typed errors with a clear message. */
export function translateMultipartError(err: unknown, max: number): unknown {
  const code = (err as { code?: string }).code;
  if (code === "FST_REQ_FILE_TOO_LARGE" || code === "too_large") return new VigilError("too_large", `the file exceeds the upload limit of ${max} bytes; nothing was stored`, { where: { field: "file" }, cause: err });
  if (code === "FST_FILES_LIMIT") return new VigilError("validation", "one file per upload", { where: { field: "file" }, cause: err });
  if (code === "FST_FIELDS_LIMIT" || code === "FST_PARTS_LIMIT") return new VigilError("validation", "too many fields in the upload", { cause: err });
  if (code === "FST_PROTO_VIOLATION") return new VigilError("validation", "forbidden field name", { cause: err });
  if (code === "FST_INVALID_MULTIPART_CONTENT_TYPE") return new VigilError("unsupported", "send the file as multipart/form-data", { cause: err });
  return err;
}
