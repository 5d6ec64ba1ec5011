-- CreateEnum
CREATE TYPE "IncidentStatus" AS ENUM ('OPEN', 'MITIGATED', 'RESOLVED');

-- CreateEnum
CREATE TYPE "IncidentSource" AS ENUM ('PERSON', 'DETECTOR', 'ALERT');

-- CreateEnum
CREATE TYPE "OnboardingState" AS ENUM ('REQUESTED', 'CHANGES_REQUESTED', 'APPROVED', 'ALLOWLISTED', 'FIRST_FLOW_RUNNING', 'FIRST_FLOW_PASSED', 'FIRST_FLOW_FAILED', 'TELEMETRY_VERIFIED', 'SUCCEEDED', 'NEEDS_ATTENTION', 'WITHDRAWN');

-- AlterTable
ALTER TABLE "run" ADD COLUMN     "rcaMarkdown" TEXT,
ADD COLUMN     "rcaUpdatedAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "incident" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "status" "IncidentStatus" NOT NULL DEFAULT 'OPEN',
    "source" "IncidentSource" NOT NULL,
    "summary" TEXT,
    "commanderId" UUID,
    "suggestedRunbookId" TEXT,
    "episodeKey" TEXT,
    "detectedAt" TIMESTAMPTZ(3) NOT NULL,
    "mitigatedAt" TIMESTAMPTZ(3),
    "resolvedAt" TIMESTAMPTZ(3),
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "incident_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert" (
    "id" UUID NOT NULL,
    "groupKey" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "alertname" TEXT NOT NULL,
    "labels" JSONB NOT NULL,
    "annotations" JSONB NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3),
    "runbookId" TEXT,
    "incidentId" UUID,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "onboarding" (
    "id" UUID NOT NULL,
    "submissionKey" TEXT NOT NULL,
    "repoName" TEXT NOT NULL,
    "repoUrl" TEXT NOT NULL,
    "team" TEXT NOT NULL,
    "ownerContacts" JSONB NOT NULL,
    "alertContacts" JSONB NOT NULL,
    "targetPhase" "RepoPhase" NOT NULL,
    "expectedFlowsPerDay" INTEGER NOT NULL,
    "estimatedDailySpendUsd" DECIMAL(10,2) NOT NULL,
    "checklist" JSONB NOT NULL,
    "state" "OnboardingState" NOT NULL DEFAULT 'REQUESTED',
    "version" INTEGER NOT NULL DEFAULT 0,
    "requestedById" UUID NOT NULL,
    "reviewedById" UUID,
    "reviewReason" TEXT,
    "approvedAt" TIMESTAMPTZ(3),
    "allowlistCommandId" UUID,
    "firstFlowCommandId" UUID,
    "firstFlowId" TEXT,
    "firstFlowResult" JSONB,
    "telemetryVerifiedAt" TIMESTAMPTZ(3),
    "ownerTrainedAt" TIMESTAMPTZ(3),
    "closesAt" TIMESTAMPTZ(3),
    "closedAt" TIMESTAMPTZ(3),
    "outcome" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "onboarding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMPTZ(3),

    CONSTRAINT "notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "incident_episodeKey_key" ON "incident"("episodeKey");

-- CreateIndex
CREATE INDEX "incident_status_detectedAt_idx" ON "incident"("status", "detectedAt" DESC);

-- CreateIndex
CREATE INDEX "alert_incidentId_idx" ON "alert"("incidentId");

-- CreateIndex
CREATE UNIQUE INDEX "alert_groupKey_fingerprint_key" ON "alert"("groupKey", "fingerprint");

-- CreateIndex
CREATE UNIQUE INDEX "onboarding_submissionKey_key" ON "onboarding"("submissionKey");

-- CreateIndex
CREATE INDEX "onboarding_requestedById_createdAt_idx" ON "onboarding"("requestedById", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "onboarding_state_idx" ON "onboarding"("state");

-- CreateIndex
CREATE INDEX "onboarding_repoName_idx" ON "onboarding"("repoName");

-- CreateIndex
CREATE INDEX "notification_state_nextAttemptAt_idx" ON "notification"("state", "nextAttemptAt");

-- AddForeignKey
ALTER TABLE "alert" ADD CONSTRAINT "alert_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "incident"("id") ON DELETE SET NULL ON UPDATE CASCADE;
