import { gunzipSync, inflateSync, brotliDecompressSync } from "node:zlib";
import { parseHTML } from "linkedom";

/**
 * Heuristics that keep a useless capture from being reported as a success:
 * a login wall, a bot challenge, an error status, or a page with nothing on
 * it. They err on the side of flagging; a person can still keep a flagged
 * capture on purpose.
 */
export type CaptureFlag = "http_error" | "login_wall" | "bot_challenge" | "empty";

export interface Assessment {
  flags: CaptureFlag[];
  reasons: string[];
  title: string;
  text: string;
}

const CHALLENGE_MARKERS = [
  /cf-chl|challenge-platform|cf_chl_opt|__cf_chl/i,
  /just a moment\.\.\./i,
  /checking (if the site connection is secure|your browser)/i,
  /attention required! \| cloudflare/i,
  /g-recaptcha|hcaptcha|h-captcha|px-captcha|captcha-delivery|geo\.captcha/i,
  /verify (that )?you are (a )?human/i,
  /ddos protection by/i,
];
const LOGIN_PATH = /\/(login|log-in|signin|sign-in|sign_in|auth|accounts\/login|session\/new)\b/i;
const LOGIN_WORDS = /\b(log ?in|sign ?in|username|password)\b|ورود|رمز عبور|گذرواژه/i;

/** Assesses a captured page from its final status, URL and HTML (and rendered text when there is one). */
export function assessPage(input: { status: number; finalUrl: string; html: string; renderedText?: string }): Assessment {
  const { document } = parseHTML(input.html || "<html></html>");
  const title = (document.querySelector("title")?.textContent ?? "").trim();
  for (const el of document.querySelectorAll("script,style,noscript,template")) el.remove();
  const text = (input.renderedText ?? document.body?.textContent ?? document.documentElement?.textContent ?? "").replace(/\s+/g, " ").trim();
  const flags: CaptureFlag[] = [];
  const reasons: string[] = [];
  if (input.status >= 400 || input.status === 0) {
    flags.push("http_error");
    reasons.push(`the server answered ${input.status}`);
  }
  const challenge = CHALLENGE_MARKERS.find((re) => re.test(input.html) || re.test(title));
  if (challenge || ((input.status === 403 || input.status === 429 || input.status === 503) && /captcha|robot|bot/i.test(text))) {
    flags.push("bot_challenge");
    reasons.push("the page is a bot-challenge or captcha page");
  }
  const hasPassword = document.querySelector('input[type="password" i]') !== null;
  if (hasPassword && (text.length < 1500 || LOGIN_PATH.test(new URL(input.finalUrl).pathname)) || (input.status === 401) || (LOGIN_PATH.test(new URL(input.finalUrl).pathname) && LOGIN_WORDS.test(text))) {
    flags.push("login_wall");
    reasons.push("the page asks to log in instead of showing the content");
  }
  const media = document.querySelectorAll("img,video,svg,canvas,picture,iframe").length;
  if (text.length < 20 && media === 0) {
    flags.push("empty");
    reasons.push("the page has no visible text or media");
  }
  return { flags, reasons, title, text };
}

/** The body as text, undoing a Content-Encoding the raw capture kept. */
export function decodeBody(body: Uint8Array, headers: [string, string][]): string {
  return decodeBodyBytes(body, headers).toString("utf8");
}

/** The body's bytes with any Content-Encoding undone (empty when it cannot be decoded). */
export function decodeBodyBytes(body: Uint8Array, headers: [string, string][]): Buffer {
  const enc = headers.find(([k]) => k.toLowerCase() === "content-encoding")?.[1]?.toLowerCase().trim();
  try {
    const b = Buffer.from(body);
    const plain = enc === "gzip" || enc === "x-gzip" ? gunzipSync(b, { maxOutputLength: 64 * 1024 * 1024 }) : enc === "deflate" ? inflateSync(b, { maxOutputLength: 64 * 1024 * 1024 }) : enc === "br" ? brotliDecompressSync(b, { maxOutputLength: 64 * 1024 * 1024 }) : b;
    return plain;
  } catch {
    return Buffer.alloc(0);
  }
}
