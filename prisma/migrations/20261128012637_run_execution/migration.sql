-- CreateEnum
CREATE TYPE "StepStatus" AS ENUM ('PENDING', 'AWAITING_SIGNATURES', 'COMMAND_SENT', 'WAITING_CHILD', 'DONE', 'SKIPPED', 'NOT_APPLICABLE');

-- CreateEnum
CREATE TYPE "DecisionOutcome" AS ENUM ('GO', 'NO_GO');

-- AlterTable
ALTER TABLE "run" ADD COLUMN     "detectedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "drillScenario" TEXT,
ADD COLUMN     "endedById" UUID,
ADD COLUMN     "endedReason" TEXT,
ADD COLUMN     "escalationLevel" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "incidentId" UUID,
ADD COLUMN     "parentRunId" UUID,
ADD COLUMN     "parentStepId" TEXT;

-- CreateTable
CREATE TABLE "step_state" (
    "runId" UUID NOT NULL,
    "stepId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "status" "StepStatus" NOT NULL DEFAULT 'PENDING',
    "version" INTEGER NOT NULL DEFAULT 0,
    "notes" TEXT,
    "evidence" JSONB NOT NULL DEFAULT '[]',
    "request" JSONB,
    "requestHash" TEXT,
    "requestedById" UUID,
    "commandId" UUID,
    "childRunId" UUID,
    "skipReason" TEXT,
    "completedById" UUID,
    "completedAt" TIMESTAMPTZ(3),
    "currentSince" TIMESTAMPTZ(3),
    "autoEscalatedAt" TIMESTAMPTZ(3),

    CONSTRAINT "step_state_pkey" PRIMARY KEY ("runId","stepId")
);

-- CreateTable
CREATE TABLE "signature" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "stepId" TEXT NOT NULL,
    "personId" UUID NOT NULL,
    "personName" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "requestHash" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "voidedAt" TIMESTAMPTZ(3),

    CONSTRAINT "signature_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "decision" (
    "runId" UUID NOT NULL,
    "stepId" TEXT NOT NULL,
    "outcome" "DecisionOutcome" NOT NULL,
    "reason" TEXT NOT NULL,
    "criteria" JSONB NOT NULL,
    "decidedById" UUID NOT NULL,
    "decidedBy" TEXT NOT NULL,
    "decidedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "decision_pkey" PRIMARY KEY ("runId","stepId")
);

-- CreateIndex
CREATE INDEX "signature_runId_stepId_idx" ON "signature"("runId", "stepId");

-- CreateIndex
CREATE INDEX "run_parentRunId_idx" ON "run"("parentRunId");

-- CreateIndex
CREATE INDEX "run_incidentId_idx" ON "run"("incidentId");

-- AddForeignKey
ALTER TABLE "run" ADD CONSTRAINT "run_parentRunId_fkey" FOREIGN KEY ("parentRunId") REFERENCES "run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "step_state" ADD CONSTRAINT "step_state_runId_fkey" FOREIGN KEY ("runId") REFERENCES "run"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "signature" ADD CONSTRAINT "signature_runId_fkey" FOREIGN KEY ("runId") REFERENCES "run"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "decision" ADD CONSTRAINT "decision_runId_fkey" FOREIGN KEY ("runId") REFERENCES "run"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
