// Entry of an estimation worker thread: threads do not inherit the TypeScript
// loader of the main thread, so register it before loading the code.
import { register } from "tsx/esm/api";

register();
await import("./thread.ts");
