import { downloadOnboardingFile } from "../download";

export const dynamic = "force-dynamic";

/** The repo's Prometheus alert rules (YAML) as a download. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  return downloadOnboardingFile(req, (await params).id, "alertRules");
}
