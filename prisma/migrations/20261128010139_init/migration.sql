-- CreateEnum
CREATE TYPE "Role" AS ENUM ('SRE', 'INCIDENT_COMMANDER', 'INFOSEC', 'ENGINEERING_TL', 'BUSINESS', 'PRODUCT', 'REPO_OWNER', 'AUDITOR');

-- CreateEnum
CREATE TYPE "RepoPhase" AS ENUM ('PILOT', 'PHASE_6', 'PHASE_7');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('IN_PROGRESS', 'COMPLETED', 'ABORTED', 'ROLLED_BACK');

-- CreateTable
CREATE TABLE "person" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "roles" "Role"[],
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "repo" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "ownerId" UUID,
    "phase" "RepoPhase" NOT NULL,
    "allowlisted" BOOLEAN NOT NULL DEFAULT false,
    "dailyCapUsd" DECIMAL(10,2) NOT NULL DEFAULT 5,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "repo_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "runbook_version" (
    "contentHash" TEXT NOT NULL,
    "runbookId" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "firstUsedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "runbook_version_pkey" PRIMARY KEY ("contentHash")
);

-- CreateTable
CREATE TABLE "run" (
    "id" UUID NOT NULL,
    "runbookId" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'IN_PROGRESS',
    "drill" BOOLEAN NOT NULL DEFAULT false,
    "startedById" UUID NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_event" (
    "seq" BIGINT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actorId" UUID,
    "actorEmail" TEXT,
    "actorRoles" TEXT[],
    "action" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "targetType" TEXT,
    "targetId" TEXT,
    "details" JSONB NOT NULL,
    "requestId" TEXT,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "chain_head" (
    "id" BIGSERIAL NOT NULL,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "hmac" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reason" TEXT NOT NULL,

    CONSTRAINT "chain_head_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "person_email_key" ON "person"("email");

-- CreateIndex
CREATE UNIQUE INDEX "repo_name_key" ON "repo"("name");

-- CreateIndex
CREATE INDEX "runbook_version_runbookId_idx" ON "runbook_version"("runbookId");

-- CreateIndex
CREATE INDEX "run_runbookId_startedAt_idx" ON "run"("runbookId", "startedAt" DESC);

-- CreateIndex
CREATE INDEX "run_status_idx" ON "run"("status");

-- CreateIndex
CREATE UNIQUE INDEX "audit_event_hash_key" ON "audit_event"("hash");

-- CreateIndex
CREATE INDEX "audit_event_at_idx" ON "audit_event"("at" DESC);

-- CreateIndex
CREATE INDEX "audit_event_action_seq_idx" ON "audit_event"("action", "seq" DESC);

-- CreateIndex
CREATE INDEX "audit_event_actorId_seq_idx" ON "audit_event"("actorId", "seq" DESC);

-- CreateIndex
CREATE INDEX "audit_event_targetType_targetId_seq_idx" ON "audit_event"("targetType", "targetId", "seq" DESC);

-- AddForeignKey
ALTER TABLE "repo" ADD CONSTRAINT "repo_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run" ADD CONSTRAINT "run_contentHash_fkey" FOREIGN KEY ("contentHash") REFERENCES "runbook_version"("contentHash") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run" ADD CONSTRAINT "run_startedById_fkey" FOREIGN KEY ("startedById") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The audit log is append-only: refuse UPDATE, DELETE and TRUNCATE from ordinary sessions.
-- (A superuser can still bypass triggers; the hash chain and exported signed heads make that visible.)
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_event_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON "audit_event"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
