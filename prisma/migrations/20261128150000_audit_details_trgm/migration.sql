-- Hand-written (Prisma's schema cannot express an expression index): a trigram index for the audit review's
-- free-text search (lib/audit/query.ts, `details::text ILIKE '%…%'`), so a search that matches little or nothing
-- no longer reads the whole table. prisma/migrator.ts lists it in HAND_MANAGED so `migrate dev` never drops it.
-- pg_trgm is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "audit_event_details_trgm_idx" ON "audit_event" USING gin ((details::text) gin_trgm_ops);
