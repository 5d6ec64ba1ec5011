-- Follow-ups of RCAs and incidents, and recorded runbook reviews (issue 19). Contacts and quick links are a
-- configuration file (lib/contacts), not tables.

-- CreateTable
CREATE TABLE "follow_up" (
    "id" UUID NOT NULL,
    "runId" UUID,
    "incidentId" UUID,
    "title" TEXT NOT NULL,
    "ownerId" UUID NOT NULL,
    "dueOn" DATE NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'OPEN',
    "runbookId" TEXT,
    "stepId" TEXT,
    "closeReason" TEXT,
    "fixedBy" JSONB,
    "closedById" UUID,
    "closedAt" TIMESTAMPTZ(3),
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "follow_up_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "runbook_review" (
    "id" UUID NOT NULL,
    "runbookId" TEXT NOT NULL,
    "reviewedById" UUID NOT NULL,
    "reviewerName" TEXT NOT NULL,
    "reviewedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL,
    "changelog" JSONB,
    "note" TEXT,
    "cadence" TEXT NOT NULL,

    CONSTRAINT "runbook_review_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "follow_up_runId_idx" ON "follow_up"("runId");

-- CreateIndex
CREATE INDEX "follow_up_incidentId_idx" ON "follow_up"("incidentId");

-- CreateIndex
CREATE INDEX "follow_up_state_dueOn_idx" ON "follow_up"("state", "dueOn");

-- CreateIndex
CREATE INDEX "follow_up_runbookId_state_idx" ON "follow_up"("runbookId", "state");

-- CreateIndex
CREATE INDEX "follow_up_ownerId_state_idx" ON "follow_up"("ownerId", "state");

-- CreateIndex
CREATE INDEX "runbook_review_runbookId_reviewedAt_idx" ON "runbook_review"("runbookId", "reviewedAt" DESC);

-- AddForeignKey
ALTER TABLE "follow_up" ADD CONSTRAINT "follow_up_runId_fkey" FOREIGN KEY ("runId") REFERENCES "run"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "follow_up" ADD CONSTRAINT "follow_up_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "incident"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "follow_up" ADD CONSTRAINT "follow_up_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "runbook_review" ADD CONSTRAINT "runbook_review_reviewedById_fkey" FOREIGN KEY ("reviewedById") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
