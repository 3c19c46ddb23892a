import type { FastifyPluginAsync } from "fastify";
import { memorialRoutes, memorialStaffPages } from "../memorial/index.ts";
import { accountabilityWorkspace } from "../accountability/index.ts";
import { assetRoutes } from "../web/index.ts";
import { healthRoutes } from "./health.ts";
import { workspaceRoutes } from "../workspace/index.ts";
import { apiRoutes } from "../api/index.ts";
import { vaultPages, vaultRoutes } from "../vault/index.ts";
import { linkagePages } from "../linkage/index.ts";
import { estimatePages } from "../estimate/index.ts";
import { monitorPages } from "../monitor/index.ts";

/**
 * Every route plugin, in registration order. Each capability adds its own
 * (one import line and one entry); every route declares its permission.
 */
export const routePlugins: FastifyPluginAsync[] = [healthRoutes, assetRoutes, workspaceRoutes, apiRoutes, vaultRoutes, vaultPages, linkagePages, memorialRoutes, memorialStaffPages, estimatePages, accountabilityWorkspace, monitorPages];
