import { contactsConfigSchema, type ContactsConfig } from "./schema";

const BUSINESS_HOURS = { label: "Business hours", always: false, days: [1, 2, 3, 4, 5], from: "09:00", to: "17:00", timeZone: "UTC" };
const always = (label: string) => ({ label, always: true });

/**
 * The seed's "Emergency Contacts", "Quick Links" and "Support" tables (docs/runbook-index.seed.md), used when no
 * contacts file exists. config/contacts.example.json is the same data as a file to start from.
 */
export const DEFAULT_CONTACTS: ContactsConfig = contactsConfigSchema.parse({
  contacts: {
    SRE: {
      name: "SRE On-Call",
      channels: [
        { kind: "slack", address: "@sre-oncall" },
        { kind: "email", address: "sre-oncall@company.com" },
      ],
      hours: always("24/7"),
      pages: true,
    },
    INCIDENT_COMMANDER: {
      name: "Incident Commander",
      channels: [
        { kind: "slack", address: "@incident-commander" },
        { kind: "pagerduty", address: "https://company.pagerduty.com" },
      ],
      hours: always("24/7 (P1 only)"),
      pages: true,
    },
    ENGINEERING_TL: { name: "Engineering TL", channels: [{ kind: "slack", address: "@eng-tl" }], hours: BUSINESS_HOURS, pages: false },
    INFOSEC: {
      name: "InfoSec",
      channels: [
        { kind: "slack", address: "@infosec-lead" },
        { kind: "pagerduty", address: "https://company.pagerduty.com" },
      ],
      hours: always("24/7 (security incidents)"),
      pages: true,
    },
    BUSINESS: { name: "Business Persona", channels: [{ kind: "email", address: "business@company.com" }], hours: BUSINESS_HOURS, pages: false },
    PRODUCT: { name: "Product Lead", channels: [{ kind: "email", address: "product@company.com" }], hours: BUSINESS_HOURS, pages: false },
  },
  links: {
    dashboards: [
      { label: "Reliability", url: "https://grafana.company.com/d/flowengine-slo" },
      { label: "Cost", url: "https://grafana.company.com/d/flowengine-cost" },
      { label: "Quality", url: "https://grafana.company.com/d/flowengine-quality" },
      { label: "Adoption", url: "https://grafana.company.com/d/flowengine-adoption" },
    ],
    statusPages: {
      anthropic: { label: "Anthropic status", url: "https://status.anthropic.com" },
      openai: { label: "OpenAI status", url: "https://status.openai.com" },
      google: { label: "Google Cloud status", url: "https://status.cloud.google.com" },
    },
    support: [
      { label: "Slack #blocks-help", detail: "User support: questions about flows, failures and costs" },
      { label: "Office hours", detail: "Thursdays 2–3 PM" },
      { label: "SRE on-call", detail: "sre-oncall@company.com — urgent issues only" },
      { label: "Slack #ops-alerts", detail: "SRE alerts" },
      { label: "PagerDuty", detail: "Paging the on-call", url: "https://company.pagerduty.com" },
      { label: "Incident commander escalation", detail: "@incident-commander (Slack)" },
    ],
  },
});
