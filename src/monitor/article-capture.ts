import type { Ctx } from "../core/context.ts";
import { VigilError } from "../core/errors.ts";
import { requestCapture } from "../vault/use-cases.ts";

/**
 * The one place where monitoring asks the vault to keep a copy of an
 * article: on confirming a triage item, inside the confirmation's
 * transaction, so the request exists exactly when the records do. The
 * vault's worker fetches the page, packs it (WARC/WACZ), logs it in the
 * transparency log and links the item to the article's Source record.
 */
export interface ArticleCaptureRequest {
  url: string;
  /** The Source record made from the article: the capture becomes its evidence. */
  sourceId: string;
  /** The monitored item, for the custody notes. */
  itemId: string;
  /** The article is on a private address the operator allowed for monitoring. */
  allowPrivate: boolean;
}

export type ArticleCaptureResult = { captureId: string } | { note: string };

/** Asks the vault to capture an article; returns the capture request's id, or why none was made. */
export type ArticleCapturer = (ctx: Ctx, request: ArticleCaptureRequest) => Promise<ArticleCaptureResult>;

/**
 * The vault's capture queue: the request and its job are written with the
 * confirmation, the worker fetches the page later (retrying network failures)
 * and links the capture to the article's Source record. Custody names the
 * member of staff who confirmed the item.
 */
const vaultCapture: ArticleCapturer = async (ctx, request) => {
  try {
    const capture = await requestCapture(ctx, {
      url: request.url,
      sourceIds: [request.sourceId],
      allowPrivate: request.allowPrivate,
      notes: `captured on confirming monitored item ${request.itemId}`,
    });
    return { captureId: capture.id };
  } catch (err) {
    // An address the vault will not fetch (not http or https, say) must not block the records.
    if (err instanceof VigilError && err.code === "validation") return { note: `the vault cannot capture this address: ${err.message}` };
    throw err;
  }
};

let capturer: ArticleCapturer = vaultCapture;

/** Replaces the capturer (tests that need a failing vault). Returns the previous one. */
export function setArticleCapturer(next: ArticleCapturer): ArticleCapturer {
  const prev = capturer;
  capturer = next;
  return prev;
}

/** Requests the capture (the call site: `confirmItem` in triage.ts). */
export function requestArticleCapture(ctx: Ctx, request: ArticleCaptureRequest): Promise<ArticleCaptureResult> {
  return capturer(ctx, request);
}
