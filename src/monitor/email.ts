import nodemailer from "nodemailer";
import type { AlertMessage } from "./alerts.ts";

/** SMTP settings for alert email. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when offered. */
  secure?: boolean;
  /** Refuse to send without STARTTLS (default true: alerts name people at risk). */
  requireTLS?: boolean;
  user?: string;
  pass?: string;
  from: string;
}

/** A sender of alert email over SMTP (nodemailer). */
export function smtpSender(settings: SmtpSettings): { send: (to: string, message: AlertMessage) => Promise<string>; close: () => void } {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure ?? false,
    requireTLS: settings.requireTLS ?? true,
    // One connection for a run of messages rather than one each (a burst of alerts is when it matters).
    pool: true,
    maxConnections: 2,
    ...(settings.user ? { auth: { user: settings.user, pass: settings.pass ?? "" } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  return {
    send: async (to, message) => {
      const info = await transport.sendMail({ from: settings.from, to, subject: message.subject, text: message.text, headers: { "Auto-Submitted": "auto-generated" } });
      return String(info.messageId);
    },
    close: () => transport.close(),
  };
}
