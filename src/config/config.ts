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
  p.throwIfAny("the configuration has errors");
  return { host, port, dataDir, databaseUrl, demo, publicUrl, logLevel, worker, trustProxy, apiRateLimit };
}
