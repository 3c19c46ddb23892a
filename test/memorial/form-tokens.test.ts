import { test, mock } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { checkToken, issueToken, tokenIssuer } from "../../src/memorial/guard.ts";

/**
 * Pages carry a form token made once a minute per form: the token a page
 * gets is the one `issueToken` signs for that form and minute, so a form sent
 * from it is accepted, and only for its own form; the next minute has its own.
 */
test("a form's token is made once a minute, is that minute's token for that form, and is accepted only for it", () => {
  mock.timers.enable({ apis: ["Date"], now: Date.UTC(2026, 0, 1, 12, 0, 10) });
  try {
    const secret = randomBytes(32);
    let signed = 0;
    const tokenFor = tokenIssuer(() => (signed++, secret));
    const post = tokenFor("post");
    assert.equal(post, issueToken(secret, "post"));
    assert.equal(tokenFor("post"), post, "the same minute: the same token");
    assert.equal(signed, 1, "signed once for many pages");
    const testimony = tokenFor("testimony");
    assert.notEqual(testimony, post, "each form its own");
    assert.ok(checkToken(secret, "post", post));
    assert.ok(!checkToken(secret, "testimony", post), "a post token does not open the testimony form");
    mock.timers.tick(60_000);
    const next = tokenFor("post");
    assert.notEqual(next, post, "a new minute: a new token");
    assert.equal(next, issueToken(secret, "post"));
    assert.ok(checkToken(secret, "post", post), "the last minute's token is still good");
  } finally {
    mock.timers.reset();
  }
});
