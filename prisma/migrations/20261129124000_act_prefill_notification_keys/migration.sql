-- Issue 16: a run started from an incident keeps the step parameter values proposed for it (from the alert's labels
-- and annotations, or from live telemetry), and each chat notification carries the key of the event it tells about,
-- so one event is notified once however many passes or replicas see it.

-- AlterTable
ALTER TABLE "run" ADD COLUMN     "prefill" JSONB;

-- AlterTable
ALTER TABLE "notification" ADD COLUMN     "eventKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "notification_eventKey_key" ON "notification"("eventKey");
