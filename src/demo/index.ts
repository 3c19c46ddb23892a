export { loadDemo, type DemoResult } from "./load.ts";
export { ARTICLE_SOURCE_ID, ARTICLE_TEXT, IDS as ARTICLE_IDS, locate } from "./article.ts";
export { SYNTHETIC_SOURCE_ID, SYNTHETIC_TESTIMONY_ID, syntheticPlan, seededRandom, GIVEN_NAMES, FAMILY_NAMES } from "./synthetic.ts";
