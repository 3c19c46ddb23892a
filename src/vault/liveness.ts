import { VigilError } from "../core/errors.ts";
import { custodyEvent, type Item } from "./custody.ts";
import { decodeBodyBytes } from "./capture/assess.ts";
import { rawFetch } from "./capture/raw-fetch.ts";
import { sha256Digest } from "./blob/hashing.ts";
import { TOOL, type Vault } from "./vault.ts";

export type LivenessState = "unchanged" | "changed" | "gone";

export interface LivenessResult {
  itemId: string;
  url: string;
  state: LivenessState;
  status?: number;
  detail: string;
  recorded: boolean;
}

/**
 * Re-checks the URLs of web captures (the worker calls this on a schedule).
 * A page that disappeared or changed since the last known state is recorded
 * as a custody event: the deletion is evidence too. An unchanged page is
 * reported but not logged, so the log grows only with news.
 */
export async function checkLiveness(vault: Vault, opts: { itemIds?: string[]; allowPrivate?: boolean; actor?: string; timeoutMs?: number } = {}): Promise<LivenessResult[]> {
  const items = (await vault.items.list()).filter((i) => i.kind === "web_capture" && i.sourceUrl && (!opts.itemIds || opts.itemIds.includes(i.id)));
  const out: LivenessResult[] = [];
  for (const item of items) out.push(await checkOne(vault, item, opts));
  return out;
}

async function checkOne(vault: Vault, item: Item, opts: { allowPrivate?: boolean; actor?: string; timeoutMs?: number }): Promise<LivenessResult> {
  const url = item.sourceUrl!;
  const history = await vault.custody(item.id);
  let baseline: string | undefined;
  let lastState: LivenessState = "unchanged";
  for (const { event } of history) {
    if (event.type === "captured" || event.type === "liveness_changed") {
      baseline = event.hashes.page_body ?? baseline;
      lastState = event.type === "captured" ? "unchanged" : "changed";
    }
    if (event.type === "liveness_gone") lastState = "gone";
  }
  let state: LivenessState;
  let status: number | undefined;
  let detail: string;
  let bodyHash: string | undefined;
  try {
    const exchanges = await rawFetch(url, { ...(opts.allowPrivate ? { allowPrivate: true } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
    const last = exchanges[exchanges.length - 1]!;
    status = last.status;
    if (status === 404 || status === 410 || status === 451) {
      state = "gone";
      detail = `the server now answers ${status}`;
    } else {
      bodyHash = sha256Digest(decodeBodyBytes(last.body, last.responseHeaders));
      state = baseline && bodyHash === baseline ? "unchanged" : "changed";
      detail = state === "unchanged" ? "same content as last recorded" : `content differs from the last recorded state (status ${status})`;
    }
  } catch (err) {
    if (err instanceof VigilError && err.code === "forbidden") throw err;
    state = "gone";
    detail = `unreachable: ${(err as Error).message}`;
  }
  const news = state !== "unchanged" && !(state === "gone" && lastState === "gone");
  if (news) {
    await vault.record([
      custodyEvent({
        item: item.id,
        type: state === "gone" ? "liveness_gone" : "liveness_changed",
        actor: opts.actor ?? "liveness-check",
        method: "scheduled re-check of the captured URL",
        tool: TOOL,
        sourceUrl: url,
        hashes: bodyHash ? { page_body: bodyHash } : {},
        notes: detail,
      }),
    ]);
  }
  return { itemId: item.id, url, state, ...(status !== undefined ? { status } : {}), detail, recorded: news };
}
