import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { runVigil, VIGIL } from "../helpers/cli.ts";
import { openKeyFile, parseKeyFile } from "../../src/memorial/index.ts";

/**
 * Testimony through the real server process: sealed on arrival, no address
 * or browser kept or logged anywhere (canaries in the headers, searched for
 * in the database files, the logs and the temporary folder), hostile uploads
 * refused, and the whole path from the form to a reviewer's key and back to
 * the sender's secret.
 */
const UA = "CANARYUSERAGENT7731";
const IP = "203.0.113.77";
const TEXT = "CANARYTESTIMONYTEXT4242 he was buried by the east wall";
const FILE_MARK = "CANARYFILEBYTES9090";

describe("sealed testimony through the real server", () => {
  const root = mkdtempSync(join(tmpdir(), "vigil-testimony-"));
  const data = join(root, "data");
  const tmp = join(root, "tmp");
  const pass = join(root, "pass");
  let server: ChildProcess;
  let url = "";
  let logs = "";
  const env = { VIGIL_DATA_DIR: data, TMPDIR: tmp, VIGIL_LOG_LEVEL: "debug", VIGIL_TRUST_PROXY: "1" };

  before(async () => {
    writeFileSync(pass, "correct horse battery staple\n");
    const init = await runVigil(["memorial", "testimony-keys", "init", "--passphrase-file", pass, "--data", data], { env: { TMPDIR: tmpdir() } });
    assert.equal(init.code, 0, init.stderr);
    (await import("node:fs")).mkdirSync(tmp, { recursive: true });
    server = spawn(process.execPath, [VIGIL, "serve", "--port", "0", "--no-demo", "--no-worker"], { env: { ...process.env, VIGIL_DATABASE_URL: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    server.stderr!.on("data", (d: Buffer) => (logs += d.toString()));
    url = await new Promise<string>((resolve, reject) => {
      server.stdout!.on("data", (d: Buffer) => {
        logs += d.toString();
        const m = /running at (http:\/\/[^/\s]+)/.exec(logs);
        if (m) resolve(m[1]!);
      });
      server.on("exit", (code) => reject(new Error(`server exited ${code}: ${logs}`)));
    });
  });
  after(async () => {
    server?.kill("SIGTERM");
    await new Promise((r) => server?.once("exit", r));
    rmSync(root, { recursive: true, force: true });
  });

  const headers = { "user-agent": UA, "x-forwarded-for": IP, "x-real-ip": IP, forwarded: `for=${IP}` };
  const formPage = async (lang = "en"): Promise<string> => (await fetch(`${url}/${lang}/testimony`, { headers })).text();
  const token = (html: string): string => /name="token" value="([^"]+)"/.exec(html)![1]!;
  const submit = async (fields: Record<string, string>, files: { name: string; type: string; body: Uint8Array }[] = []): Promise<Response> => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const f of files) form.append("files", new Blob([Buffer.from(f.body)], { type: f.type }), f.name);
    return fetch(`${url}/en/testimony`, { method: "POST", body: form, headers: { ...headers, origin: url } });
  };

  let codename = "";
  let secret = "";

  test("a testimony with a photo is sealed, and the sender gets a codename and a secret", async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#884422" } })
      .png()
      .withMetadata({ exif: { IFD0: { Artist: FILE_MARK } } })
      .toBuffer();
    const r = await submit({ token: token(await formPage()), kind: "burial", about: "Someone", text: TEXT, when: "summer 1367", where: "", contact: "", website: "" }, [{ name: "grave.png", type: "image/png", body: png }]);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("cache-control"), "no-store");
    assert.equal(r.headers.get("set-cookie"), null);
    const html = await r.text();
    codename = /<dt>Codename<\/dt><dd><code[^>]*>([^<]+)</.exec(html)![1]!;
    secret = /<dt>Secret<\/dt><dd><code[^>]*>([^<]+)</.exec(html)![1]!;
    assert.match(codename, /^[a-z]+-[a-z]+-\d{2}$/);
    assert.match(secret, /^[a-z2-9-]{30,}$/);
  });

  test("hostile and oversized uploads are refused clearly, keeping the text", async () => {
    const exe = new Uint8Array(Buffer.concat([Buffer.from("MZ\x90\x00\x03\x00\x00\x00", "latin1"), Buffer.alloc(5000, 1)]));
    const r = await submit({ token: token(await formPage()), kind: "witness", text: "kept text 1", website: "" }, [{ name: "photo.jpg", type: "image/jpeg", body: exe }]);
    assert.equal(r.status, 400);
    const html = await r.text();
    assert.match(html, /photo\.jpg: This kind of file is not accepted/);
    assert.match(html, /kept text 1/);
    const html2 = await submit({ token: token(await formPage()), kind: "witness", text: "kept text 2", website: "" }, [{ name: "page.png", type: "image/png", body: new TextEncoder().encode("<html><script>alert(1)</script></html>".repeat(200)) }]);
    assert.equal(html2.status, 400);
    const big = await submit({ token: token(await formPage()), kind: "witness", text: "kept text 3", website: "" }, [{ name: "big.pdf", type: "application/pdf", body: new Uint8Array(Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(21 * 1024 * 1024, 32)])) }]);
    assert.equal(big.status, 400);
    assert.match(await big.text(), /larger than the limit/);
    const empty = await submit({ token: token(await formPage()), kind: "", text: "", website: "" });
    assert.equal(empty.status, 400);
    const text = await empty.text();
    assert.match(text, /Please choose what you would like to tell us/);
    assert.match(text, /Please write what you know/);
    const sealed = readdirSync(join(data, "memorial", "sealed"));
    assert.equal(sealed.length, 1, `only the accepted file remains: ${sealed.join(", ")}`);
  });

  test("no address, browser or plaintext is kept in the database, files, logs or temporary folder", () => {
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const n of readdirSync(d)) {
        const f = join(d, n);
        if (statSync(f).isDirectory()) walk(f);
        else files.push(f);
      }
    };
    walk(data);
    walk(tmp);
    assert.ok(files.some((f) => f.endsWith("vigil.sqlite3")));
    for (const f of files) {
      const bytes = readFileSync(f).toString("latin1");
      for (const canary of [UA, IP, "CANARYTESTIMONYTEXT", FILE_MARK, "east wall"]) assert.ok(!bytes.includes(canary), `${f} holds ${canary}`);
    }
    for (const canary of [UA, IP, "CANARYTESTIMONYTEXT"]) assert.ok(!logs.includes(canary), `the logs hold ${canary}`);
  });

  test("a reviewer opens it with the key and passphrase; the reply reaches only the sender's secret", async () => {
    const keyFile = parseKeyFile(readFileSync(join(data, "memorial", "keys", "testimony-key.json"), "utf8"));
    await assert.rejects(openKeyFile(keyFile, "not the passphrase at all"), /wrong passphrase/);
    await assert.rejects(openKeyFile({ ...keyFile, sealedSecretKey: Buffer.from("x".repeat(48)).toString("base64") }, "correct horse battery staple"), /wrong passphrase, or the key file was altered/);
    const out = join(root, "out");
    const opened = await runVigil(["memorial", "testimony", "open", codename, "--passphrase-file", pass, "--out", out, "--data", data, "--json"]);
    assert.equal(opened.code, 0, opened.stderr);
    const t = JSON.parse(opened.stdout) as { text: string; kind: string; files: { name: string; type: string }[]; written: string[] };
    assert.equal(t.text, TEXT);
    assert.equal(t.kind, "burial");
    assert.deepEqual(t.files.map((f) => [f.name, f.type]), [["grave.png", "image/png"]]);
    assert.equal((await sharp(readFileSync(t.written[0]!)).metadata()).width, 40, "the file decrypts to the original image");

    const replied = await runVigil(["memorial", "testimony", "reply", codename, "--data", data], { input: "Thank you. Could you tell us which section?" });
    assert.equal(replied.code, 0, replied.stderr);
    const page = await (await fetch(`${url}/en/testimony/follow-up`)).text();
    const post = (form: Record<string, string>) => fetch(`${url}/en/testimony/follow-up`, { method: "POST", headers: { ...headers, origin: url, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form).toString() });
    const bad = await post({ token: token(page), codename, secret: "aaaaa-bbbbb-ccccc-ddddd-eeeee-f", website: "" });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /do not match/);
    const good = await post({ token: token(page), codename, secret: secret.toUpperCase().replace(/-/g, " "), text: "Section 93, near the wall.", website: "" });
    assert.equal(good.status, 200);
    const html = await good.text();
    assert.match(html, /Could you tell us which section\?/);
    assert.match(html, /Added and sealed/);
    const again = await runVigil(["memorial", "testimony", "open", codename, "--passphrase-file", pass, "--data", data, "--json"]);
    const messages = (JSON.parse(again.stdout) as { messages: { direction: string; text: string | null }[] }).messages;
    assert.deepEqual(
      messages.map((m) => [m.direction, m.text]),
      [
        ["out", null],
        ["in", "Section 93, near the wall."],
      ],
    );
  });
});
