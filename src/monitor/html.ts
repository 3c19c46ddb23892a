import { parseHTML } from "linkedom";
import { Readability } from "@mozilla/readability";

const BLOCK = new Set(["P", "DIV", "BR", "LI", "UL", "OL", "H1", "H2", "H3", "H4", "H5", "H6", "TR", "TABLE", "SECTION", "ARTICLE", "BLOCKQUOTE", "PRE", "HEADER", "FOOTER", "FIGCAPTION", "DT", "DD", "HR"]);
const SKIP = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "IFRAME", "OBJECT", "SVG", "HEAD"]);

interface NodeLike {
  nodeType: number;
  nodeName: string;
  nodeValue: string | null;
  childNodes: ArrayLike<NodeLike>;
}

/**
 * Plain text of an HTML fragment: scripts and styles dropped, block elements
 * as line breaks. Walked without recursion, so hostile nesting cannot
 * exhaust the stack; nothing in the HTML is ever run.
 */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return html.replace(/[ \t]+/g, " ").trim();
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const root = document.body as unknown as NodeLike | null;
  if (!root) return "";
  const out: string[] = [];
  const stack: (NodeLike | "\n")[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    if (node === "\n") {
      out.push("\n");
      continue;
    }
    if (node.nodeType === 3) {
      out.push(node.nodeValue ?? "");
      continue;
    }
    if (node.nodeType !== 1 || SKIP.has(node.nodeName.toUpperCase())) continue;
    const block = BLOCK.has(node.nodeName.toUpperCase());
    if (block) stack.push("\n");
    const kids = node.childNodes;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    if (block) stack.push("\n");
  }
  return out
    .join("")
    .replace(/[ \t\u00a0]+/g, " ")
    .replace(/ *\n[ \n]*/g, "\n")
    .trim();
}

/** The readable article of a web page. */
export interface Article {
  title: string;
  text: string;
  byline?: string;
  lang?: string;
  excerpt?: string;
  publishedTime?: string;
}

/**
 * Extracts the article from a page with Mozilla's Readability (the Firefox
 * reader view) over a linkedom document; falls back to the page's whole text
 * when Readability finds no article.
 */
export function extractArticle(html: string, url: string): Article {
  const { document } = parseHTML(html);
  const title = (document.querySelector("title")?.textContent ?? "").trim();
  const lang = document.documentElement?.getAttribute("lang") ?? undefined;
  let parsed: ReturnType<Readability["parse"]> = null;
  try {
    // Readability reads documentURI for relative links; linkedom documents have none.
    Object.defineProperty(document, "documentURI", { value: url, configurable: true });
    parsed = new Readability(document, { charThreshold: 200 }).parse();
  } catch {
    parsed = null;
  }
  if (parsed?.content) {
    return {
      title: (parsed.title ?? title).trim(),
      text: htmlToText(parsed.content),
      ...(parsed.byline ? { byline: parsed.byline } : {}),
      ...((parsed.lang ?? lang) ? { lang: (parsed.lang ?? lang)! } : {}),
      ...(parsed.excerpt ? { excerpt: parsed.excerpt } : {}),
      ...(parsed.publishedTime ? { publishedTime: parsed.publishedTime } : {}),
    };
  }
  const body = document.body as unknown as { innerHTML?: string } | null;
  return { title, text: htmlToText(body?.innerHTML ?? ""), ...(lang ? { lang } : {}) };
}
