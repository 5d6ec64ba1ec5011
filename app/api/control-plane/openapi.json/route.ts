import { NextResponse } from "next/server";
import { buildOpenApiDocument } from "@/lib/control-plane/openapi";

export const dynamic = "force-static";

/** The control-plane contract (OpenAPI 3.1), generated from the zod schemas the client validates with. Public. */
export function GET() {
  return NextResponse.json(buildOpenApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } });
}
