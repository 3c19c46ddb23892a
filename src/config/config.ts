import { availableParallelism, totalmem } from "node:os";
import { resolve } from "node:path";
import { Problems } from "../core/errors.ts";

/**
 * Configuration is read and validated once, at start: every problem is
 * reported together, and nothing else in Vigil reads the environment.
 */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Load the demo content on first start (empty database). */
  demo: boolean;
  /** Public address, when served behind a proxy (used for passkeys and cookies' Secure flag). */
  publicUrl: string | undefined;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "silent";
  /** Run the job worker inside the server process. */
  worker: boolean;
  /** Trust X-Forwarded-* from a proxy in front. */
  trustProxy: boolean;
  /** Requests per minute one API token or session may make to /api/ (VIGIL_API_RATE_LIMIT). */
  apiRateLimit: number;
  /** Let the capture worker reach private and loopback addresses (off: captures could read the internal network). */
  captureAllowPrivate: boolean;
  /** Hours between liveness re-checks of captured URLs; 0 turns them off. */
  livenessHours: number;
  /** Largest evidence upload, in bytes. */
  uploadMaxBytes: number;
  /** Alert email (VIGIL_SMTP_URL, VIGIL_ALERT_FROM, VIGIL_SMTP_INSECURE); undefined: no email is sent. */
  smtp: SmtpConfig | undefined;
  /** Private or loopback hosts alert webhooks may reach (VIGIL_WEBHOOK_ALLOW_PRIVATE_HOSTS, comma-separated). */
  webhookAllowPrivateHosts: string[];
  /** Private or loopback hosts monitored sources may be on (VIGIL_MONITOR_ALLOW_PRIVATE_HOSTS, comma-separated). */
  monitorAllowPrivateHosts: string[];
  /** Pause between two requests to one host while polling sources (VIGIL_MONITOR_HOST_DELAY_MS, default 2000). */
  monitorHostDelayMs: number;
  /** Worker threads building public memorial pages (VIGIL_MEMORIAL_THREADS; default one per core when there are two or more, at most one per 2 GiB of memory; 0 builds them in the main thread). */
  memorialThreads: number;
}

/**
 * SMTP settings for alert email. The password is kept out of enumeration, so
 * that logging or serialising the configuration never prints it.
 */
export interface SmtpConfig {
  host: string;
  port: number;
  /** TLS from the first byte (smtps://, port 465); otherwise STARTTLS. */
  secure: boolean;
  /** Refuse to send unless the connection is encrypted (default; off only for a relay on this machine). */
  requireTLS: boolean;
  user?: string;
  readonly pass?: string;
  from: string;
}

export interface ConfigFlags {
  port?: string | number;
  host?: string;
  data?: string;
  demo?: boolean;
  worker?: boolean;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "silent"] as const;

