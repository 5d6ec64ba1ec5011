import { z } from "zod";

/** The RCA route's query: `version=N` for one saved version's Markdown, `format=versions` for the list of versions. */
export const rcaQuerySchema = z.object({
  version: z.coerce.number({ error: "version must be a version number." }).int().positive("version must be a version number.").optional(),
  format: z.enum(["md", "versions"], { error: "format must be md or versions." }).default("md"),
});
