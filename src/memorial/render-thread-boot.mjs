// Entry of a memorial render thread: threads do not inherit the TypeScript
// loader of the main thread, so register it before loading the code.
import { register } from "tsx/esm/api";

register();
await import("./render-thread.ts");
