-- Every version of a run's RCA is kept (issue 14 item 3): a save appends a version instead of overwriting the text.

-- AlterTable
ALTER TABLE "run" ADD COLUMN     "rcaVersion" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "rca_version" (
    "runId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "markdown" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "authorId" UUID,
    "authorName" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rca_version_pkey" PRIMARY KEY ("runId","version")
);

-- AddForeignKey
ALTER TABLE "rca_version" ADD CONSTRAINT "rca_version_runId_fkey" FOREIGN KEY ("runId") REFERENCES "run"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Backfill: an RCA saved before versions were kept becomes version 1, by the person whose save the audit log records
-- last (every save appended its event in the same transaction). Only the last text was stored, so it is the only one.
INSERT INTO "rca_version" ("runId", "version", "markdown", "sha256", "authorId", "authorName", "createdAt")
SELECT r."id", 1, r."rcaMarkdown", encode(sha256(convert_to(r."rcaMarkdown", 'UTF8')), 'hex'), e."actorId",
       coalesce(p."name", e."actorEmail", 'someone'), coalesce(r."rcaUpdatedAt", e."at", now())
  FROM "run" r
  LEFT JOIN LATERAL (
    SELECT a."actorId", a."actorEmail", a."at" FROM "audit_event" a
     WHERE a."targetType" = 'run' AND a."targetId" = r."id"::text AND a."action" = 'run.rca.saved' AND a."outcome" = 'allowed'
     ORDER BY a."seq" DESC LIMIT 1
  ) e ON true
  LEFT JOIN "person" p ON p."id" = e."actorId"
 WHERE r."rcaMarkdown" IS NOT NULL;

UPDATE "run" SET "rcaVersion" = 1 WHERE "rcaMarkdown" IS NOT NULL;
