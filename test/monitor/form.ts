import { parseHTML } from "linkedom";

/**
 * What a browser without JavaScript would send for a form of a page, as it
 * stands: text and hidden inputs, ticked boxes and radios, the chosen option
 * of each select, textareas. `changes` replaces fields (a list for repeats).
 */
export function formFields(html: string, action: string, changes: Record<string, string | string[]> = {}): Record<string, string[]> {
  const { document } = parseHTML(html);
  const form = [...document.querySelectorAll("form")].find((f) => f.getAttribute("action") === action);
  if (!form) throw new Error(`no form posting to ${action}`);
  const out: Record<string, string[]> = {};
  const add = (name: string, value: string) => (out[name] ??= []).push(value);
  for (const el of form.querySelectorAll("input, select, textarea")) {
    const name = el.getAttribute("name");
    // The client adds the CSRF token itself.
    if (!name || name === "_csrf") continue;
    const tag = el.tagName.toLowerCase();
    if (tag === "input") {
      const type = (el.getAttribute("type") ?? "text").toLowerCase();
      if ((type === "checkbox" || type === "radio") && !el.hasAttribute("checked")) continue;
      if (type === "submit" || type === "button") continue;
      add(name, el.getAttribute("value") ?? (type === "checkbox" || type === "radio" ? "on" : ""));
    } else if (tag === "select") {
      const opts = [...el.querySelectorAll("option")];
      const chosen = opts.filter((o) => o.hasAttribute("selected"));
      if (el.hasAttribute("multiple")) for (const o of chosen) add(name, o.getAttribute("value") ?? o.textContent ?? "");
      else {
        const o = chosen[0] ?? opts[0];
        if (o) add(name, o.getAttribute("value") ?? o.textContent ?? "");
      }
    } else add(name, el.textContent ?? "");
  }
  for (const [k, v] of Object.entries(changes)) out[k] = Array.isArray(v) ? v : [v];
  return out;
}
