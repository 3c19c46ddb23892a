import { readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { VigilError } from "../core/errors.ts";
import { Vault, DEFAULT_ORIGIN } from "./vault.ts";
import { captureUrl } from "./capture/capture.ts";
import { exportBundle } from "./bundle.ts";
import { verifyBundle } from "./verify/verify-bundle.ts";
import { checkLiveness } from "./liveness.ts";
import { rotateLogKey } from "./keys.ts";

interface Common {
  data: string;
  origin: string;
  json?: boolean;
  actor: string;
}

const out = (json: boolean | undefined, value: unknown, human: string): void => {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
};

function common(cmd: Command): Command {
  return cmd
    .option("--data <dir>", "data folder", "vigil-data")
    .option("--origin <origin>", "log origin and key name (schema-less URL)", DEFAULT_ORIGIN)
    .option("--actor <name>", "who is acting, for the custody record", userInfo().username)
    .option("--json", "machine-readable output");
}

const open = (o: Common): Promise<Vault> => Vault.open({ dataDir: resolve(o.data), origin: o.origin });

/** Registers `vigil vault …` and `vigil verify`. */
export function register(program: Command): void {
  const vault = program.command("vault").description("evidence vault: add files, capture pages, export and inspect the custody log");

  common(vault.command("add").description("add a file as an immutable item with a custody record").argument("<file>", "file to add"))
    .option("--source <id>", "link the item to a record Source id (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--url <url>", "where the file came from")
    .option("--notes <text>", "notes for the custody record")
    .action(async (file: string, o: Common & { source: string[]; url?: string; notes?: string }) => {
      const v = await open(o);
      const { item, events } = await v.addFile(resolve(file), { actor: o.actor, sourceIds: o.source, ...(o.url ? { sourceUrl: o.url } : {}), ...(o.notes ? { notes: o.notes } : {}) });
      out(o.json, { item, events }, `added ${item.id}\n  original ${item.original.digest} (${item.original.size} bytes, ${item.original.mediaType})${item.derived.map((d) => `\n  ${d.role} ${d.digest}`).join("")}\n  custody events ${events.map((e) => e.index).join(", ")}`);
    });

  common(vault.command("capture").description("capture a web page (raw WARC, or rendered in Chromium as a signed WACZ)").argument("<url>", "page to capture"))
    .option("--rendered", "render in headless Chromium: every exchange, screenshot, DOM and text, as WACZ")
    .option("--allow-private", "allow private and loopback addresses (off by default)")
    .option("--keep-flagged", "keep a capture flagged as login wall, challenge, empty or error")
    .option("--source <id>", "link the item to a record Source id (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--notes <text>", "notes for the custody record")
    .addOption(new Option("--timeout <seconds>", "give up after this long").argParser(Number))
    .action(async (url: string, o: Common & { rendered?: boolean; allowPrivate?: boolean; keepFlagged?: boolean; source: string[]; notes?: string; timeout?: number }) => {
      const v = await open(o);
      const r = await captureUrl(v, url, {
        actor: o.actor,
        sourceIds: o.source,
        ...(o.rendered ? { rendered: true } : {}),
        ...(o.allowPrivate ? { allowPrivate: true } : {}),
        ...(o.keepFlagged ? { keepFlagged: true } : {}),
        ...(o.notes ? { notes: o.notes } : {}),
        ...(o.timeout ? { timeoutMs: o.timeout * 1000 } : {}),
      });
      out(o.json, r, r.ok ? `captured ${url} as ${r.item!.id} (${r.item!.original.digest})` : `NOT captured as a success: ${r.reasons.join("; ")}${r.item ? ` (kept as ${r.item.id} with flags ${r.flags.join(", ")})` : " (nothing stored)"}`);
      if (!r.ok) process.exitCode = 3;
    });

  common(vault.command("export").description("write an evidence bundle that `vigil verify` checks offline").argument("<out>", "bundle file (.zip)"))
    .option("--source <id>", "the items linked to this Source")
    .option("--all", "every item, with the whole log")
    .action(async (file: string, o: Common & { source?: string; all?: boolean }) => {
      if (!o.source === !o.all) throw new VigilError("validation", "give exactly one of --source ID or --all");
      const v = await open(o);
      const r = await exportBundle(v, resolve(file), { actor: o.actor, ...(o.all ? { all: true } : { sourceId: o.source! }) });
      out(o.json, r, `wrote ${r.path}\n  ${r.items} items, ${r.events} custody events, log size ${r.checkpointSize}\n  ${r.sha256}`);
    });

  common(vault.command("log").description("show the signed checkpoint, an item's custody with proofs, or a consistency proof"))
    .option("--item <id>", "print the item's custody events with c2sp tlog-proof receipts")
    .addOption(new Option("--consistency <size>", "consistency proof from an earlier tree size to now").argParser(Number))
    .action(async (o: Common & { item?: string; consistency?: number }) => {
      const v = await open(o);
      const checkpoint = (await v.log.latestCheckpoint()) ?? (await v.checkpoint());
      if (o.item) {
        const receipt = await v.receipt(o.item);
        out(o.json, receipt, receipt.events.map((e) => `${e.entry}\n${e.proof}`).join("\n"));
      } else if (o.consistency !== undefined) {
        const proof = v.log.tree.consistencyProof(o.consistency, v.log.size).map((h) => h.toString("base64"));
        out(o.json, { from: o.consistency, to: v.log.size, proof }, proof.join("\n"));
      } else {
        out(o.json, { size: v.log.size, checkpoint, keys: v.keys.logKeys }, checkpoint.trimEnd());
      }
    });

  common(vault.command("keys").description("show the log's public keys, or rotate the signing key"))
    .option("--rotate", "retire the current log key and create a new one (the old one stays listed)")
    .action(async (o: Common & { rotate?: boolean }) => {
      const keys = o.rotate ? await rotateLogKey(resolve(o.data), o.origin) : (await open(o)).keys;
      out(o.json, { logKeys: keys.logKeys, waczPublicKey: keys.waczPublicKey }, keys.logKeys.map((k) => `${k.vkey}${k.retired ? ` (retired ${k.retired})` : " (current)"}`).join("\n"));
    });

  common(vault.command("liveness").description("re-check captured URLs and record changes and disappearances"))
    .option("--item <id>", "only this item")
    .option("--allow-private", "allow private and loopback addresses")
    .action(async (o: Common & { item?: string; allowPrivate?: boolean }) => {
      const v = await open(o);
      const r = await checkLiveness(v, { actor: o.actor, ...(o.item ? { itemIds: [o.item] } : {}), ...(o.allowPrivate ? { allowPrivate: true } : {}) });
      out(o.json, r, r.map((x) => `${x.itemId} ${x.state}${x.recorded ? " (recorded)" : ""}: ${x.url} — ${x.detail}`).join("\n") || "no captured URLs");
    });

  program
    .command("verify")
    .description("check an evidence bundle offline; exits 0 when every check passes")
    .argument("<bundle>", "bundle file")
    .option("--key <vkey>", "trust only this log key (as published at /.well-known/vigil-log-key); repeatable", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--checkpoint <file>", "a checkpoint obtained earlier: the bundle's log must extend it")
    .option("--json", "machine-readable output")
    .action(async (file: string, o: { key: string[]; checkpoint?: string; json?: boolean }) => {
      const trustedCheckpoint = o.checkpoint ? await readFile(o.checkpoint, "utf8") : undefined;
      const r = await verifyBundle(resolve(file), { ...(o.key.length ? { trustedKeys: o.key } : {}), ...(trustedCheckpoint !== undefined ? { trustedCheckpoint } : {}) });
      out(o.json, r, r.ok ? `OK: ${r.passed.join("\n    ")}` : `FAILED (${r.failures.length}):\n  ${r.failures.join("\n  ")}`);
      if (!r.ok) process.exitCode = 1;
    });
}

