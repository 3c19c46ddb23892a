import { createWriteStream } from "node:fs";
import { once } from "node:events";
import type { Command } from "commander";
import { emit, openForCommand, withData } from "../cli/common.ts";
import { VigilError } from "../core/errors.ts";
import { auditSink, listAudit, exportAudit } from "./audit.ts";
import { adb } from "./db.ts";
import { addGrant, listGrants, removeGrant } from "./grants.ts";
import { createUser, listUsers, updateUser, userByEmail, USER_ROLES, type User } from "./users.ts";
import { makeCtx } from "../core/context.ts";

/** Reads a line from a terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    let value = "";
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const done = (err?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener("data", onData);
      process.stderr.write("\n");
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003") return done(new VigilError("validation", "cancelled"));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on("data", onData);
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A new password: from a hidden prompt on a terminal (asked twice), else the first line of standard input. Never an argument. */
async function readNewPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    const a = await promptHidden("New password: ");
    const b = await promptHidden("Again: ");
    if (a !== b) throw new VigilError("validation", "the two passwords differ", { where: { field: "password" } });
    return a;
  }
  const line = (await readStdin()).split(/\r?\n/)[0] ?? "";
  if (!line) throw new VigilError("validation", "give the password on standard input (one line), or run on a terminal to be asked", { where: { field: "password" } });
  return line;
}

const describeUser = (u: User): string => `${u.id}  ${u.email}  ${u.role}  ${u.status}${u.hasTotp ? "  totp" : ""}${u.passkeys ? `  passkeys:${u.passkeys}` : ""}  ${u.displayName}`;

async function findUser(db: ReturnType<typeof adb>, who: string): Promise<{ id: string; version: number }> {
  const row = who.startsWith("usr_") ? await db.selectFrom("users").select(["id", "version"]).where("id", "=", who).executeTakeFirst() : await userByEmail(db, who);
  if (!row) throw new VigilError("not_found", `no user ${who}`);
  return row;
}

