export { loadConfig, type Config, type ConfigFlags, type SmtpConfig } from "./config.ts";
