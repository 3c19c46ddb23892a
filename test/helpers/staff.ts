import { generate } from "otplib";
import { auditSink, createUser, type UserRole } from "../../src/accounts/index.ts";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import type { Store } from "../../src/store/index.ts";

/**
 * A member of staff signed in to a running app through the real pages:
 * password, then (first time) the authenticator-app setup, which upgrades
 * the session. Keeps the cookie jar and the page's CSRF token.
 */
export class StaffClient {
  cookies = new Map<string, string>();
  csrf = "";
  constructor(
    readonly base: string,
    readonly email: string,
    readonly password: string,
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private keep(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: string, path: string, body?: unknown, opts: { json?: boolean; csrf?: boolean; headers?: Record<string, string> } = {}): Promise<{ status: number; text: string; location: string | null; res: Response }> {
    const headers: Record<string, string> = { cookie: this.cookieHeader(), ...opts.headers };
    let payload: string | undefined;
    if (opts.json && opts.csrf !== false && method !== "GET") headers["x-csrf-token"] = this.csrf;
    if (body !== undefined && opts.json) {
      headers["content-type"] = "application/json";
      if (opts.csrf !== false) headers["x-csrf-token"] = this.csrf;
      payload = JSON.stringify(body);
    } else if (body !== undefined) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      const form = new URLSearchParams();
      if (opts.csrf !== false) form.append("_csrf", this.csrf);
      for (const [k, v] of Object.entries(body as Record<string, string | string[]>)) for (const x of Array.isArray(v) ? v : [v]) form.append(k, x);
      payload = form.toString();
    }
    const res = await fetch(this.base + path, { method, headers, body: payload, redirect: "manual" });
    this.keep(res);
    const text = await res.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m) this.csrf = m[1]!;
    return { status: res.status, text, location: res.headers.get("location"), res };
  }

  get(path: string) {
    return this.request("GET", path);
  }
  post(path: string, body: Record<string, string | string[]>, opts: { csrf?: boolean } = {}) {
    return this.request("POST", path, body, opts);
  }

  totpSecret = "";
  /** Signs in with the password; sets up an authenticator app on first sign-in (code one step ahead of enrolment, as an app would show next). */
  async signIn(): Promise<void> {
    await this.get("/workspace/sign-in");
    const r = await this.post("/workspace/sign-in", { email: this.email, password: this.password, next: "/workspace/" });
    if (r.status !== 303) throw new Error(`sign-in failed: ${r.status} ${r.text.slice(0, 300)}`);
    if (r.location === "/workspace/enrol") {
      const page = await this.get("/workspace/enrol");
      const secret = /class="secret ltr-value">([^<]+)</.exec(page.text)?.[1]?.replace(/\s/g, "");
      const flow = /name="flow" value="([^"]+)"/.exec(page.text)?.[1];
      if (!secret || !flow) throw new Error("no TOTP setup on the enrolment page");
      this.totpSecret = secret;
      const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) });
      const done = await this.post("/workspace/enrol/totp", { flow, code });
      if (done.status !== 303 || !done.location?.startsWith("/workspace/?")) throw new Error(`enrolment failed: ${done.status} ${done.text.slice(0, 300)}`);
    } else if (r.location?.startsWith("/workspace/sign-in/code")) {
      const code = await generate({ secret: this.totpSecret, epoch: Math.floor(Date.now() / 1000) + 30 });
      await this.get(r.location);
      const done = await this.post("/workspace/sign-in/code", { code, next: "/workspace/" });
      if (done.status !== 303) throw new Error(`code refused: ${done.status}`);
    }
    await this.get("/workspace/");
  }
}

export const PASSWORD = "a long and unguessable passphrase";

/** Creates a user of a role and signs them in. */
export async function staff(store: Store, base: string, role: UserRole, name: string = role): Promise<StaffClient> {
  const email = `${name}@example.org`;
  await createUser(makeCtx(store, { ...SYSTEM, id: "system:test" }, { audit: auditSink }), { email, displayName: `${name[0]!.toUpperCase()}${name.slice(1)}`, role, password: PASSWORD });
  const c = new StaffClient(base, email, PASSWORD);
  await c.signIn();
  return c;
}
