import { registerCatalogue } from "../web/index.ts";

/**
 * Registers messages in both languages side by side, so neither can lack a
 * key: `messages({ "workspace.x": ["English", "فارسی"] })`.
 */
export function messages(entries: Record<string, readonly [string, string]>): void {
  const en: Record<string, string> = {};
  const fa: Record<string, string> = {};
  for (const [key, [e, f]] of Object.entries(entries)) {
    en[key] = e;
    fa[key] = f;
  }
  registerCatalogue({ en, fa });
}
