import { SEALED_PREFIX } from "../../src/secrets/secret-box.ts";
import { test } from "node:test";
import assert from "node:assert/strict";
import { generate } from "otplib";
import { sql } from "kysely";
import { forEachStore } from "../helpers/store.ts";
import { makeCtx, SYSTEM, type Ctx } from "../../src/core/context.ts";
import type { VigilError } from "../../src/core/errors.ts";
import {
  adb,
  approveRecovery,
  auditSink,
  beginTotp,
  ClientThrottle,
  completeSecondFactor,
  confirmTotp,
  createApiToken,
  createSetupLink,
  createUser,
  actorFor,
  addGrant,
  finishPasskeyRegistration,
  hashPassword,
  listAudit,
  mayRead,
  can,
  passkeyRegistrationOptions,
  passkeySignInOptions,
  peekLink,
  redeemLink,
  resolveApiToken,
  resolveSession,
  revokeApiToken,
  setupNeeded,
  signInWithPasskey,
  signInWithPassword,
  startRecovery,
  updateUser,
  upgradeSession,
  verifyPassword,
  type RelyingParty,
  type SignInEnv,
} from "../../src/accounts/index.ts";
import { SoftAuthenticator } from "./soft-authenticator.ts";
import { createRecord } from "../../src/records/index.ts";

const PASSWORD = "correct horse battery staple";
const rp: RelyingParty = { id: "localhost", name: "Vigil", origin: "http://localhost:8080" };

