export { authorize, can, mayRead, visibleLevels, type Action, type Confidentiality } from "./policy.ts";
