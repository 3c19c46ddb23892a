import { render } from "preact-render-to-string";
import type { VNode } from "preact";

/**
 * Renders a page to HTML on the server. Preact escapes every text and
 * attribute value, so names and testimony (hostile input) cannot become markup;
 * never use dangerouslySetInnerHTML with anything a user wrote.
 */
export function renderPage(page: VNode): string {
  return `<!doctype html>${render(page)}`;
}

export function renderFragment(node: VNode): string {
  return render(node);
}
