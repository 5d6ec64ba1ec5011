import { z } from "zod";
import { ROLES } from "../auth/roles";

/** When a contact answers: always (24/7), or on some weekdays between two times in a time zone. */
export const hoursSchema = z
  .object({
    /** As people say it, e.g. "24/7 (P1 only)" or "Business hours". */
    label: z.string().min(1),
    always: z.boolean().default(false),
    /** Weekdays, 0 = Sunday … 6 = Saturday (default Monday to Friday). */
    days: z.array(z.number().int().min(0).max(6)).min(1).default([1, 2, 3, 4, 5]),
    from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time HH:MM").default("09:00"),
    to: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, "must be a time HH:MM").default("17:00"),
    timeZone: z
      .string()
      .default("UTC")
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat("en", { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, "must be an IANA time zone such as Europe/Berlin"),
  })
  .strict()
  .refine((h) => h.always || h.from < h.to, { message: "`from` must be before `to`", path: ["to"] });

export type Hours = z.infer<typeof hoursSchema>;

const channel = z
  .object({
    kind: z.enum(["slack", "email", "pagerduty", "phone", "url"]),
    address: z.string().min(1),
  })
  .strict();

export const contactSchema = z
  .object({
    /** As the seed names it, e.g. "SRE On-Call". */
    name: z.string().min(1),
    channels: z.array(channel).min(1, "needs at least one channel"),
    hours: hoursSchema,
    /** Whether reaching this contact pages someone (PagerDuty), rather than waiting for them to read a message. */
    pages: z.boolean(),
  })
  .strict();

export type Contact = z.infer<typeof contactSchema>;

const link = z.object({ label: z.string().min(1), url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }) }).strict();
const supportItem = z.object({ label: z.string().min(1), detail: z.string().min(1), url: z.url({ protocol: /^https?$/ }).optional() }).strict();

export const contactsConfigSchema = z
  .object({
    /** Per role; a role without a contact shows "no contact configured". */
    contacts: z.partialRecord(z.enum(ROLES), contactSchema),
    links: z
      .object({
        dashboards: z.array(link).default([]),
        /** Per provider id as the telemetry names it (anthropic, openai, google). */
        statusPages: z.record(z.string().regex(/^[a-z0-9-]+$/, "must be a provider id such as anthropic"), link).default({}),
        support: z.array(supportItem).default([]),
      })
      .strict(),
  })
  .strict();

export type ContactsConfig = z.infer<typeof contactsConfigSchema>;
