import type { ComponentChildren } from "preact";
import { dirOf, type Lang } from "./i18n.ts";

export interface LayoutProps {
  lang: Lang;
  title: string;
  /** Extra stylesheet paths under /assets/ (same origin only). */
  styles?: string[];
  /** Scripts under /assets/ that only enhance: every page is complete without them. */
  scripts?: string[];
  /** A <meta name="robots"> value, e.g. "noindex" for staff pages. */
  robots?: string;
  /** Where the base stylesheet is, when not /assets/ (a static copy opened from disk uses a relative path). */
  assetBase?: string;
  children: ComponentChildren;
}

/**
 * The HTML document around every page, in either direction. Only same-origin
 * assets: no CDN, no web font service, nothing that reveals a visitor to a third party.
 */
export function Layout({ lang, title, styles = [], scripts = [], robots, assetBase = "/assets/", children }: LayoutProps) {
  return (
    <html lang={lang} dir={dirOf(lang)}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        {robots ? <meta name="robots" content={robots} /> : null}
        <title>{title}</title>
        <link rel="stylesheet" href={`${assetBase}vigil.css`} />
        {styles.map((s) => (
          <link rel="stylesheet" href={s} />
        ))}
        {scripts.map((s) => (
          <script src={s} defer />
        ))}
      </head>
      <body>{children}</body>
    </html>
  );
}

/** Escapes text for places JSX does not reach (SVG strings built by hand, plain-text bodies). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}
