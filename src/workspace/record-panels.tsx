import type { VNode } from "preact";
import type { FastifyRequest } from "fastify";
import type { Ctx } from "../core/context.ts";
import type { RecordType, VRecord } from "../records/index.ts";
import { messages } from "./messages.ts";
import type { PageEnv } from "./ui.tsx";

messages({
  "workspace.panel.failed": ["This part of the page could not be shown; the rest is complete. An administrator can see why in the server log.", "این بخش از صفحه نمایش داده نشد؛ بقیه‌ی صفحه کامل است. مدیر می‌تواند دلیلش را در گزارش سرور ببیند."],
});

/** What a record panel gets: the page's environment, the reader's context and the record they may see. */
export interface RecordPanelProps {
  req: FastifyRequest;
  env: PageEnv;
  ctx: Ctx;
  record: VRecord;
}

/**
 * A section another capability adds to the record pages of some record
 * types (e.g. the vault's evidence of a Source). It reads with the reader's
 * context, so it checks its own permissions; it returns null to show nothing.
 */
export interface RecordPanel {
  id: string;
  types: readonly RecordType[];
  /** Position on the page (after the record's own sections). */
  order?: number;
  render: (props: RecordPanelProps) => Promise<VNode | null>;
}

const panels: RecordPanel[] = [];

/** Adds a panel to the record pages of its types (registering an id again replaces it). */
export function registerRecordPanel(panel: RecordPanel): void {
  const i = panels.findIndex((p) => p.id === panel.id);
  if (i >= 0) panels.splice(i, 1);
  panels.push(panel);
  panels.sort((a, b) => (a.order ?? 500) - (b.order ?? 500));
}

/**
 * The panels of a record, rendered. A failing panel does not take the record
 * page down: it is logged and replaced by a short notice.
 */
export async function renderRecordPanels(props: RecordPanelProps): Promise<VNode[]> {
  const { req } = props;
  const out: VNode[] = [];
  for (const p of panels) {
    if (!p.types.includes(props.record.type)) continue;
    try {
      const node = await p.render(props);
      if (node) out.push(node);
    } catch (err) {
      req.log.error({ err: { message: (err as Error).message, stack: (err as Error).stack }, panel: p.id }, "record panel failed");
      out.push(<p class="notice error">{props.env.t("workspace.panel.failed")}</p>);
    }
  }
  return out;
}