/** Builds the configuration from command-line flags over environment variables over defaults. */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const p = new Problems();
  const portText = String(flags.port ?? env.PORT ?? "8080");
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 0 || port > 65535) p.add("port", `port must be a number from 0 to 65535, not ${JSON.stringify(portText)}`);
  const host = flags.host ?? env.VIGIL_HOST ?? "127.0.0.1";
  const dataDir = resolve(flags.data ?? env.VIGIL_DATA_DIR ?? "./vigil-data");
  const databaseUrl = env.VIGIL_DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) p.add("VIGIL_DATABASE_URL", "VIGIL_DATABASE_URL must be a postgres:// URL");
  const publicUrl = env.VIGIL_PUBLIC_URL?.trim() || undefined;
  if (publicUrl && !/^https?:\/\/[^/]+\/?$/.test(publicUrl)) p.add("VIGIL_PUBLIC_URL", "VIGIL_PUBLIC_URL must be an origin such as https://vigil.example.org");
  const logLevel = (env.VIGIL_LOG_LEVEL ?? "warn") as Config["logLevel"];
  if (!LOG_LEVELS.includes(logLevel)) p.add("VIGIL_LOG_LEVEL", `VIGIL_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`);
  const demo = flags.demo ?? env.VIGIL_DEMO !== "0";
  const worker = flags.worker ?? env.VIGIL_WORKER !== "0";
  const trustProxy = env.VIGIL_TRUST_PROXY === "1";
  const apiRateText = env.VIGIL_API_RATE_LIMIT ?? "6000";
  const apiRateLimit = Number(apiRateText);
  if (!/^\d+$/.test(apiRateText) || apiRateLimit < 1) p.add("VIGIL_API_RATE_LIMIT", "VIGIL_API_RATE_LIMIT is a whole number of requests per minute");
  const captureAllowPrivate = env.VIGIL_CAPTURE_ALLOW_PRIVATE === "1";
  const livenessText = env.VIGIL_LIVENESS_HOURS ?? "24";
  const livenessHours = Number(livenessText);
  if (!/^\d+(\.\d+)?$/.test(livenessText)) p.add("VIGIL_LIVENESS_HOURS", `VIGIL_LIVENESS_HOURS must be a number of hours (0 turns re-checks off), not ${JSON.stringify(livenessText)}`);
  const uploadText = env.VIGIL_UPLOAD_MAX_MB ?? "2048";
  const uploadMaxBytes = Number(uploadText) * 1024 * 1024;
  if (!/^\d+$/.test(uploadText) || uploadMaxBytes <= 0) p.add("VIGIL_UPLOAD_MAX_MB", `VIGIL_UPLOAD_MAX_MB must be a whole number of megabytes, not ${JSON.stringify(uploadText)}`);
  const smtp = smtpFrom(env, p);
  const hosts = (name: string): string[] =>
    (env[name] ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1"))
      .filter(Boolean);
  const webhookAllowPrivateHosts = hosts("VIGIL_WEBHOOK_ALLOW_PRIVATE_HOSTS");
  const monitorAllowPrivateHosts = hosts("VIGIL_MONITOR_ALLOW_PRIVATE_HOSTS");
  const delayText = env.VIGIL_MONITOR_HOST_DELAY_MS ?? "2000";
  const monitorHostDelayMs = Number(delayText);
  if (!/^\d+$/.test(delayText) || monitorHostDelayMs > 600_000) p.add("VIGIL_MONITOR_HOST_DELAY_MS", "VIGIL_MONITOR_HOST_DELAY_MS is a whole number of milliseconds, at most 600000");
  // A thread costs about 150 MB before it holds any data: one per core, but no more than one per 2 GiB of memory.
  const cores = availableParallelism();
  const threadsText = env.VIGIL_MEMORIAL_THREADS ?? String(cores >= 2 ? Math.min(cores, 8, Math.floor(totalmem() / 2 ** 31)) : 0);
  const memorialThreads = Number(threadsText);
  if (!/^\d+$/.test(threadsText) || memorialThreads > 64) p.add("VIGIL_MEMORIAL_THREADS", "VIGIL_MEMORIAL_THREADS is a whole number of threads, at most 64 (0 builds memorial pages in the main thread)");
  p.throwIfAny("the configuration has errors");
  return { host, port, dataDir, databaseUrl, demo, publicUrl, logLevel, worker, trustProxy, apiRateLimit, captureAllowPrivate, livenessHours, uploadMaxBytes, smtp, webhookAllowPrivateHosts, monitorAllowPrivateHosts, monitorHostDelayMs, memorialThreads };
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

/**
 * VIGIL_SMTP_URL: smtp://[user[:password]@]host[:port] (STARTTLS, required,
 * port 587 by default) or smtps://… (TLS from the start, port 465).
 * VIGIL_SMTP_INSECURE=1 permits a plain connection, and only to a relay on
 * this machine: alerts name people at risk. Problems never echo the URL,
 * which may hold the password.
 */
function smtpFrom(env: NodeJS.ProcessEnv, p: Problems): SmtpConfig | undefined {
  const raw = env.VIGIL_SMTP_URL?.trim();
  if (!raw) {
    if (env.VIGIL_ALERT_FROM?.trim()) p.add("VIGIL_SMTP_URL", "VIGIL_ALERT_FROM is set but VIGIL_SMTP_URL is not: set both to send alert email");
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    p.add("VIGIL_SMTP_URL", "VIGIL_SMTP_URL is not a URL such as smtp://user:password@mail.example.org:587");
    return undefined;
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    p.add("VIGIL_SMTP_URL", "VIGIL_SMTP_URL must start with smtp:// (STARTTLS) or smtps:// (TLS)");
    return undefined;
  }
  const secure = url.protocol === "smtps:";
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!host) p.add("VIGIL_SMTP_URL", "VIGIL_SMTP_URL has no host");
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  const insecure = env.VIGIL_SMTP_INSECURE === "1";
  if (insecure && secure) p.add("VIGIL_SMTP_INSECURE", "VIGIL_SMTP_INSECURE makes no sense with smtps://");
  if (insecure && !LOOPBACK.test(host)) p.add("VIGIL_SMTP_INSECURE", "VIGIL_SMTP_INSECURE=1 is allowed only for a relay on this machine (localhost, 127.0.0.1, ::1): alert email names people at risk");
  const from = env.VIGIL_ALERT_FROM?.trim() ?? "";
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(from) && !/^[^<>]*<[^\s@<>]+@[^\s@<>]+>$/.test(from)) p.add("VIGIL_ALERT_FROM", "VIGIL_ALERT_FROM must be the sender's address (alerts@example.org or Vigil <alerts@example.org>) when VIGIL_SMTP_URL is set");
  const smtp: SmtpConfig = { host, port, secure, requireTLS: !secure && !insecure, from, ...(url.username ? { user: decodeURIComponent(url.username) } : {}) };
  if (url.password) Object.defineProperty(smtp, "pass", { value: decodeURIComponent(url.password), enumerable: false });
  return smtp;
}
