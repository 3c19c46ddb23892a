import type { FastifyPluginAsync } from "fastify";
import { can } from "../../accounts/index.ts";
import { extraAssets } from "../../web/index.ts";
import { registerWorkspaceSection, withStaff } from "../../workspace/index.ts";
import "../api-routes.ts";
import "./messages.ts";
import { sourcePages } from "./pages-sources.tsx";
import { subscriptionPages } from "./pages-subscriptions.tsx";
import { trendPages } from "./pages-trends.tsx";
import { triagePages } from "./pages-triage.tsx";
import { watchlistPages } from "./pages-watchlist.tsx";

extraAssets.set("monitor.css", new URL("../assets/monitor.css", import.meta.url));
registerWorkspaceSection({ id: "monitor", href: "/workspace/monitor/", label: { en: "Monitoring", fa: "پایش" }, order: 90, visible: (actor) => can(actor, "monitor.read") });

/**
 * The monitoring pages of the staff workspace (triage, sources, watchlist,
 * alert subscriptions, trends), behind the workspace's guard; importing this
 * also adds the monitoring routes to the JSON API.
 */
export const monitorPages: FastifyPluginAsync = withStaff(async (app) => {
  await triagePages(app);
  await sourcePages(app);
  await watchlistPages(app);
  await subscriptionPages(app);
  await trendPages(app);
});
