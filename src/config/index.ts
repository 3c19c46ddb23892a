export { loadConfig, type Config, type ConfigFlags } from "./config.ts";
