/** Public presenters: the only way records reach the memorial's pages, mirror and feeds. */
export * from "./public-data.ts";
export * from "./person.ts";
export * from "./event.ts";
export * from "./place.ts";
export * from "./lists.ts";
export * from "./facets.ts";
export * from "./search.ts";
export * from "./trends.ts";
