import { readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { VigilError } from "../core/errors.ts";
import type { Ctx } from "../core/context.ts";
import { openForCommand, positiveInt, withData } from "../cli/common.ts";
import { Vault } from "./vault.ts";
import { captureUrl } from "./capture/capture.ts";
import { verifyBundle } from "./verify/verify-bundle.ts";
import { checkLiveness } from "./liveness.ts";
import { rotateLogKey } from "./keys.ts";
import { checkVault } from "./db/check.ts";
import { defaultOriginFor } from "./routes.ts";
import { addEvidenceFile, CAPTURE_STATUSES, exportEvidence, linkEvidence, listCaptureRequests, requestCapture, type CaptureStatus } from "./use-cases.ts";

interface Common {
  data?: string;
  origin?: string;
  json?: boolean;
  actor: string;
}

const out = (json: boolean | undefined, value: unknown, human: string): void => {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
};

function common(cmd: Command): Command {
  return withData(cmd)
    .option("--origin <origin>", "log origin and key name (schema-less URL); fixed when the vault is first used")
    .option("--actor <name>", "who is acting, for the custody record", userInfo().username)
    .option("--json", "machine-readable output");
}

/**
 * Opens the configured database and its vault for one command, as the local
 * operator (whoever can read the data folder holds everything in it), and
 * closes them afterwards.
 */
async function withVault<T>(o: Common, fn: (vault: Vault, ctx: Ctx) => Promise<T>): Promise<T> {
  const { store, ctx, config } = await openForCommand(o.data ? { data: o.data } : {});
  try {
    const defaultOrigin = defaultOriginFor(config);
    const vault = await Vault.open({ store, ...(o.origin ? { origin: o.origin } : {}), ...(defaultOrigin ? { defaultOrigin } : {}) });
    for (const line of vault.openReport.repaired) process.stderr.write(`vigil: repaired on open: ${line}\n`);
    return await fn(vault, ctx);
  } finally {
    await store.close();
  }
}

const repeatable = (v: string, acc: string[]): string[] => [...acc, v];

/** Registers `vigil vault …` and `vigil verify`. */
export function register(program: Command): void {
  const vault = program.command("vault").description("evidence vault: add files, capture pages, export and inspect the custody log");

  common(vault.command("add").description("add a file as an immutable item with a custody record").argument("<file>", "file to add"))
    .option("--source <id>", "link the item to a Source record as its evidence (repeatable)", repeatable, [] as string[])
    .option("--url <url>", "where the file came from")
    .option("--title <text>", "a short title")
    .option("--notes <text>", "notes for the custody record")
    .addOption(new Option("--confidentiality <level>", "who may see it").choices(["public", "staff", "restricted"]).default("staff"))
    .action(async (file: string, o: Common & { source: string[]; url?: string; title?: string; notes?: string; confidentiality: string }) => {
      await withVault(o, async (v, ctx) => {
        const { item, events } = await addEvidenceFile(ctx, v, resolve(file), {
          custodyActor: o.actor,
          sourceIds: o.source,
          confidentiality: o.confidentiality,
          ...(o.url ? { sourceUrl: o.url } : {}),
          ...(o.title ? { title: o.title } : {}),
          ...(o.notes ? { notes: o.notes } : {}),
        });
        out(o.json, { item, events }, `added ${item.id}\n  original ${item.original.digest} (${item.original.size} bytes, ${item.original.mediaType})${item.derived.map((d) => `\n  ${d.role} ${d.digest}`).join("")}${item.sourceIds.length ? `\n  evidence of ${item.sourceIds.join(", ")}` : ""}\n  custody events ${events.map((e) => e.index).join(", ")}`);
      });
    });

  common(vault.command("capture").description("capture a web page (raw WARC, or rendered in Chromium as a signed WACZ)").argument("<url>", "page to capture"))
    .option("--rendered", "render in headless Chromium: every exchange, screenshot, DOM and text, as WACZ")
    .option("--allow-private", "allow private and loopback addresses (off by default)")
    .option("--keep-flagged", "keep a capture flagged as login wall, challenge, empty or error")
    .option("--source <id>", "the Source record it is evidence of (repeatable; default: the URL's web-capture Source, created if needed)", repeatable, [] as string[])
    .option("--notes <text>", "notes for the custody record")
    .option("--queue", "hand the capture to the worker (retried on network failures) instead of running it now")
    .addOption(new Option("--timeout <seconds>", "give up after this long").argParser(positiveInt("--timeout")))
    .action(async (url: string, o: Common & { rendered?: boolean; allowPrivate?: boolean; keepFlagged?: boolean; source: string[]; notes?: string; timeout?: number; queue?: boolean }) => {
      await withVault(o, async (v, ctx) => {
        if (o.queue) {
          const req = await requestCapture(ctx, { url, custodyActor: o.actor, sourceIds: o.source, ...(o.rendered ? { rendered: true } : {}), ...(o.allowPrivate ? { allowPrivate: true } : {}), ...(o.keepFlagged ? { keepFlagged: true } : {}), ...(o.notes ? { notes: o.notes } : {}) });
          out(o.json, req, `queued capture ${req.id} of ${req.url}; the worker runs it (see \`vigil vault captures\`)`);
          return;
        }
        const r = await captureUrl(ctx, v, url, {
          actor: o.actor,
          sourceIds: o.source,
          ...(o.rendered ? { rendered: true } : {}),
          ...(o.allowPrivate ? { allowPrivate: true } : {}),
          ...(o.keepFlagged ? { keepFlagged: true } : {}),
          ...(o.notes ? { notes: o.notes } : {}),
          ...(o.timeout ? { timeoutMs: o.timeout * 1000 } : {}),
        });
        out(o.json, r, r.ok ? `captured ${url} as ${r.item!.id} (${r.item!.original.digest})${r.sourceId ? `, evidence of ${r.sourceId}` : ""}` : `NOT captured as a success: ${r.reasons.join("; ")}${r.item ? ` (kept as ${r.item.id} with flags ${r.flags.join(", ")})` : " (nothing stored)"}`);
        if (!r.ok) process.exitCode = 3;
      });
    });

  common(vault.command("captures").description("list capture requests handed to the worker, newest first"))
    .addOption(new Option("--limit <n>", "how many (at most 500)").argParser(positiveInt("--limit")).default(20))
    .addOption(new Option("--status <status>", "only requests of this status").choices([...CAPTURE_STATUSES]))
    .option("--before <id>", "the requests older than this one (the last id of the previous list)")
    .action(async (o: Common & { limit: number; status?: CaptureStatus; before?: string }) => {
      await withVault(o, async (_v, ctx) => {
        const list = (await listCaptureRequests(ctx, { limit: o.limit, ...(o.status ? { status: o.status } : {}), ...(o.before ? { before: o.before } : {}) })).captures;
        out(o.json, list, list.map((c) => `${c.id} ${c.status.padEnd(8)} ${c.url}${c.itemId ? ` → ${c.itemId}` : ""}${c.error ? ` (${c.error})` : ""}`).join("\n") || "no capture requests");
      });
    });

  common(vault.command("link").description("link an item to a Source record as its evidence").argument("<item>", "item id").argument("<source>", "Source record id"))
    .action(async (itemId: string, sourceId: string, o: Common) => {
      await withVault(o, async (v, ctx) => {
        const logged = await linkEvidence(ctx, v, itemId, sourceId, o.actor);
        out(o.json, { linked: logged !== undefined, event: logged }, logged ? `linked ${itemId} to ${sourceId} (custody event ${logged.index})` : `${itemId} was already evidence of ${sourceId}`);
      });
    });

  common(vault.command("export").description("write an evidence bundle that `vigil verify` checks offline").argument("<out>", "bundle file (.zip)"))
    .option("--source <id>", "the items that are evidence of this Source record")
    .option("--all", "every item, with the whole log")
    .action(async (file: string, o: Common & { source?: string; all?: boolean }) => {
      if (!o.source === !o.all) throw new VigilError("validation", "give exactly one of --source ID or --all");
      await withVault(o, async (v, ctx) => {
        const r = await exportEvidence(ctx, v, resolve(file), { custodyActor: o.actor, ...(o.all ? { all: true } : { sourceId: o.source! }) });
        out(o.json, r, `wrote ${r.path}\n  ${r.items} items, ${r.events} custody events, log size ${r.checkpointSize}\n  ${r.sha256}`);
      });
    });

  common(vault.command("log").description("show the signed checkpoint, an item's custody with proofs, or a consistency proof"))
    .option("--item <id>", "print the item's custody events with c2sp tlog-proof receipts")
    .addOption(new Option("--consistency <size>", "consistency proof from an earlier tree size to now").argParser(positiveInt("--consistency", 0)))
    .action(async (o: Common & { item?: string; consistency?: number }) => {
      await withVault(o, async (v) => {
        const { note, size } = await v.currentCheckpoint();
        if (o.item) {
          const receipt = await v.receipt(o.item);
          out(o.json, receipt, receipt.events.map((e) => `${e.entry}\n${e.proof}`).join("\n"));
        } else if (o.consistency !== undefined) {
          const proof = v.log.tree.consistencyProof(o.consistency, size).map((h) => h.toString("base64"));
          out(o.json, { from: o.consistency, to: size, proof }, proof.join("\n"));
        } else {
          out(o.json, { size, checkpoint: note, keys: v.keys.logKeys }, note.trimEnd());
        }
      });
    });

  common(vault.command("check").description("check the log, its checkpoints, the custody rows, items and blobs; exits 1 on any problem"))
    .option("--deep", "also re-hash every blob")
    .action(async (o: Common & { deep?: boolean }) => {
      await withVault(o, async (v) => {
        const r = await checkVault(v, { deep: o.deep === true });
        out(o.json, r, r.ok ? `OK:\n  ${r.checked.join("\n  ")}` : `PROBLEMS (${r.problems.length}):\n  ${r.problems.join("\n  ")}`);
        if (!r.ok) process.exitCode = 1;
      });
    });

  common(vault.command("keys").description("show the log's public keys, or rotate the signing key"))
    .option("--rotate", "retire the current log key and create a new one (the old one stays listed)")
    .action(async (o: Common & { rotate?: boolean }) => {
      await withVault(o, async (v) => {
        const keys = o.rotate ? await rotateLogKey(v.store.dataDir, v.origin) : v.keys;
        out(o.json, { logKeys: keys.logKeys, waczPublicKey: keys.waczPublicKey }, keys.logKeys.map((k) => `${k.vkey}${k.retired ? ` (retired ${k.retired})` : " (current)"}`).join("\n"));
      });
    });

  common(vault.command("liveness").description("re-check captured URLs now and record changes and disappearances"))
    .option("--item <id>", "only this item")
    .option("--allow-private", "allow private and loopback addresses")
    .action(async (o: Common & { item?: string; allowPrivate?: boolean }) => {
      await withVault(o, async (v, ctx) => {
        const r = await checkLiveness(ctx, v, { actor: o.actor, ...(o.item ? { itemIds: [o.item] } : {}), ...(o.allowPrivate ? { allowPrivate: true } : {}) });
        out(o.json, r, r.map((x) => `${x.itemId} ${x.state}${x.recorded ? " (recorded)" : ""}: ${x.url} — ${x.detail}`).join("\n") || "no captured URLs");
      });
    });

  program
    .command("verify")
    .description("check an evidence bundle offline; exits 0 when every check passes")
    .argument("<bundle>", "bundle file")
    .option("--key <vkey>", "trust only this log key (as published at /.well-known/vigil-log-key); repeatable", repeatable, [] as string[])
    .option("--checkpoint <file>", "a checkpoint obtained earlier: the bundle's log must extend it")
    .option("--json", "machine-readable output")
    .action(async (file: string, o: { key: string[]; checkpoint?: string; json?: boolean }) => {
      const trustedCheckpoint = o.checkpoint ? await readFile(o.checkpoint, "utf8") : undefined;
      const r = await verifyBundle(resolve(file), { ...(o.key.length ? { trustedKeys: o.key } : {}), ...(trustedCheckpoint !== undefined ? { trustedCheckpoint } : {}) });
      out(o.json, r, r.ok ? `OK: ${r.passed.join("\n    ")}` : `FAILED (${r.failures.length}):\n  ${r.failures.join("\n  ")}`);
      if (!r.ok) process.exitCode = 1;
    });
}
