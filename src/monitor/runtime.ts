import type { Config, SmtpConfig } from "../config/index.ts";
import type { Store } from "../store/index.ts";
import { scheduleDispatch, schedulePollJob } from "./schedule.ts";
import { monitorDb } from "./store-repository.ts";
import { sealLegacySecrets } from "./store-alerts.ts";

/**
 * What the monitoring jobs need from the configuration: the SMTP relay for
 * alert email, and which private hosts sources and webhooks may reach. Set
 * once at start (`monitorStartHook`); the worker's jobs read it.
 */
export interface MonitorRuntime {
  smtp?: SmtpConfig;
  webhookAllowPrivateHosts: readonly string[];
  sourceAllowPrivateHosts: readonly string[];
  hostDelayMs: number;
}

let current: MonitorRuntime = { webhookAllowPrivateHosts: [], sourceAllowPrivateHosts: [], hostDelayMs: 2000 };

/** Takes the monitoring settings from the configuration. */
export function configureMonitor(config: Pick<Config, "smtp" | "webhookAllowPrivateHosts" | "monitorAllowPrivateHosts" | "monitorHostDelayMs">): void {
  current = {
    ...(config.smtp ? { smtp: config.smtp } : {}),
    webhookAllowPrivateHosts: config.webhookAllowPrivateHosts,
    sourceAllowPrivateHosts: config.monitorAllowPrivateHosts,
    hostDelayMs: config.monitorHostDelayMs,
  };
}

export function monitorRuntime(): MonitorRuntime {
  return current;
}

/**
 * At start: configure, seal webhook secrets stored before they were
 * encrypted, wake the poller and the dispatcher, and tell the operator when
 * email subscriptions exist but no SMTP relay is set.
 */
export async function monitorStartHook(deps: { store: Store; config: Config }, print: (line: string) => void): Promise<void> {
  configureMonitor(deps.config);
  const { store } = deps;
  const sealed = await sealLegacySecrets(store.db, store.dataDir);
  if (sealed) print(`vigil: sealed ${sealed} webhook secret(s) stored before encryption`);
  const db = monitorDb(store);
  const now = new Date();
  if (await db.selectFrom("monitor_sources").select("id").where("enabled", "=", 1).limit(1).executeTakeFirst()) await schedulePollJob(store.db, now);
  await scheduleDispatch(store.db, now);
  if (!deps.config.smtp) {
    const email = await db.selectFrom("monitor_subscriptions").select("id").where("channel", "=", "email").where("active", "=", 1).limit(1).executeTakeFirst();
    if (email) print("vigil: there are email alert subscriptions but VIGIL_SMTP_URL is not set: alert email waits in the outbox until it is");
  }
}
