import type { Ctx } from "../core/context.ts";

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

const vaultCapture: ArticleCapturer = async () => ({ note: "this version of Vigil has no capture queue in the vault yet: capture the article by hand" });

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