test("password hashes carry their scrypt parameters and verify only the right password", async () => {
  const h = await hashPassword(PASSWORD);
  assert.match(h, /^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.equal(await verifyPassword(PASSWORD, h), true);
  assert.equal(await verifyPassword(`${PASSWORD}!`, h), false);
  assert.equal(await verifyPassword(PASSWORD, h.replace("ln=15", "ln=14")), false);
  assert.equal(await verifyPassword(PASSWORD, "plaintext"), false);
  assert.notEqual(await hashPassword(PASSWORD), h, "fresh salt each time");
});

forEachStore("accounts", (fixture) => {
  const sys = (): Ctx => makeCtx(fixture().store, { ...SYSTEM, id: "system:test" }, { audit: auditSink });
  const env = (now = new Date(), clients = new ClientThrottle()): SignInEnv => ({ store: fixture().store, now, clientKey: "client-a", clients });
  const code = (secret: string, at: Date): Promise<string> => generate({ secret, epoch: Math.floor(at.getTime() / 1000) });
  let secret = "";
  let aliceId = "";

  test("a new account signs in with its password only to set up a second factor, then needs the code; a code works once", async () => {
    const alice = await createUser(sys(), { email: "Alice@Example.org", displayName: "Alice", role: "editor", password: PASSWORD });
    aliceId = alice.id;
    assert.equal(alice.email, "alice@example.org");
    const first = await signInWithPassword(env(), "alice@example.org", PASSWORD);
    assert.equal(first.kind, "session");
    assert.ok(first.kind === "session" && first.session.stage === "enrol");
    const enrolCtx = makeCtx(fixture().store, { id: alice.id, role: "editor" }, { audit: auditSink });
    const started = await beginTotp(enrolCtx, "Vigil");
    secret = started.secret;
    assert.match(started.uri, /^otpauth:\/\/totp\//);
    await assert.rejects(confirmTotp(enrolCtx, started.flowToken, "000000"), (e: VigilError) => e.where?.field === "code");
    const now = new Date();
    const pending = await adb(fixture().store.db).selectFrom("auth_flows").selectAll().execute();
    assert.ok(!JSON.stringify(pending).includes(secret), "a pending seed is sealed in the database");
    await confirmTotp(enrolCtx, started.flowToken, await code(secret, now));
    const stored = await adb(fixture().store.db).selectFrom("users").select("totp_secret").where("id", "=", alice.id).executeTakeFirstOrThrow();
    assert.ok(stored.totp_secret?.startsWith(SEALED_PREFIX) && !stored.totp_secret.includes(secret), "the seed is sealed at rest: a copy of the database cannot make codes");
    const upgraded = first.kind === "session" ? await upgradeSession(fixture().store, first.session, now) : undefined;
    assert.equal(upgraded?.session.stage, "full");
    assert.equal(await resolveSession(adb(fixture().store.db), first.kind === "session" ? first.token : "", now), undefined, "the enrolment token ends");

    // The next sign-in asks for a code; the code of the step enrolment used is refused (replay).
    const later = new Date(now.getTime() + 1000);
    const step1 = await signInWithPassword(env(later), "alice@example.org", PASSWORD);
    assert.equal(step1.kind, "second_factor");
    if (step1.kind !== "second_factor") return;
    assert.equal((await completeSecondFactor(env(later), step1.flowToken, await code(secret, now))).kind, "failed", "a used code is refused");
    const next = new Date(now.getTime() + 30_000);
    const done = await completeSecondFactor(env(later), step1.flowToken, await code(secret, next));
    assert.equal(done.kind, "session");
    assert.ok(done.kind === "session" && done.session.stage === "full" && done.session.method === "password+totp");
    assert.ok(done.kind === "session" && done.token.length >= 43, "at least 256 bits");
    const row = await adb(fixture().store.db).selectFrom("sessions").selectAll().execute();
    assert.ok(row.every((r) => done.kind === "session" && r.id !== done.token), "only hashes are stored");
    // The same flow cannot be used again, nor the same code through a new flow.
    assert.equal((await completeSecondFactor(env(later), step1.flowToken, await code(secret, next))).kind, "failed");
    const step2 = await signInWithPassword(env(later), "alice@example.org", PASSWORD);
    assert.equal(step2.kind === "second_factor" ? (await completeSecondFactor(env(later), step2.flowToken, await code(secret, next))).kind : step2.kind, "failed");
  });

  test("unknown and known users get the same answer; bursts are throttled alike; failures are logged", async () => {
    const t = new Date();
    const unknown = await signInWithPassword(env(t), "nobody@example.org", PASSWORD);
    const wrong = await signInWithPassword(env(t), "alice@example.org", "not the password at all");
    assert.deepEqual(unknown, wrong);
    assert.deepEqual(unknown, { kind: "failed" });
    for (let i = 0; i < 5; i++) {
      await signInWithPassword(env(t), "alice@example.org", `wrong ${i}`);
      await signInWithPassword(env(t), "nobody@example.org", `wrong ${i}`);
    }
    const a = await signInWithPassword(env(t), "alice@example.org", PASSWORD);
    const b = await signInWithPassword(env(t), "nobody@example.org", PASSWORD);
    assert.equal(a.kind, "throttled", "even the right password waits while locked");
    assert.equal(b.kind, "throttled");
    // A burst from one client across many accounts is stopped by the client throttle.
    const clients = new ClientThrottle(3);
    for (let i = 0; i < 3; i++) await signInWithPassword(env(t, clients), `someone${i}@example.org`, "x".repeat(12));
    assert.equal((await signInWithPassword(env(t, clients), "fresh@example.org", "x".repeat(12))).kind, "throttled");
    const failures = await listAudit(sys(), { action: "auth.sign_in_failed" });
    assert.ok(failures.length >= 10);
    assert.ok(failures.every((f) => !JSON.stringify(f).includes("nobody@example.org")), "typed emails are not logged");
  });

  test("passkeys: registration and sign-in verify for real; a wrong origin, a replayed challenge and an unknown key are refused", async () => {
    const ctx = makeCtx(fixture().store, { id: aliceId, role: "editor" }, { audit: auditSink });
    const auth = new SoftAuthenticator(aliceId);
    const reg = await passkeyRegistrationOptions(ctx, rp);
    const options = reg.options as { challenge: string; rp: { id: string } };
    await finishPasskeyRegistration(ctx, rp, reg.flowToken, auth.register(options, rp.origin), "test key");
    await assert.rejects(finishPasskeyRegistration(ctx, rp, reg.flowToken, auth.register(options, rp.origin), "again"), /expired|already/);

    const later = new Date(Date.now() + 120_000); // past the password lock above
    const signIn = await passkeySignInOptions(adb(fixture().store.db), rp, later);
    const challenge = (signIn.options as { challenge: string }).challenge;
    const ok = await signInWithPasskey(env(later), rp, signIn.flowToken, auth.assert({ challenge }, rp.origin));
    assert.equal(ok.kind, "session");
    assert.ok(ok.kind === "session" && ok.user.id === aliceId && ok.session.method === "passkey");
    assert.equal((await signInWithPasskey(env(later), rp, signIn.flowToken, auth.assert({ challenge }, rp.origin))).kind, "failed", "a challenge works once");

    const phish = await passkeySignInOptions(adb(fixture().store.db), rp, later);
    const c2 = (phish.options as { challenge: string }).challenge;
    assert.equal((await signInWithPasskey(env(later), rp, phish.flowToken, auth.assert({ challenge: c2, rpId: "localhost" }, "https://vigil-login.example.net"))).kind, "failed", "a relayed assertion from another origin fails");
    const c3 = await passkeySignInOptions(adb(fixture().store.db), rp, later);
    const stranger = new SoftAuthenticator();
    assert.equal((await signInWithPasskey(env(later), rp, c3.flowToken, stranger.assert({ challenge: (c3.options as { challenge: string }).challenge }, rp.origin))).kind, "failed");
  });

  test("API tokens are scoped, stored hashed, revocable; a narrow token cannot widen itself", async () => {
    const ctx = makeCtx(fixture().store, { id: aliceId, role: "editor" }, { audit: auditSink });
    const { token, info } = await createApiToken(ctx, { name: "script", scopes: ["read"], days: 30 });
    const db = adb(fixture().store.db);
    assert.ok(!(await db.selectFrom("api_tokens").select("token_hash").execute()).some((r) => r.token_hash === token));
    const resolved = await resolveApiToken(db, token, new Date());
    assert.equal(resolved?.user.id, aliceId);
    const actor = await actorFor(db, { id: aliceId, role: "editor" }, resolved.token.scopes);
    assert.equal(can(actor, "record.read"), true);
    assert.equal(can(actor, "record.update"), false, "an editor's read-only token cannot write");
    await assert.rejects(createApiToken({ ...ctx, actor }, { name: "wider", scopes: ["write"], days: 1 }), (e: VigilError) => e.code === "forbidden" || e.code === "unauthenticated");
    assert.equal(await resolveApiToken(db, token, new Date(Date.now() + 31 * 86400_000)), undefined, "expired");
    await revokeApiToken(ctx, info.id);
    assert.equal(await resolveApiToken(db, token, new Date()), undefined, "revoked");
    const other = makeCtx(fixture().store, { id: "usr_someoneelse", role: "editor" });
    await assert.rejects(revokeApiToken(other, info.id), (e: VigilError) => e.code === "forbidden");
    await assert.rejects(createApiToken(ctx, { name: "", scopes: ["everything"], days: 9999 }), (e: VigilError) => e.problems.length === 3);
  });

  test("restricted access follows grants per role and per person; tokens need the restricted scope", async () => {
    const db = adb(fixture().store.db);
    const viewer = await createUser(sys(), { email: "viewer@example.org", role: "viewer", password: PASSWORD });
    const x = (await createRecord(sys(), { type: "source", label: "restricted source x", confidentiality: "restricted" })).id;
    const y = (await createRecord(sys(), { type: "source", label: "restricted source y", confidentiality: "restricted" })).id;
    let actor = await actorFor(db, viewer);
    assert.equal(mayRead(actor, "restricted", [x]), false);
    await addGrant(sys(), { subjectType: "user", subject: viewer.id, target: x });
    actor = await actorFor(db, viewer);
    assert.equal(mayRead(actor, "restricted", [x]), true);
    assert.equal(mayRead(actor, "restricted", [y]), false);
    await addGrant(sys(), { subjectType: "role", subject: "viewer", target: "*" });
    actor = await actorFor(db, viewer);
    assert.equal(mayRead(actor, "restricted", [y]), true);
    assert.equal(mayRead(await actorFor(db, viewer, ["read"]), "restricted", [y]), false);
    assert.equal(mayRead(await actorFor(db, viewer, ["read", "restricted"]), "restricted", [y]), true);
    const log = await listAudit(sys(), { action: "grant.added" });
    assert.equal(log.length, 2);
  });

  test("recovery needs a second admin, never skips the second factor, and ends every old credential", async () => {
    const a1 = await createUser(sys(), { email: "admin1@example.org", role: "admin", password: PASSWORD });
    const a2 = await createUser(sys(), { email: "admin2@example.org", role: "admin", password: PASSWORD });
    const c1 = makeCtx(fixture().store, { id: a1.id, role: "admin" }, { audit: auditSink });
    const c2 = makeCtx(fixture().store, { id: a2.id, role: "admin" }, { audit: auditSink });
    const cAlice = makeCtx(fixture().store, { id: aliceId, role: "admin" }, { audit: auditSink });
    await assert.rejects(startRecovery(c1, a1.id, "lost phone"), (e: VigilError) => e.code === "forbidden");
    const req = await startRecovery(c1, aliceId, "met in person, checked ID");
    await assert.rejects(approveRecovery(c1, req.id), (e: VigilError) => e.code === "forbidden", "the initiator cannot approve");
    await assert.rejects(approveRecovery(cAlice, req.id), (e: VigilError) => e.code === "forbidden", "the person cannot approve");
    const { token } = await approveRecovery(c2, req.id);
    await assert.rejects(approveRecovery(c2, req.id), (e: VigilError) => e.code === "not_found");
    const db = adb(fixture().store.db);
    assert.ok(await peekLink(db, "recovery", token, new Date()));
    await assert.rejects(redeemLink(fixture().store, "recovery", token, { password: "short", confirm: "other" }, new Date()), (e: VigilError) => e.problems.length === 2);
    const redeemed = await redeemLink(fixture().store, "recovery", token, { password: "a brand new passphrase", confirm: "a brand new passphrase" }, new Date());
    assert.equal(redeemed.session.stage, "enrol", "the link gives only a session to set up a second factor");
    const row = await db.selectFrom("users").selectAll().where("id", "=", aliceId).executeTakeFirstOrThrow();
    assert.equal(row.totp_secret, null);
    assert.equal((await db.selectFrom("passkeys").select("id").where("user_id", "=", aliceId).execute()).length, 0);
    assert.equal((await db.selectFrom("sessions").select("id").where("user_id", "=", aliceId).where("stage", "=", "full").execute()).length, 0, "old sessions ended");
    await assert.rejects(redeemLink(fixture().store, "recovery", token, { password: "a brand new passphrase", confirm: "a brand new passphrase" }, new Date()), (e: VigilError) => e.code === "not_found", "once only");
    const step = await signInWithPassword(env(new Date(Date.now() + 3 * 3600_000)), "alice@example.org", "a brand new passphrase");
    assert.ok(step.kind === "session" && step.session.stage === "enrol");
  });

  test("disabling ends sessions and tokens at once; the last admin stays; setup links only while no admin exists", async () => {
    const db = adb(fixture().store.db);
    const v = await createUser(sys(), { email: "temp@example.org", role: "viewer", password: PASSWORD });
    const s = await signInWithPassword(env(new Date(Date.now() + 3 * 3600_000)), "temp@example.org", PASSWORD);
    assert.equal(s.kind, "session");
    await updateUser(sys(), v.id, { status: "disabled" });
    assert.equal(await resolveSession(db, s.kind === "session" ? s.token : "", new Date()), undefined);
    assert.equal(await setupNeeded(db), false);
    const admins = await db.selectFrom("users").select(["id"]).where("role", "=", "admin").execute();
    for (const a of admins.slice(1)) await updateUser(sys(), a.id, { status: "disabled" });
    await assert.rejects(updateUser(sys(), admins[0]!.id, { role: "viewer" }), (e: VigilError) => e.code === "conflict");
    await updateUser(sys(), admins[0]!.id, { status: "active" });
  });

  test("the audit log refuses changes at the database", async () => {
    const { store } = fixture();
    await assert.rejects(sql`UPDATE audit_log SET action = 'x'`.execute(store.db), /append-only/);
    await assert.rejects(sql`DELETE FROM audit_log`.execute(store.db), /append-only/);
  });
});

forEachStore("first start", (fixture) => {
  test("a setup link creates the first admin once; it gives an enrolment session only", async () => {
    const { store } = fixture();
    const db = adb(store.db);
    assert.equal(await setupNeeded(db), true);
    const old = await createSetupLink(db, new Date());
    const token = await createSetupLink(db, new Date());
    assert.equal(await peekLink(db, "setup", old, new Date()), undefined, "a new link ends the old one");
    const r = await redeemLink(store, "setup", token, { email: "first@example.org", displayName: "First", password: PASSWORD, confirm: PASSWORD }, new Date());
    assert.equal(r.user.role, "admin");
    assert.equal(r.session.stage, "enrol");
    assert.equal(await setupNeeded(db), false);
    await assert.rejects(redeemLink(store, "setup", token, { email: "second@example.org", password: PASSWORD, confirm: PASSWORD }, new Date()), (e: VigilError) => e.code === "not_found");
  });
});
