import type { FastifyPluginAsync } from "fastify";
import { extraAssets } from "../web/index.ts";
import { installNotFound, installStaff } from "./guard.tsx";
import { adminPages } from "./pages-admin.tsx";
import { authPages } from "./pages-auth.tsx";
import { formPages } from "./pages-forms.tsx";
import { recordPages } from "./pages-records.tsx";

extraAssets.set("workspace.css", new URL("./assets/workspace.css", import.meta.url));
extraAssets.set("workspace.js", new URL("./assets/workspace.js", import.meta.url));

/** The staff workspace under /workspace/: sign-in, records, review, users, audit. */
export const workspaceRoutes: FastifyPluginAsync = async (root) => {
  await root.register(
    async (app) => {
      await installStaff(app);
      installNotFound(app);
      await authPages(app);
      await recordPages(app);
      await formPages(app);
      await adminPages(app);
    },
    { prefix: "/workspace" },
  );
};