export function register(program: Command): void {
  const users = program.command("users").description("staff accounts: add, list, disable, roles, restricted access");

  withData(
    users
      .command("add")
      .description("add a member of staff; the password is read from a hidden prompt, or the first line of standard input (never an argument)")
      .requiredOption("--email <email>", "their email address (their sign-in name)")
      .option("--name <name>", "their name as colleagues know it")
      .option("--role <role>", `one of ${USER_ROLES.join(", ")}`, "viewer")
      .option("--admin", "make them an administrator (same as --role admin)")
      .option("--json", "machine-readable output"),
  ).action(async (opts: { data?: string; email: string; name?: string; role: string; admin?: boolean; json?: boolean }) => {
    const password = await readNewPassword();
    const { store, ctx } = await openForCommand(opts);
    try {
      const user = await createUser({ ...ctx, audit: auditSink }, { email: opts.email, ...(opts.name ? { displayName: opts.name } : {}), role: opts.admin ? "admin" : opts.role, password });
      emit(opts.json, user, () => `added ${describeUser(user)}\nThey sign in at /workspace/sign-in and set up a passkey or an authenticator app on first sign-in.`);
    } finally {
      await store.close();
    }
  });

  withData(users.command("list").description("list every account").option("--json", "machine-readable output")).action(async (opts: { data?: string; json?: boolean }) => {
    const { store, ctx } = await openForCommand(opts);
    try {
      const list = await listUsers(ctx);
      emit(opts.json, list, () => (list.length ? list.map(describeUser).join("\n") : "no users yet"));
    } finally {
      await store.close();
    }
  });

  for (const [name, status] of [
    ["disable", "disabled"],
    ["enable", "active"],
  ] as const) {
    withData(
      users
        .command(name)
        .description(name === "disable" ? "disable an account: its sessions end and its API tokens are revoked at once" : "enable a disabled account again")
        .argument("<email-or-id>")
        .option("--json", "machine-readable output"),
    ).action(async (who: string, opts: { data?: string; json?: boolean }) => {
      const { store, ctx } = await openForCommand(opts);
      try {
        const u = await findUser(adb(store.db), who);
        const user = await updateUser(makeCtx(store, ctx.actor, { audit: auditSink }), u.id, { status });
        emit(opts.json, user, () => `${name}d ${describeUser(user)}`);
      } finally {
        await store.close();
      }
    });
  }

  withData(
    users
      .command("role")
      .description("change someone's role (their sessions end, so the new role applies at once)")
      .argument("<email-or-id>")
      .argument("<role>", USER_ROLES.join(", "))
      .option("--json", "machine-readable output"),
  ).action(async (who: string, role: string, opts: { data?: string; json?: boolean }) => {
    const { store, ctx } = await openForCommand(opts);
    try {
      const u = await findUser(adb(store.db), who);
      const user = await updateUser(makeCtx(store, ctx.actor, { audit: auditSink }), u.id, { role });
      emit(opts.json, user, () => `role changed: ${describeUser(user)}`);
    } finally {
      await store.close();
    }
  });

  withData(
    users
      .command("grant")
      .description("grant (or with --revoke remove) access to restricted claims: to a person (email) or a whole role (role:editor), for everything (*) or one record or claim id")
      .argument("<who>", "an email, a user id, or role:<role>")
      .argument("[target]", "* for every restricted item, or a record or claim id", "*")
      .option("--revoke", "remove the grant instead")
      .option("--note <text>", "why (kept with the grant)")
      .option("--json", "machine-readable output"),
  ).action(async (who: string, target: string, opts: { data?: string; revoke?: boolean; note?: string; json?: boolean }) => {
    const { store, ctx } = await openForCommand(opts);
    try {
      const actx = makeCtx(store, ctx.actor, { audit: auditSink });
      const subject = who.startsWith("role:") ? { subjectType: "role" as const, subject: who.slice(5) } : { subjectType: "user" as const, subject: (await findUser(adb(store.db), who)).id };
      if (opts.revoke) {
        const found = (await listGrants(actx, subject)).filter((g) => g.target === target);
        if (!found.length) throw new VigilError("not_found", `no grant of ${target} to ${who}`);
        for (const g of found) await removeGrant(actx, g.id);
        emit(opts.json, { removed: found.length }, () => `removed ${found.length} grant(s)`);
      } else {
        const g = await addGrant(actx, { ...subject, target, note: opts.note ?? null });
        emit(opts.json, g, () => `granted ${target === "*" ? "every restricted item" : target} to ${who} (${g.id})`);
      }
    } finally {
      await store.close();
    }
  });

  const audit = program.command("audit").description("the audit log: sign-ins, restricted reads, exports, permission changes");
  withData(
    audit
      .command("export")
      .description("write the whole audit log as NDJSON, oldest first (the export is itself logged)")
      .option("--out <file>", "file to write (default: standard output)")
      .option("--since <iso>", "only entries at or after this time (ISO 8601)"),
  ).action(async (opts: { data?: string; out?: string; since?: string }) => {
    const { store, ctx } = await openForCommand(opts);
    try {
      const out = opts.out ? createWriteStream(`${opts.out}.partial`) : process.stdout;
      for await (const line of exportAudit(ctx, opts.since ? { since: opts.since } : {})) if (!out.write(line)) await once(out, "drain");
      if (opts.out) {
        const file = out as ReturnType<typeof createWriteStream>;
        file.end();
        await once(file, "close");
        const { renameSync } = await import("node:fs");
        renameSync(`${opts.out}.partial`, opts.out);
      }
    } finally {
      await store.close();
    }
  });
  withData(
    audit
      .command("list")
      .description("show the newest entries")
      .option("--action <action>", "only this action (or a prefix ending in a dot, e.g. auth.)")
      .option("--limit <n>", "how many", "50")
      .option("--json", "machine-readable output"),
  ).action(async (opts: { data?: string; action?: string; limit: string; json?: boolean }) => {
    const { store, ctx } = await openForCommand(opts);
    try {
      const list = await listAudit(ctx, { ...(opts.action ? { action: opts.action } : {}), limit: Number(opts.limit) || 50 });
      emit(opts.json, list, () => list.map((e) => `${e.seq}  ${e.at}  ${e.actorId}  ${e.action}${e.targetId ? `  ${e.targetType ?? ""}:${e.targetId}` : ""}  ${JSON.stringify(e.detail)}`).join("\n"));
    } finally {
      await store.close();
    }
  });
}
