import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { FetchError, safeFetch } from "../../src/monitor/fetcher.ts";
import { isNonPublicAddress } from "../../src/monitor/net-guard.ts";
import { decodeBody } from "../../src/monitor/decode.ts";
import { serve } from "./http-fixture.ts";

const failsWith = async (p: Promise<unknown>, kind: string): Promise<FetchError> => {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof FetchError, String(err));
    assert.equal(err.kind, kind, err.message);
    return err;
  }
  assert.fail(`expected a ${kind} failure`);
};

test("private, loopback, link-local and mapped addresses are refused; public ones are not", () => {
  for (const a of ["127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "64:ff9b::a00:1", "224.0.0.1"]) {
    assert.equal(isNonPublicAddress(a), true, a);
  }
  for (const a of ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "93.184.216.34"]) assert.equal(isNonPublicAddress(a), false, a);
});

test("no request reaches a loopback server unless allowed; allowed for one host, others stay refused", async () => {
  const srv = await serve({ "/feed": (_q, r) => r.end("ok"), "/to-other-loopback": (_q, r) => r.writeHead(302, { location: "http://127.0.0.2:9/x" }).end(), "/to-metadata": (_q, r) => r.writeHead(302, { location: "http://169.254.169.254/latest/meta-data" }).end() });
  try {
    await failsWith(safeFetch(`${srv.base}/feed`), "blocked_address");
    await failsWith(safeFetch(`http://localhost:${srv.port}/feed`), "blocked_address"); // the name resolves to loopback: refused after DNS
    assert.equal(srv.hits.get("/feed"), undefined, "the server was never reached");
    const ok = await safeFetch(`${srv.base}/feed`, { allowPrivate: ["127.0.0.1"] });
    assert.equal(ok.body.toString(), "ok");
    // Redirects are checked again: the allowance for 127.0.0.1 does not cover another address.
    await failsWith(safeFetch(`${srv.base}/to-other-loopback`, { allowPrivate: ["127.0.0.1"] }), "blocked_address");
    await failsWith(safeFetch(`${srv.base}/to-metadata`, { allowPrivate: ["127.0.0.1"] }), "blocked_address");
    await failsWith(safeFetch("file:///etc/passwd"), "unsupported_scheme");
    await failsWith(safeFetch("not a url"), "bad_url");
  } finally {
    await srv.close();
  }
});

test("limits: size after decompression, time, redirects; HTTP errors carry status and Retry-After", async () => {
  const big = Buffer.alloc(2 * 1024 * 1024, 0x61);
  const srv = await serve({
    "/big": (_q, r) => r.end(big),
    "/bomb": (_q, r) => r.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync(Buffer.alloc(20 * 1024 * 1024))),
    "/slow": () => {
      /* never answers */
    },
    "/loop": (_q, r) => r.writeHead(302, { location: "/loop" }).end(),
    "/busy": (_q, r) => r.writeHead(429, { "retry-after": "120" }).end(),
    "/gz": (_q, r) => r.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync(Buffer.from("compressed feed"))),
  });
  const allow = { allowPrivate: true as const };
  try {
    await failsWith(safeFetch(`${srv.base}/big`, { ...allow, maxBytes: 1024 * 1024 }), "too_large");
    await failsWith(safeFetch(`${srv.base}/bomb`, { ...allow, maxBytes: 1024 * 1024 }), "too_large");
    await failsWith(safeFetch(`${srv.base}/slow`, { ...allow, timeoutMs: 300 }), "timeout");
    const loop = await failsWith(safeFetch(`${srv.base}/loop`, { ...allow, maxRedirects: 3 }), "too_many_redirects");
    assert.match(loop.message, /more than 3 redirects/);
    const busy = await failsWith(safeFetch(`${srv.base}/busy`, allow), "http_status");
    assert.equal(busy.httpStatus, 429);
    assert.equal(busy.retryAfter, 120);
    assert.equal((await safeFetch(`${srv.base}/gz`, allow)).body.toString(), "compressed feed");
  } finally {
    await srv.close();
  }
});

test("conditional requests: validators are sent and 304 is reported as not modified", async () => {
  const srv = await serve({
    "/feed": (q, r) => {
      if (q.headers["if-none-match"] === '"v1"') return r.writeHead(304).end();
      r.writeHead(200, { etag: '"v1"', "last-modified": "Sun, 27 Jul 2025 06:00:00 GMT" }).end("<rss/>");
    },
  });
  try {
    const first = await safeFetch(`${srv.base}/feed`, { allowPrivate: true });
    assert.equal(first.notModified, false);
    assert.equal(first.headers.etag, '"v1"');
    const second = await safeFetch(`${srv.base}/feed`, { allowPrivate: true, etag: '"v1"' });
    assert.equal(second.notModified, true);
    assert.equal(second.body.length, 0);
  } finally {
    await srv.close();
  }
});

test("broken encodings: declared charsets, Persian windows-1256 without a declaration, invalid bytes counted", () => {
  const persian = "اعدام دو زندانی";
  // windows-1256 bytes for the same words (its final yeh is the Arabic form, which matching folds), with no charset anywhere.
  const legacy = "اعدام دو زندان\u0649";
  const cp1256 = Buffer.from([0xc7, 0xda, 0xcf, 0xc7, 0xe3, 0x20, 0xcf, 0xe6, 0x20, 0xd2, 0xe4, 0xcf, 0xc7, 0xe4, 0xec]);
  const d = decodeBody(cp1256);
  assert.equal(d.encoding, "windows-1256");
  assert.equal(d.text, legacy);
  assert.ok(d.warnings.some((w) => /windows-1256/.test(w)));
  assert.equal(decodeBody(Buffer.from(persian), "application/rss+xml; charset=utf-8").text, persian);
  assert.equal(decodeBody(Buffer.concat([Buffer.from('<?xml version="1.0" encoding="windows-1256"?>'), cp1256])).text.endsWith(legacy), true);
  const unknown = decodeBody(Buffer.from("hello"), "text/html; charset=x-klingon");
  assert.equal(unknown.text, "hello");
  assert.ok(unknown.warnings[0]!.includes("x-klingon"));
  const mostlyGood = decodeBody(Buffer.concat([Buffer.from(persian.repeat(50)), Buffer.from([0xff])]), "text/xml; charset=utf-8");
  assert.ok(mostlyGood.text.includes("\ufffd"));
  assert.ok(mostlyGood.warnings.some((w) => /could not be decoded/.test(w)));
});
