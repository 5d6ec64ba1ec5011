-- CreateEnum
CREATE TYPE "CommandState" AS ENUM ('PENDING', 'SENDING', 'SUCCEEDED', 'FAILED');

-- CreateTable
CREATE TABLE "command" (
    "id" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "requestHash" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "state" "CommandState" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "response" JSONB,
    "runId" UUID,
    "stepId" TEXT,
    "requestedById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "command_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "command_idempotencyKey_key" ON "command"("idempotencyKey");

-- CreateIndex
CREATE INDEX "command_state_nextAttemptAt_idx" ON "command"("state", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "command_runId_idx" ON "command"("runId");

-- AddForeignKey
ALTER TABLE "command" ADD CONSTRAINT "command_runId_fkey" FOREIGN KEY ("runId") REFERENCES "run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "command" ADD CONSTRAINT "command_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "person"("id") ON DELETE SET NULL ON UPDATE CASCADE;
