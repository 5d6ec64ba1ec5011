-- Access administration (issue 13 items 3 and 6): roles an administrator revoked although the identity provider
-- still maps them, and the requests for privileged grants that a second administrator decides.

-- AlterTable
ALTER TABLE "person" ADD COLUMN     "blockedRoles" "Role"[] DEFAULT ARRAY[]::"Role"[];

-- CreateTable
CREATE TABLE "access_request" (
    "id" UUID NOT NULL,
    "personId" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "reason" TEXT,
    "requestedById" UUID NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "decidedById" UUID,
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "access_request_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "access_request_status_createdAt_idx" ON "access_request"("status", "createdAt");

-- CreateIndex
CREATE INDEX "access_request_personId_idx" ON "access_request"("personId");

-- AddForeignKey
ALTER TABLE "access_request" ADD CONSTRAINT "access_request_personId_fkey" FOREIGN KEY ("personId") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written (the schema cannot express these): at most one pending request per person and role, and blocking or
-- unblocking a role ends the person's sessions like any other role change (trigger person_session_version).
CREATE UNIQUE INDEX "access_request_one_pending" ON "access_request"("personId", "role") WHERE "status" = 'PENDING';

DROP TRIGGER "person_session_version" ON "person";
CREATE TRIGGER person_session_version
  BEFORE UPDATE ON "person"
  FOR EACH ROW
  WHEN (OLD."disabled" IS DISTINCT FROM NEW."disabled"
     OR OLD."roles" IS DISTINCT FROM NEW."roles"
     OR OLD."idpRoles" IS DISTINCT FROM NEW."idpRoles"
     OR OLD."blockedRoles" IS DISTINCT FROM NEW."blockedRoles")
  EXECUTE FUNCTION person_session_version();
