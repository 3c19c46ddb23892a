export { LANGS, isLang, dirOf, registerCatalogue, allCatalogues, t, translator, num, digits, date, dateBoth, type Lang, type Catalogue, type T, type MessageValues } from "./i18n.ts";
export { renderPage, renderFragment } from "./render.ts";
export { Layout, escapeHtml, type LayoutProps } from "./layout.tsx";
export { assetRoutes, extraAssets } from "./assets-routes.ts";
